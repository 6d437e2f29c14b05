package dev.backupguard.harness.report;

import dev.backupguard.harness.cli.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTML report rendered by a real browser: headless Chromium takes a screenshot and dumps the DOM of reports of
 * captured general logs. The DOM must hold a timeline per backup session with its lanes drawn (bars of non-zero
 * width), and the screenshot must show them: the colours of the lock, snapshot and read bars inside the first
 * timeline's plot area, not a blank page. Chromium is required (.ci/run installs Debian's chromium package): without
 * it this test fails, it does not skip.
 */
class HtmlReportInChromiumTest {

    static final Path SAMPLES = Path.of("src/test/resources/generallog");
    static final Path OUT = Path.of("target/chromium");
    static Path profile;

    @BeforeAll
    static void fresh() throws IOException {
        Files.createDirectories(OUT);
        profile = Files.createTempDirectory("bg-chromium-profile");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void timelineLanesAreDrawnForADumpWithTheGlobalReadLock() throws Exception {
        Path html = report(SAMPLES.resolve("mariadb-dump-single-transaction-flush-logs.tsv"), "flush-logs.html",
                "--server", "mariadb-11.4.5");

        String dom = chromium("--dump-dom", html.toUri().toString());
        assertThat(count(dom, "<section class=\"session\"")).isEqualTo(1);
        assertThat(dom).contains("<title>backup-guard audit: ");
        for (String lane : List.of("global_lock_wait", "global_lock", "snapshot", "read")) {
            List<Double> widths = barWidths(dom, lane);
            assertThat(widths).as("bars of lane %s in the DOM", lane).isNotEmpty();
            assertThat(widths).as("widths of lane %s", lane).allMatch(w -> w > 0);
        }
        assertThat(barWidths(dom, "read")).hasSize(3);

        Path png = OUT.resolve("flush-logs.png");
        chromium("--screenshot=" + png.toAbsolutePath(), "--window-size=1280,1100", html.toUri().toString());
        BufferedImage image = ImageIO.read(png.toFile());
        int[] plot = firstPlotArea(image);
        assertThat(plot).as("the lanes' background in the screenshot").isNotNull();
        assertThat(colored(image, plot, 0xd9534f)).as("global read lock held (red)").isGreaterThan(20);
        assertThat(colored(image, plot, 0xf0ad4e)).as("waiting for the lock (amber)").isGreaterThan(20);
        assertThat(colored(image, plot, 0x5cb85c)).as("consistent snapshot (green)").isGreaterThan(200);
        assertThat(colored(image, plot, 0x337ab7)).as("table reads (blue)").isGreaterThan(20);
        assertThat(nonWhiteShare(image)).as("share of the page that is not blank").isGreaterThan(0.05);
    }

    @Test
    void everyBackupSessionOfANightGetsATimelineWithItsViolationsMarked() throws Exception {
        Path html = report(SAMPLES.resolve("legacy-jobs.log"), "legacy-jobs.html");

        String dom = chromium("--dump-dom", html.toUri().toString());
        assertThat(count(dom, "<section class=\"session\"")).isEqualTo(7);
        assertThat(count(dom, "<svg ")).isEqualTo(7);
        assertThat(count(dom, "class=\"marker bad\"")).as("markers of consistency violations").isGreaterThanOrEqualTo(5);
        assertThat(count(dom, "data-verdict=\"not-consistent\"")).isEqualTo(5);
        assertThat(barWidths(dom, "read")).hasSizeGreaterThanOrEqualTo(15).allMatch(w -> w > 0);
        assertThat(dom).contains("statement order (the log's times are whole seconds)");

        Path png = OUT.resolve("legacy-jobs.png");
        chromium("--screenshot=" + png.toAbsolutePath(), "--window-size=1280,1400", html.toUri().toString());
        BufferedImage image = ImageIO.read(png.toFile());
        int[] plot = firstPlotArea(image);
        assertThat(plot).isNotNull();
        // The first session is the autocommit loop: every read from another moment (dark red), no lock, no snapshot.
        assertThat(colored(image, plot, 0x8b0000)).as("reads from another moment").isGreaterThan(500);
        assertThat(colored(image, plot, 0x5cb85c)).as("no snapshot in this session").isZero();
        assertThat(colored(image, plot, 0xc9302c)).as("violation markers").isGreaterThan(10);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static Path report(Path log, String name, String... options) {
        Path html = OUT.resolve(name).toAbsolutePath();
        List<String> args = new ArrayList<>(List.of("audit", log.toString(), "--html", html.toString()));
        args.addAll(List.of(options));
        StringWriter out = new StringWriter();
        int code = new Main(new PrintWriter(out), new PrintWriter(new StringWriter())).run(args.toArray(String[]::new));
        assertThat(code).as("audit of %s:%n%s", log, out).isIn(Main.CONSISTENT, Main.NOT_CONSISTENT);
        assertThat(html).exists();
        return html;
    }

    /** Runs headless Chromium with these arguments and returns its standard output. */
    static String chromium(String... args) throws IOException, InterruptedException {
        String binary = findChromium();
        List<String> command = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--force-device-scale-factor=1", "--hide-scrollbars",
                "--user-data-dir=" + profile.toAbsolutePath()));
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile(OUT, "chromium", ".out");
        Path stderr = Files.createTempFile(OUT, "chromium", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + command);
        }
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("chromium exit code; stderr:%n%s", Files.readString(stderr)).isZero();
        Files.deleteIfExists(stdout);
        Files.deleteIfExists(stderr);
        return out;
    }

    static String findChromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new AssertionError("Chromium is needed to test the HTML report in a real browser and was not found on "
                + "PATH. Install it: apt-get install -y chromium (.ci/run does this when it is missing).");
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The widths of the bars of one lane, as the browser's DOM holds them. */
    static List<Double> barWidths(String dom, String lane) {
        List<Double> out = new ArrayList<>();
        Matcher m = Pattern.compile("<rect class=\"bar [^\"]*\" data-lane=\"" + lane + "\"[^>]*?width=\"([0-9.]+)\"")
                .matcher(dom);
        while (m.find()) {
            out.add(Double.parseDouble(m.group(1)));
        }
        return out;
    }

    /**
     * The first timeline's plot area in the screenshot: the band of rows from the first lane background (#f3f4f6)
     * down over the five lanes, between the leftmost and rightmost lane-background pixels of that band.
     * {x0, y0, x1, y1}, or null when no lane background is visible.
     */
    static int[] firstPlotArea(BufferedImage image) {
        int lane = 0xf3f4f6;
        int y0 = -1;
        for (int y = 0; y < image.getHeight() && y0 < 0; y++) {
            int n = 0;
            for (int x = 0; x < image.getWidth(); x++) {
                if (near(image.getRGB(x, y), lane)) {
                    n++;
                }
            }
            if (n > 200) {
                y0 = y;
            }
        }
        if (y0 < 0) {
            return null;
        }
        int y1 = Math.min(image.getHeight() - 1, y0 + 5 * (HtmlReport.LANE + HtmlReport.GAP) - HtmlReport.GAP);
        int x0 = image.getWidth();
        int x1 = 0;
        for (int y = y0; y <= y1; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (near(image.getRGB(x, y), lane)) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                }
            }
        }
        return new int[]{x0, y0, x1, y1};
    }

    static int colored(BufferedImage image, int[] area, int rgb) {
        int n = 0;
        for (int y = area[1]; y <= area[3]; y++) {
            for (int x = area[0]; x <= area[2]; x++) {
                if (near(image.getRGB(x, y), rgb)) {
                    n++;
                }
            }
        }
        return n;
    }

    static double nonWhiteShare(BufferedImage image) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int c = image.getRGB(x, y) & 0xffffff;
                if (!near(c, 0xffffff) && !near(c, 0xfafafa)) {
                    n++;
                }
            }
        }
        return n / (double) ((long) image.getWidth() * image.getHeight());
    }

    static boolean near(int argb, int rgb) {
        int r = (argb >> 16) & 0xff;
        int g = (argb >> 8) & 0xff;
        int b = argb & 0xff;
        return Math.abs(r - ((rgb >> 16) & 0xff)) <= 6 && Math.abs(g - ((rgb >> 8) & 0xff)) <= 6
                && Math.abs(b - (rgb & 0xff)) <= 6;
    }
}
