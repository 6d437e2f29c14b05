package dev.backupguard.harness.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit command on the general logs captured from the real server (committed under
 * src/test/resources/generallog by the integration tests): verdicts, exit codes and what the output says.
 */
class AuditCommandTest {

    static final Path SAMPLES = Path.of("src/test/resources/generallog");

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new Main(new PrintWriter(out), new PrintWriter(err)).run(args);
        return new Run(code, out.toString(), err.toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "mariadb-dump-single-transaction.log, 0, CONSISTENT, global read lock: not taken",
            "mariadb-dump-single-transaction-flush-logs.log, 0, CONSISTENT, over 5 statements",
            "mariadb-dump-lock-all-tables.log, 0, CONSISTENT (1 warning), lock-whole-dump (I3, server impact)",
            "mariadb-dump-defaults.log, 0, CONSISTENT, LOCK TABLES: LOCK TABLES `accounts` READ",
            "mariadb-dump-defaults-two-databases.log, 1, NOT CONSISTENT (2 violations), is not consistent with hx_dump.accounts",
            "legacy-jobs.log, 1, NOT CONSISTENT, unlock-before-snapshot (I1)",
    })
    void capturedLogIsJudged(String sample, int exit, String verdict, String detail) {
        Run r = run("audit", SAMPLES.resolve(sample).toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(exit);
        assertThat(r.out()).contains("verdict: " + verdict).contains(detail)
                .contains("server: MariaDB 11.4.5-MariaDB-log (from the log's header)");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void literalsAreRedactedUnlessAskedAndVerboseListsEveryStatement() {
        Path log = SAMPLES.resolve("mariadb-dump-single-transaction.log");
        Run redacted = run("audit", log.toString(), "--verbose");
        assertThat(redacted.out()).contains("SELECT BINLOG_GTID_POS(?, ?)").doesNotContain("BINLOG_GTID_POS('binlog")
                .contains("SHOW STATUS LIKE 'binlog_snapshot_%'")
                .containsPattern("line \\d+ +START TRANSACTION /\\*!40100 WITH CONSISTENT SNAPSHOT \\*/ \\[snapshot\\]");
        Run plain = run("audit", log.toString(), "--show-literals");
        assertThat(plain.out()).containsPattern("BINLOG_GTID_POS\\('binlog\\.\\d+', '\\d+'\\)");
    }

    @Test
    void aBackupUserMakesEveryConnectionOfThatUserABackupSession() {
        Path log = SAMPLES.resolve("legacy-jobs.log");
        assertThat(run("audit", log.toString()).out()).contains("connections: 8, backup sessions: 7");
        assertThat(run("audit", log.toString(), "--backup-user=bg_app").out())
                .contains("connections: 8, backup sessions: 8").contains("user bg_app");
    }

    @Test
    void nonTransactionalTablesReadOutsideTheLockAreNamed() {
        Run r = run("audit", SAMPLES.resolve("mariadb-dump-single-transaction.log").toString(),
                "--non-transactional", "hx_dump.audit_log");
        assertThat(r.exit()).isEqualTo(Main.NOT_CONSISTENT);
        assertThat(r.out()).contains("non-transactional-table (I6)").contains("hx_dump.audit_log");
    }

    @Test
    void htmlReportIsWritten(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("sub/report.html");
        Run r = run("audit", SAMPLES.resolve("legacy-jobs.tsv").toString(), "--server", "mariadb", "--html",
                html.toString());
        assertThat(r.exit()).isEqualTo(Main.NOT_CONSISTENT);
        assertThat(r.out()).contains("HTML report: " + html.toAbsolutePath());
        assertThat(Files.readString(html)).contains("<section class=\"session\"").contains("data-lane=\"read\"");
    }

    @Test
    void badCommandLinesExitTwo() {
        assertThat(run().exit()).isEqualTo(Main.UNREADABLE);
        assertThat(run("dump", "x").err()).contains("unknown command 'dump'");
        assertThat(run("audit").err()).contains("audit needs the general log to read");
        assertThat(run("audit", "a.log", "--server", "oracle").err()).contains("--server must be mariadb, mysql or percona");
        assertThat(run("audit", "a.log", "--bogus").err()).contains("unknown option --bogus");
        assertThat(run("audit", "a.log", "--non-transactional", "nodot").err()).contains("db.table names");
        assertThat(run("--help").exit()).isEqualTo(Main.CONSISTENT);
    }
}
