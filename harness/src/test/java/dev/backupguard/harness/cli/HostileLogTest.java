package dev.backupguard.harness.cli;

import dev.backupguard.harness.cli.AuditCommandTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.backupguard.harness.cli.AuditCommandTest.SAMPLES;
import static dev.backupguard.harness.cli.AuditCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit command on logs an operator may really hand it: edited by hand, copied through Windows tools, cut off by
 * a full disk or a careless {@code head -c}, holding a statement of hundreds of megabytes. A verdict is given when
 * one can be, never CONSISTENT for a session the log does not hold whole, and a crash is never a verdict.
 */
class HostileLogTest {

    static final String DUMP = "mariadb-dump-single-transaction";

    static String sample(String name) throws Exception {
        return Files.readString(SAMPLES.resolve(name), StandardCharsets.UTF_8);
    }

    static Path write(Path dir, String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @ParameterizedTest
    @ValueSource(strings = {"SAVEPOINT", "SAVEPOINT 'sp'", "SAVEPOINT /* unnamed */", "ROLLBACK TO SAVEPOINT"})
    void aSavepointWithoutANameIsJudgedNotACrash(String malformed, @TempDir Path dir) throws Exception {
        // The dump's SAVEPOINT sp made nameless: the server refused it, and its ROLLBACK TO SAVEPOINT sp too.
        String log = sample(DUMP + ".log").replace("Query\tSAVEPOINT sp\n", "Query\t" + malformed + "\n");
        assertThat(log).contains(malformed + "\n");

        Run r = run("audit", write(dir, "nameless.log", log).toString());

        assertThat(r.err()).isEmpty();
        assertThat(r.exit()).isEqualTo(Main.CONSISTENT);
        assertThat(r.out()).contains("verdict: CONSISTENT");
    }

    @ParameterizedTest
    @ValueSource(strings = {DUMP + ".log", DUMP + ".tsv", DUMP + ".csv", "legacy-jobs.log", "legacy-jobs.tsv"})
    void aLogWithCrlfLineEndsIsJudgedAsItsOriginal(String name, @TempDir Path dir) throws Exception {
        String lf = sample(name);
        Path crlf = write(dir, "crlf-" + name, lf.replace("\n", "\r\n"));
        String[] server = name.endsWith(".log") ? new String[0] : new String[]{"--server", "mariadb-11.4.5"};

        Run original = run(concat(new String[]{"audit", SAMPLES.resolve(name).toString()}, server));
        Run windows = run(concat(new String[]{"audit", crlf.toString()}, server));

        assertThat(windows.err()).isEmpty();
        assertThat(windows.exit()).isEqualTo(original.exit());
        assertThat(windows.out().lines().skip(1).toList()).as("everything but the file name")
                .isEqualTo(original.out().lines().skip(1).toList());
    }

    @Test
    void aFileLogCutInTheMiddleOfALineIsNotCalledConsistent(@TempDir Path dir) throws Exception {
        String log = sample(DUMP + ".log");
        int cut = log.indexOf("`owner` FROM `accounts`");
        Path file = write(dir, "cut.log", log.substring(0, cut));

        Run r = run("audit", file.toString());

        assertThat(r.exit()).isEqualTo(Main.NOT_CONSISTENT);
        assertThat(r.out()).contains("THE LOG IS CUT").contains("verdict: NOT CONSISTENT (not seen whole")
                .contains("the log ends inside this statement")
                .contains("its end is missing");
        // Cut at a line end instead, nothing shows the cut: the last statement is whole, the session judged on it.
        Run atLineEnd = run("audit", write(dir, "lines.log", log.substring(0, log.indexOf('\n', cut) + 1)).toString());
        assertThat(atLineEnd.out()).doesNotContain("THE LOG IS CUT");
    }

    @Test
    void aTsvExportCutInTheMiddleOfARowIsNotCalledConsistent(@TempDir Path dir) throws Exception {
        String tsv = sample(DUMP + ".tsv");
        int row = tsv.indexOf("SELECT /*!40001 SQL_NO_CACHE */ `id`");
        for (int cut : new int[]{row + 20, tsv.lastIndexOf('\n', row) + 12}) {
            Run r = run("audit", write(dir, "cut.tsv", tsv.substring(0, cut)).toString(), "--server", "mariadb");
            assertThat(r.exit()).as("cut at %d: %s", cut, r.err()).isEqualTo(Main.NOT_CONSISTENT);
            assertThat(r.out()).contains("THE LOG IS CUT").contains("its end is missing")
                    .contains("verdict: NOT CONSISTENT (not seen whole");
        }
    }

    @Test
    void aStatementLongerThanTheBoundIsJudgedOnItsStartAndItsSessionIsNotCalledConsistent(@TempDir Path dir)
            throws Exception {
        String log = sample(DUMP + ".log");
        String huge = "SELECT /*!40001 SQL_NO_CACHE */ `id`, `owner` FROM `accounts` WHERE id IN (" + "7,".repeat(4000)
                + "7)";
        Path file = write(dir, "long.log", log.replace("SELECT /*!40001 SQL_NO_CACHE */ `id`, `owner` FROM `accounts`",
                huge));

        Run r = run("audit", file.toString(), "--max-statement", "4k");

        assertThat(r.exit()).isEqualTo(Main.NOT_CONSISTENT);
        assertThat(r.out()).contains("1 entry longer than 4096 chars, judged on its first 4096")
                .containsPattern("line \\d+: a statement of " + huge.length() + " chars, of which the first 40\\d\\d "
                        + "were read \\(--max-statement\\): judged on its start")
                .contains("tables read: 3"); // its start still names the table: it was judged as the read it is
        // With the bound above it, the same log is consistent.
        assertThat(run("audit", file.toString()).exit()).isEqualTo(Main.CONSISTENT);
    }

    @Test
    void aStatementLongerThanTheBoundInAnotherSessionIsReportedAndTheBackupStillJudged(@TempDir Path dir)
            throws Exception {
        String log = sample(DUMP + ".log");
        String other = "\t\t    99 Connect\tapp@127.0.0.1 on shop using TCP/IP\n\t\t    99 Query\tINSERT INTO t VALUES ('"
                + "x".repeat(20_000) + "')\n";
        int at = log.indexOf("\t\t    12 Query\tSHOW STATUS");
        Path file = write(dir, "other.log", log.substring(0, at) + other + log.substring(at));

        Run r = run("audit", file.toString(), "--max-statement", "4k");

        assertThat(r.exit()).isEqualTo(Main.CONSISTENT);
        assertThat(r.out()).contains("1 entry longer than 4096 chars").contains("verdict: CONSISTENT")
                .doesNotContain("xxxx");
    }

    @Test
    void theBoundIsAnOptionWithLimits() {
        assertThat(run("audit", "x.log", "--max-statement", "12").err())
                .contains("--max-statement takes a number of chars from 1k to 1024m");
        assertThat(run("audit", "x.log", "--max-statement", "lots").exit()).isEqualTo(Main.UNREADABLE);
        assertThat(Main.chars("64k")).isEqualTo(65_536);
        assertThat(Main.chars("2m")).isEqualTo(2_097_152);
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
