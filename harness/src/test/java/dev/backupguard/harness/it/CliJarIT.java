package dev.backupguard.harness.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The executable jar as an operator runs it: {@code java -jar harness/target/backup-guard-cli.jar}, a JVM of its own
 * with nothing on the class path but the jar (which the package phase built before this test). Exit codes: 0 every
 * backup session consistent, 1 not, 2 unreadable input, 3 the audit itself failed.
 */
class CliJarIT {

    static final Path JAR = Path.of("target/backup-guard-cli.jar");
    static final Path SAMPLES = Path.of("src/test/resources/generallog");
    static final Path WORK = Path.of("target/cli-jar-it");

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void jarWasBuilt() throws IOException {
        assertThat(JAR).as("the shaded CLI jar (mvn package builds it)").isRegularFile();
        Files.createDirectories(WORK);
    }

    static Run cli(String... args) throws IOException, InterruptedException {
        return cli(List.of(), args);
    }

    static Run cli(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(WORK, "out", ".txt");
        Path err = Files.createTempFile(WORK, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("CLASSPATH");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the CLI finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void helpDescribesTheCommandAndItsExitCodes() throws Exception {
        Run r = cli("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Usage: java -jar backup-guard-cli.jar audit <general-log> [options]")
                .contains("--html FILE").contains("--backup-user").contains("Exit code: 0")
                .contains("--max-statement CHARS").contains("3 the audit itself failed");
        assertThat(cli("audit", "--help").exit()).isZero();
    }

    @Test
    void consistentDumpExitsZero() throws Exception {
        Run r = cli("audit", SAMPLES.resolve("mariadb-dump-single-transaction.log").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("backup sessions: 1 (1 consistent, 0 NOT consistent)")
                .contains("verdict: CONSISTENT").contains("global read lock: not taken");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void inconsistentBackupsExitOneAndTheHtmlReportIsSelfContained() throws Exception {
        Path html = WORK.resolve("legacy.html");
        Files.deleteIfExists(html);
        Run r = cli("audit", SAMPLES.resolve("legacy-jobs.log").toString(), "--html", html.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("5 NOT consistent").contains("HTML report: ");
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<svg ")
                .doesNotContain("<script").doesNotContain("<link").doesNotContain("src=")
                .doesNotContain("href=\"http").doesNotContain("url(");
    }

    @Test
    void everyExportFormatIsReadFromAFreshJvm() throws Exception {
        for (String sample : List.of("mariadb-dump-lock-all-tables.tsv", "mariadb-dump-lock-all-tables.csv")) {
            Run r = cli("audit", SAMPLES.resolve(sample).toString(), "--server", "mariadb-11.4.5");
            assertThat(r.exit()).as("%s: %s", sample, r.err()).isZero();
            assertThat(r.out()).contains("verdict: CONSISTENT (1 warning)").contains("lock-whole-dump");
        }
    }

    /**
     * A log holding one 300 MB statement (another session's), gzipped as logrotate leaves it, read by a JVM with 64 MB
     * of heap: the statement is read in part and reported, the backup session judged. Given a bound the heap cannot
     * hold, the audit fails with exit 3 and says why, never with a verdict's exit code.
     */
    @Test
    void aHugeStatementIsReadInBoundedMemoryAndRunningOutOfMemoryIsNoVerdict() throws Exception {
        Path log = WORK.resolve("huge-statement.log.gz");
        String sample = Files.readString(SAMPLES.resolve("mariadb-dump-single-transaction.log"), StandardCharsets.UTF_8);
        int at = sample.indexOf("\t\t    12 Query\tSHOW STATUS");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(log), 1 << 16)) {
            out.write(sample.substring(0, at).getBytes(StandardCharsets.UTF_8));
            out.write("\t\t    99 Query\tINSERT INTO blobs VALUES ('".getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'x');
            for (int i = 0; i < 300; i++) {
                out.write(chunk);
            }
            out.write("')\n".getBytes(StandardCharsets.US_ASCII));
            out.write(sample.substring(at).getBytes(StandardCharsets.UTF_8));
        }

        Run r = cli(List.of("-Xmx64m"), "audit", log.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("1 entry longer than 1048576 chars").contains("verdict: CONSISTENT");

        Run oom = cli(List.of("-Xmx64m"), "audit", log.toString(), "--max-statement", "512m");
        assertThat(oom.exit()).isEqualTo(3);
        assertThat(oom.err()).contains("internal error, no verdict").contains("OutOfMemoryError")
                .contains("-Xmx");
        assertThat(oom.out()).doesNotContain("verdict:");
    }

    @Test
    void unreadableInputExitsTwoSayingWhichLineAndWhatWasExpected() throws Exception {
        Path garbage = WORK.resolve("not-a-log.txt");
        Files.writeString(garbage, "hello\nworld\n");
        Run r = cli("audit", garbage.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("cannot read").contains("line 1: expected").contains("found 'hello'");
        assertThat(r.out()).isEmpty();

        Path broken = WORK.resolve("broken.tsv");
        List<String> lines = new ArrayList<>(Files.readAllLines(SAMPLES.resolve("mariadb-dump-defaults.tsv")));
        lines.set(4, "2026-01-01 00:00:00.000000\troot\t12");
        Files.write(broken, lines);
        r = cli("audit", broken.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("line 5: expected 6 tab-separated fields");

        r = cli("audit", WORK.resolve("no-such.log").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no such file");

        r = cli("audit", garbage.toString(), "--format", "yaml");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--format must be auto, file, tsv or csv");
    }
}
