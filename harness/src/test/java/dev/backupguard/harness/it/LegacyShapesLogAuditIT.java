package dev.backupguard.harness.it;

import dev.backupguard.harness.audit.AuditedSession;
import dev.backupguard.harness.audit.AuditedStatement;
import dev.backupguard.harness.cli.Main;
import dev.backupguard.harness.examples.LegacyJobs;
import dev.backupguard.harness.generallog.LogFormat;
import dev.backupguard.protocol.Rule;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Legacy backup jobs run without backup-guard, as they run in production today; the server's general log of the
 * night is audited afterwards: each unsafe job's connection is flagged with the rule that explains it, the safe ones
 * pass, and the exit code says that last night's backups were not all consistent.
 */
@WithMariaDb
class LegacyShapesLogAuditIT {

    static final List<String> TABLES = List.of("accounts", "ledger", "audit_log");
    static String db;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase("hx_night");
        server.execute("CREATE TABLE hx_night.accounts (id INT PRIMARY KEY, owner VARCHAR(20)) ENGINE=InnoDB",
                "CREATE TABLE hx_night.ledger (id INT PRIMARY KEY, account INT, amount DECIMAL(10,2)) ENGINE=InnoDB",
                "CREATE TABLE hx_night.audit_log (id BIGINT PRIMARY KEY, what VARCHAR(100)) ENGINE=InnoDB",
                "INSERT INTO hx_night.accounts VALUES (1, 'ann'), (2, 'bob')",
                "INSERT INTO hx_night.ledger VALUES (1, 1, 10.00)",
                "INSERT INTO hx_night.audit_log VALUES (1, 'opened')");
    }

    /** A job formatted the way Java text blocks format SQL: its statements span lines in the log file. */
    static LegacyJobs.Dump reportStyle(Connection c, List<String> tables) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("FLUSH TABLES WITH READ LOCK");
            s.execute("""
                    SET SESSION TRANSACTION
                        ISOLATION LEVEL REPEATABLE READ""");
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            String file;
            long position;
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                file = rs.getString(1);
                position = rs.getLong(2);
            }
            s.execute("UNLOCK TABLES");
            try (ResultSet rs = s.executeQuery("""
                    SELECT id,
                           owner
                      FROM accounts
                     ORDER BY id""")) {
                while (rs.next()) {
                    rs.getString(2);
                }
            }
            s.execute("COMMIT");
            return new LegacyJobs.Dump(file, position, List.of());
        }
    }

    @Test
    void lastNightsLogFlagsEveryUnsafeJobWithItsRule(MariaDbServer server) throws Exception {
        Map<String, Long> threads = new LinkedHashMap<>();
        Map<String, LegacyJobs.Job> jobs = new LinkedHashMap<>();
        jobs.put("autocommit loop", LegacyJobs::autocommitLoop);
        jobs.put("unlock before snapshot", LegacyJobs::unlockBeforeSnapshot);
        jobs.put("transaction without snapshot", LegacyJobs::transactionWithoutSnapshot);
        jobs.put("read committed", LegacyJobs::readCommitted);
        jobs.put("commit in the middle", LegacyJobs::commitInTheMiddle);
        jobs.put("mysqldump style", LegacyJobs::mysqldumpStyle);
        jobs.put("report style", (c, t) -> {
            try {
                return reportStyle(c, t);
            } catch (java.sql.SQLException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        GeneralLogCapture.Captured log = GeneralLogCapture.capture(server, MariadbDumpLogAuditIT.DIR, "legacy-night",
                () -> {
                    for (Map.Entry<String, LegacyJobs.Job> job : jobs.entrySet()) {
                        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
                            threads.put(job.getKey(), MariaDbServer.threadId(c));
                            job.getValue().run(c, TABLES);
                        }
                    }
                    // The application user's nightly export: a plain loop, no backup statement at all.
                    try (Connection c = server.connectAsApp(JdbcDriver.MARIADB, db); Statement s = c.createStatement()) {
                        threads.put("app export", MariaDbServer.threadId(c));
                        for (String t : TABLES) {
                            s.executeQuery("SELECT * FROM " + t).close();
                        }
                    }
                });
        Samples.offer(log.file(), "legacy-jobs.log");
        Samples.offer(log.tsv(), "legacy-jobs.tsv");

        List<AuditedSession> sessions = MariadbDumpLogAuditIT.audit(log.file(), LogFormat.FILE);
        Map<String, AuditedSession> byJob = new LinkedHashMap<>();
        for (Map.Entry<String, Long> t : threads.entrySet()) {
            sessions.stream().filter(s -> s.name().equals("thread " + t.getValue())).findFirst()
                    .ifPresent(s -> byJob.put(t.getKey(), s));
        }
        assertThat(byJob.keySet()).as("backup sessions found").containsExactly("autocommit loop",
                "unlock before snapshot", "transaction without snapshot", "read committed", "commit in the middle",
                "mysqldump style", "report style");
        assertThat(rules(byJob.get("autocommit loop"))).contains(Rule.SNAPSHOT_START);
        assertThat(rules(byJob.get("unlock before snapshot"))).contains(Rule.UNLOCK_BEFORE_SNAPSHOT);
        assertThat(rules(byJob.get("transaction without snapshot"))).contains(Rule.CONSISTENT_SNAPSHOT);
        assertThat(rules(byJob.get("read committed"))).contains(Rule.REPEATABLE_READ);
        assertThat(rules(byJob.get("commit in the middle"))).contains(Rule.SNAPSHOT_END);
        for (String unsafe : List.of("autocommit loop", "unlock before snapshot", "transaction without snapshot",
                "read committed", "commit in the middle")) {
            assertThat(byJob.get(unsafe).isConsistent()).as(unsafe).isFalse();
        }
        assertThat(byJob.get("mysqldump style").isConsistent()).isTrue();
        // With the binary log on, MariaDB keeps metadata locks across ROLLBACK TO SAVEPOINT (server facts 3d): the
        // mysqldump order still holds every dumped table's lock to the end. A warning, not an inconsistency.
        assertThat(byJob.get("mysqldump style").violations()).extracting(v -> v.finding().rule())
                .containsOnly(dev.backupguard.protocol.Rule.MDL_PER_TABLE);
        AuditedSession report = byJob.get("report style");
        assertThat(report.isConsistent()).isTrue();
        assertThat(rules(report)).containsExactly(Rule.FLUSH_BEFORE_LOCK);
        // The multi-line statements came through whole, line breaks included, and were judged as statements.
        AuditedStatement multiLine = report.statements().stream().filter(AuditedStatement::dataRead).findFirst()
                .orElseThrow();
        assertThat(multiLine.sent().sql()).isEqualTo("SELECT id,\n       owner\n  FROM accounts\n ORDER BY id");
        assertThat(multiLine.snapshotBefore()).isTrue();
        assertThat(report.statements()).anyMatch(s -> s.sent().sql().startsWith("SET SESSION TRANSACTION\n")
                && s.snapshotAfter() == false && s.globalLockAfter());

        // The command line: exit 1, each unsafe thread with its rule and the line of the offending statement.
        String out = MariadbDumpLogAuditIT.cli(Main.NOT_CONSISTENT, "audit", log.file().toString());
        assertThat(out).contains("backup sessions: 7 (2 consistent, 5 NOT consistent)");
        for (Rule r : List.of(Rule.SNAPSHOT_START, Rule.UNLOCK_BEFORE_SNAPSHOT, Rule.CONSISTENT_SNAPSHOT,
                Rule.REPEATABLE_READ, Rule.SNAPSHOT_END)) {
            assertThat(out).containsPattern("line \\d+ +" + r.id() + " \\(I\\d\\)");
        }
        // The application user's loop has no backup statement: a backup session only when its user is named.
        String named = MariadbDumpLogAuditIT.cli(Main.NOT_CONSISTENT, "audit", log.file().toString(),
                "--backup-user", server.appUser());
        assertThat(named).contains("backup sessions: 8 (2 consistent, 6 NOT consistent)")
                .contains("thread " + threads.get("app export") + "  user " + server.appUser());
    }

    static List<Rule> rules(AuditedSession s) {
        return s.violations().stream().map(AuditedSession.Violation::rule).toList();
    }
}
