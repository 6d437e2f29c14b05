package dev.backupguard.harness.it;

import dev.backupguard.harness.BackupGuardExtension;
import dev.backupguard.harness.Recorder;
import dev.backupguard.harness.Recording;
import dev.backupguard.harness.audit.AuditedSession;
import dev.backupguard.harness.audit.SentStatement;
import dev.backupguard.harness.examples.LegacyJobs;
import dev.backupguard.harness.generallog.LogAudit;
import dev.backupguard.harness.generallog.LogRow;
import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Role;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.ServerFacts;
import dev.backupguard.testserver.GeneralLogEntry;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import static dev.backupguard.harness.BackupAssertions.assertThat;

/**
 * The harness against the real server, through both drivers: the legacy job shapes run unchanged under the guard in
 * audit mode and are flagged with their rules; what the recording holds is what the server's general log shows for
 * that connection; the general log of the connection, audited, breaks the same rule (one engine for both uses); and
 * in enforce mode the same jobs become consistent backups.
 */
@WithMariaDb
@ExtendWith(BackupGuardExtension.class)
class LegacyShapesIT {

    static final List<String> TABLES = List.of("accounts", "ledger", "audit_log");
    static String db;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase("hx_legacy");
        server.execute("CREATE TABLE hx_legacy.accounts (id INT PRIMARY KEY, owner VARCHAR(20)) ENGINE=InnoDB",
                "CREATE TABLE hx_legacy.ledger (id INT PRIMARY KEY, account INT, amount DECIMAL(10,2)) ENGINE=InnoDB",
                "CREATE TABLE hx_legacy.audit_log (id BIGINT PRIMARY KEY, what VARCHAR(100)) ENGINE=InnoDB",
                "INSERT INTO hx_legacy.accounts VALUES (1, 'ann'), (2, 'bob')",
                "INSERT INTO hx_legacy.ledger VALUES (1, 1, 10.00)",
                "INSERT INTO hx_legacy.audit_log VALUES (1, 'opened')");
    }

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        for (JdbcDriver driver : JdbcDriver.values()) {
            out.add(Arguments.of("autocommit loop", driver, (LegacyJobs.Job) LegacyJobs::autocommitLoop,
                    Rule.SNAPSHOT_START));
            out.add(Arguments.of("UNLOCK before the snapshot", driver,
                    (LegacyJobs.Job) LegacyJobs::unlockBeforeSnapshot, Rule.UNLOCK_BEFORE_SNAPSHOT));
            out.add(Arguments.of("transaction without snapshot", driver,
                    (LegacyJobs.Job) LegacyJobs::transactionWithoutSnapshot, Rule.CONSISTENT_SNAPSHOT));
            out.add(Arguments.of("READ COMMITTED", driver, (LegacyJobs.Job) LegacyJobs::readCommitted,
                    Rule.REPEATABLE_READ));
            out.add(Arguments.of("COMMIT in the middle", driver, (LegacyJobs.Job) LegacyJobs::commitInTheMiddle,
                    Rule.SNAPSHOT_END));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("shapes")
    void unsafeShapeIsFlaggedAndTheRecordingIsWhatTheServerLogged(String name, JdbcDriver driver, LegacyJobs.Job job,
                                                                  Rule rule, Recorder recorder, MariaDbServer server)
            throws Exception {
        long thread;
        try (Connection c = recorder.guard(server.connect(driver, db))) {
            thread = MariaDbServer.threadId(c);
            job.run(c, TABLES);
        }

        assertThat(recorder).isBackupSession().isNotConsistentBackup().violates(rule);

        List<GeneralLogEntry> log = server.generalLog(thread);
        assertRecordedInLogOrder(recorder.recording(), log);

        AuditedSession fromLog = auditLog(log);
        org.assertj.core.api.Assertions.assertThat(fromLog.isBackupSession()).isTrue();
        org.assertj.core.api.Assertions.assertThat(fromLog.violations()).extracting(AuditedSession.Violation::rule)
                .as("the general log of the same connection, audited").contains(rule);
    }

    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("shapes")
    void enforceModeMakesTheJobConsistentOnTheServer(String name, JdbcDriver driver, LegacyJobs.Job job, Rule rule,
                                                     Recorder recorder, MariaDbServer server) throws Exception {
        recorder.mode(Mode.ENFORCE);
        LegacyJobs.Dump dump;
        try (Connection c = recorder.guard(server.connect(driver, db))) {
            dump = job.run(c, TABLES);
        }

        assertThat(recorder).isConsistentBackup().readOnlyInsideSnapshot().readTables(TABLES.toArray(String[]::new));
        org.assertj.core.api.Assertions.assertThat(dump.rows().get(0)).containsExactly("1|ann", "2|bob");
        org.assertj.core.api.Assertions.assertThat(dump.binlogFile()).startsWith("binlog.");
    }

    /**
     * The guard's own enforce-mode sequence on MariaDB with the binary log on: it switches sql_log_bin off (root has
     * BINLOG ADMIN), so its ROLLBACK TO SAVEPOINT releases each dumped table's metadata lock. Neither the recording
     * nor the server's general log of it, audited from the log file as the command line does, may then warn about
     * metadata locks: the judge recognises the guard's statements by their text.
     */
    @ParameterizedTest(name = "{0} through {1}")
    @MethodSource("shapes")
    void theGuardsOwnSequenceHasNoWarningInTheRecordingOrInTheGeneralLog(String name, JdbcDriver driver,
                                                                          LegacyJobs.Job job, Rule rule,
                                                                          Recorder recorder, MariaDbServer server)
            throws Exception {
        recorder.mode(Mode.ENFORCE);
        long[] thread = new long[1];
        GeneralLogCapture.Captured log = GeneralLogCapture.capture(server, MariadbDumpLogAuditIT.DIR,
                "guarded-" + driver.name().toLowerCase(Locale.ROOT), () -> {
                    try (Connection c = recorder.guard(server.connect(driver, db))) {
                        thread[0] = MariaDbServer.threadId(c);
                        job.run(c, TABLES);
                    }
                });

        assertThat(recorder).isConsistentBackup().sentInOrder("SET SESSION sql_log_bin = 0",
                "ROLLBACK TO SAVEPOINT backup_guard").hasNoWarnings();
        AuditedSession fromLog = MariadbDumpLogAuditIT.audit(log.file(), dev.backupguard.harness.generallog.LogFormat.FILE)
                .stream().filter(s -> s.name().equals("thread " + thread[0])).findFirst().orElseThrow();
        org.assertj.core.api.Assertions.assertThat(fromLog.isConsistent()).isTrue();
        org.assertj.core.api.Assertions.assertThat(fromLog.violations()).as("violations and warnings").isEmpty();
        org.assertj.core.api.Assertions.assertThat(log.fileText()).contains("SET SESSION sql_log_bin = 0");
    }

    /**
     * Every statement of the recording is in the server's general log of that connection, in the same order. The
     * log also holds the driver's own statements, which never pass the JDBC API; and a driver may answer a
     * {@code commit()} itself when no transaction is open (MariaDB Connector/J, docs/server-facts.md fact 7).
     */
    static void assertRecordedInLogOrder(Recording recording, List<GeneralLogEntry> log) {
        List<String> queries = log.stream().filter(GeneralLogEntry::isQuery).map(e -> norm(e.argument())).toList();
        int at = 0;
        for (SentStatement s : recording.statements()) {
            int found = -1;
            for (int i = at; i < queries.size(); i++) {
                if (queries.get(i).equals(norm(s.sql()))) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                org.assertj.core.api.Assertions.assertThat(s.call())
                        .as("'%s' was recorded but is not in the general log after position %d:%n%s", s.sql(), at,
                                String.join("\n", queries)).isNotNull();
                org.assertj.core.api.Assertions.assertThat(norm(s.sql())).isIn("commit", "rollback");
                continue;
            }
            at = found + 1;
        }
    }

    static String norm(String sql) {
        return sql.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    static AuditedSession auditLog(List<GeneralLogEntry> log) {
        ServerFacts facts = ServerFacts.of(ServerFacts.Flavor.MARIADB, MariaDbServer.VERSION + "-MariaDB-log");
        LogAudit audit = new LogAudit(Role.GUARDRAIL, () -> facts, Set.of());
        for (GeneralLogEntry e : log) {
            audit.accept(new LogRow(e.sequence() + 1, e.eventTime(), e.threadId(), e.commandType(), e.argument(), null));
        }
        List<AuditedSession> sessions = audit.finish(false);
        org.assertj.core.api.Assertions.assertThat(sessions).hasSize(1);
        return sessions.get(0);
    }
}
