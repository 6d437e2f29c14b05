package dev.backupguard.harness.it;

import dev.backupguard.harness.audit.AuditedSession;
import dev.backupguard.harness.cli.Main;
import dev.backupguard.harness.generallog.GeneralLogReader;
import dev.backupguard.harness.generallog.LogAudit;
import dev.backupguard.harness.generallog.LogFormat;
import dev.backupguard.legacy.Bank;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.protocol.Role;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.ServerFacts;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shape of the tests module's {@link LegacyJob} run unguarded against the real server, as in production, and
 * the server's general log audited afterwards: each connection is a backup session (its user named with
 * {@code --backup-user}, as three of the shapes send no backup statement at all), each is judged by the rules the
 * recordings of the same jobs break on the fake server (EveryLegacyJobOnFakeServerTest), and the whole-dump lock
 * shapes are consistent but warned about.
 */
@WithMariaDb
class EveryLegacyJobLogAuditIT {

    static String db;

    /** The consistency rules each shape's session breaks, as audited from the log (empty: consistent). */
    static final Map<LegacyJob, Set<Rule>> EXPECTED = new EnumMap<>(LegacyJob.class);

    static {
        EXPECTED.put(LegacyJob.AUTOCOMMIT_LOOP, Set.of(Rule.SNAPSHOT_START));
        EXPECTED.put(LegacyJob.SHOW_CREATE_PER_TABLE, Set.of(Rule.SNAPSHOT_START));
        EXPECTED.put(LegacyJob.WRONG_ORDER_GLOBAL_LOCK, Set.of(Rule.CONSISTENT_SNAPSHOT));
        EXPECTED.put(LegacyJob.PLAIN_TRANSACTION, Set.of(Rule.COORDINATES_OUTSIDE_LOCK));
        EXPECTED.put(LegacyJob.READ_COMMITTED, Set.of(Rule.REPEATABLE_READ));
        EXPECTED.put(LegacyJob.LOCK_WHOLE_DUMP, Set.of());
        EXPECTED.put(LegacyJob.LOCK_WHOLE_DUMP_WITH_MYISAM, Set.of());
        EXPECTED.put(LegacyJob.FLUSH_LOGS_AFTER_SNAPSHOT, Set.of(Rule.FLUSH_LOGS_IN_SNAPSHOT,
                Rule.COORDINATES_OUTSIDE_LOCK));
        EXPECTED.put(LegacyJob.COMMIT_IN_THE_MIDDLE, Set.of(Rule.SNAPSHOT_END));
    }

    @BeforeAll
    static void bank(MariaDbServer server) throws Exception {
        db = server.createDatabase("hx_bank");
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            Bank.create(c, 2, 100, true);
        }
    }

    @Test
    void everyShapesSessionIsJudgedByItsRules(MariaDbServer server) throws Exception {
        assertThat(EXPECTED.keySet()).containsExactlyInAnyOrder(LegacyJob.values());
        Map<LegacyJob, Long> threads = new EnumMap<>(LegacyJob.class);
        GeneralLogCapture.Captured log = GeneralLogCapture.capture(server, MariadbDumpLogAuditIT.DIR,
                "legacy-job-shapes", () -> {
                    for (LegacyJob job : LegacyJob.values()) {
                        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
                            threads.put(job, MariaDbServer.threadId(c));
                            job.run(c, LegacyJob.Hooks.NONE, 0);
                        }
                    }
                });

        Map<LegacyJob, AuditedSession> byJob = new EnumMap<>(LegacyJob.class);
        for (AuditedSession s : audit(log.file())) {
            threads.forEach((job, thread) -> {
                if (s.name().equals("thread " + thread)) {
                    byJob.put(job, s);
                }
            });
        }
        assertThat(byJob.keySet()).as("a backup session per shape").containsExactlyInAnyOrder(LegacyJob.values());
        Map<LegacyJob, Set<Rule>> found = new LinkedHashMap<>();
        byJob.forEach((job, s) -> found.put(job, s.consistencyViolations().stream().map(AuditedSession.Violation::rule)
                .collect(Collectors.toCollection(TreeSet::new))));
        assertThat(found).as("consistency rules per shape").isEqualTo(EXPECTED);
        for (LegacyJob job : LegacyJob.values()) {
            AuditedSession s = byJob.get(job);
            assertThat(s.isBackupSession()).as(job.name()).isTrue();
            assertThat(s.isConsistent()).as(job.name()).isEqualTo(EXPECTED.get(job).isEmpty());
        }
        for (LegacyJob job : List.of(LegacyJob.LOCK_WHOLE_DUMP, LegacyJob.LOCK_WHOLE_DUMP_WITH_MYISAM)) {
            assertThat(byJob.get(job).warnings()).extracting(AuditedSession.Violation::rule).as(job.name())
                    .contains(Rule.LOCK_WHOLE_DUMP);
        }

        // The command line: exit 1, 9 sessions of which the two whole-dump lock ones are consistent; each rule with
        // the log line of the statement that broke it.
        String out = MariadbDumpLogAuditIT.cli(Main.NOT_CONSISTENT, "audit", log.file().toString(),
                "--backup-user", MariaDbServer.ROOT_USER);
        assertThat(out).contains("backup sessions: 9 (2 consistent, 7 NOT consistent)");
        for (Set<Rule> rules : EXPECTED.values()) {
            for (Rule r : rules) {
                assertThat(out).containsPattern("line \\d+ +" + r.id() + " \\(I\\d\\)");
            }
        }
        for (long thread : threads.values()) {
            assertThat(out).contains("thread " + thread + "  user " + MariaDbServer.ROOT_USER);
        }
        // Told that notes is MyISAM (the log does not say), the audit still finds the whole-dump lock shape over it
        // consistent: the global read lock is what makes that table consistent (I6).
        String myisam = MariadbDumpLogAuditIT.cli(Main.NOT_CONSISTENT, "audit", log.file().toString(),
                "--backup-user", MariaDbServer.ROOT_USER, "--non-transactional", db + ".notes");
        assertThat(myisam).contains("backup sessions: 9 (2 consistent, 7 NOT consistent)")
                .doesNotContain(Rule.NON_TRANSACTIONAL_TABLE.id());
    }

    /** The log audited as the command line does with {@code --backup-user root}. */
    static List<AuditedSession> audit(Path file) throws Exception {
        ServerFacts facts = ServerFacts.of(ServerFacts.Flavor.MARIADB, MariaDbServer.VERSION + "-MariaDB-log");
        LogAudit audit = new LogAudit(Role.GUARDRAIL, () -> facts, Set.of(MariaDbServer.ROOT_USER));
        GeneralLogReader.Info info = GeneralLogReader.read(file, LogFormat.FILE, audit);
        assertThat(info.format()).isEqualTo(LogFormat.FILE);
        return audit.finish(info.wholeSeconds());
    }
}
