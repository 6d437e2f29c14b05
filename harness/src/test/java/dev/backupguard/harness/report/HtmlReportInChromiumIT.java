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
 * it this test fails, it does not skip. It is an integration test (failsafe, {@code mvn verify}), so {@code mvn test}
 * needs no browser.
 */
class HtmlReportInChromiumIT {

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
        assertThat(plot).as("the timeline's frame in the screenshot").isNotNull();
        assertThat(plot[3] - plot[1]).as("height of the plot area").isBetween(170, 180);
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

    @Test
    void withoutChromiumTheseTestsFailInsteadOfSkipping(@org.junit.jupiter.api.io.TempDir Path empty) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> findChromium(empty.toString()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("apt-get install -y chromium");
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
        return findChromium(System.getenv().getOrDefault("PATH", ""));
    }

    static String findChromium(String path) {
        for (String dir : path.split(File.pathSeparator)) {
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
     * The first timeline's plot area in the screenshot: inside the frame drawn around the lanes (a 1-pixel #aab2bd
     * outline), found as the first two long horizontal runs of that colour. {x0, y0, x1, y1}, or null.
     */
    static int[] firstPlotArea(BufferedImage image) {
        int frame = 0xaab2bd;
        int[] top = null;
        for (int y = 0; y < image.getHeight(); y++) {
            int[] run = longestRun(image, y, frame);
            if (run[1] - run[0] >= 600) {
                if (top == null) {
                    top = new int[]{run[0], y, run[1]};
                } else if (y > top[1] + HtmlReport.LANE) {
                    return new int[]{top[0] + 1, top[1] + 1, top[2] - 1, y - 1};
                }
            }
        }
        return null;
    }

    /** {start, end} of the longest run of pixels of this colour in row y. */
    static int[] longestRun(BufferedImage image, int y, int rgb) {
        int best = 0;
        int bestStart = 0;
        int start = -1;
        for (int x = 0; x <= image.getWidth(); x++) {
            boolean in = x < image.getWidth() && near(image.getRGB(x, y), rgb);
            if (in && start < 0) {
                start = x;
            } else if (!in && start >= 0) {
                if (x - start > best) {
                    best = x - start;
                    bestStart = start;
                }
                start = -1;
            }
        }
        return new int[]{bestStart, bestStart + best};
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
