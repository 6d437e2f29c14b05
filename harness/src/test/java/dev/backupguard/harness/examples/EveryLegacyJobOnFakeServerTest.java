package dev.backupguard.harness.examples;

import dev.backupguard.harness.BackupGuardExtension;
import dev.backupguard.harness.FakeServer;
import dev.backupguard.harness.Recorder;
import dev.backupguard.harness.Recording;
import dev.backupguard.harness.audit.AuditedStatement;
import dev.backupguard.jdbc.BackupGuardException;
import dev.backupguard.legacy.Dump;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.backupguard.harness.BackupAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every shape of the tests module's {@link LegacyJob} (the jobs LegacyJobsIT runs against the real server), run
 * unchanged through the harness on the fake server, with no server at all.
 *
 * <p>Block mode refuses the statement and rule LegacyJobsIT's JobShape gives; audit mode, as there, names that rule
 * at that statement (the recording's advice: what the guard would have done) and sends everything. The recording's
 * violations say which rule each inconsistent read broke, after the fact; for three shapes that is another rule of
 * the same invariant than block mode's (the wrong-order lock: consistent-snapshot, as its START TRANSACTION has no
 * WITH CONSISTENT SNAPSHOT; FLUSH LOGS: also coordinates-outside-lock, as the coordinates follow the implicit commit;
 * COMMIT in the middle: snapshot-end, as each read alone is from one moment). The two whole-dump lock shapes are
 * consistent and only warned about (lock-whole-dump). Enforce mode turns every shape into a consistent backup.
 */
@ExtendWith(BackupGuardExtension.class)
class EveryLegacyJobOnFakeServerTest {

    /**
     * Per shape: the consistency rules the recording's audit finds (empty: the backup is consistent), and the
     * statement and rule of block mode's refusal as JobShape gives them (null: nothing is refused).
     */
    record Expected(Set<Rule> consistencyRules, String blockRefuses, Rule blockRule) {
    }

    static final Map<LegacyJob, Expected> EXPECTED = new EnumMap<>(LegacyJob.class);

    static {
        EXPECTED.put(LegacyJob.AUTOCOMMIT_LOOP, new Expected(Set.of(Rule.SNAPSHOT_START),
                "SELECT * FROM checking", Rule.SNAPSHOT_START));
        EXPECTED.put(LegacyJob.SHOW_CREATE_PER_TABLE, new Expected(Set.of(Rule.SNAPSHOT_START),
                "SELECT * FROM checking", Rule.SNAPSHOT_START));
        EXPECTED.put(LegacyJob.WRONG_ORDER_GLOBAL_LOCK, new Expected(Set.of(Rule.CONSISTENT_SNAPSHOT),
                "UNLOCK TABLES", Rule.UNLOCK_BEFORE_SNAPSHOT));
        EXPECTED.put(LegacyJob.PLAIN_TRANSACTION, new Expected(Set.of(Rule.COORDINATES_OUTSIDE_LOCK),
                "SHOW MASTER STATUS", Rule.COORDINATES_OUTSIDE_LOCK));
        EXPECTED.put(LegacyJob.READ_COMMITTED, new Expected(Set.of(Rule.REPEATABLE_READ),
                "START TRANSACTION WITH CONSISTENT SNAPSHOT", Rule.REPEATABLE_READ));
        EXPECTED.put(LegacyJob.LOCK_WHOLE_DUMP, new Expected(Set.of(), null, null));
        EXPECTED.put(LegacyJob.LOCK_WHOLE_DUMP_WITH_MYISAM, new Expected(Set.of(), null, null));
        EXPECTED.put(LegacyJob.FLUSH_LOGS_AFTER_SNAPSHOT, new Expected(Set.of(Rule.FLUSH_LOGS_IN_SNAPSHOT,
                Rule.COORDINATES_OUTSIDE_LOCK), "FLUSH LOGS", Rule.FLUSH_LOGS_IN_SNAPSHOT));
        EXPECTED.put(LegacyJob.COMMIT_IN_THE_MIDDLE, new Expected(Set.of(Rule.SNAPSHOT_END),
                "SELECT * FROM checking", Rule.SNAPSHOT_START));
    }

    /** The bank of the tests module (Bank.create) as the fake server holds it: two accounts of 100 each. */
    static FakeServer bank(FakeServer server, LegacyJob job) {
        server.binlog("binlog.000003", 1234, "0-1-42").database("bank")
                .table("checking", "id INT, balance BIGINT", FakeServer.row(1, 100L), FakeServer.row(2, 100L))
                .table("savings", "id INT, balance BIGINT", FakeServer.row(1, 100L), FakeServer.row(2, 100L))
                .table("transfers", "seq BIGINT, amount BIGINT");
        if (job == LegacyJob.LOCK_WHOLE_DUMP_WITH_MYISAM) {
            server.table("notes", "MyISAM", "id INT, note VARCHAR(100)",
                    FakeServer.row(1, "kept outside any snapshot"));
        }
        return server;
    }

    static Dump run(LegacyJob job, Recorder recorder, FakeServer server) throws SQLException {
        try (Connection c = recorder.guard(bank(server, job).connect())) {
            return job.run(c, LegacyJob.Hooks.NONE, 0);
        }
    }

    @Test
    void everyShapeHasAnExpectation() {
        org.assertj.core.api.Assertions.assertThat(EXPECTED.keySet()).containsExactlyInAnyOrder(LegacyJob.values());
    }

    @ParameterizedTest
    @EnumSource(LegacyJob.class)
    void auditModeFlagsTheShapeWithItsRule(LegacyJob job, Recorder recorder, FakeServer server) throws Exception {
        Expected expected = EXPECTED.get(job);
        Dump dump = run(job, recorder, server);

        org.assertj.core.api.Assertions.assertThat(dump.rows("checking")).containsExactly(List.of(1L, 100L),
                List.of(2L, 100L));
        org.assertj.core.api.Assertions.assertThat(recorder.recording().notSent()).as("audit mode sends everything")
                .isEmpty();
        org.assertj.core.api.Assertions.assertThat(recorder.recording().audit().consistencyViolations().stream()
                        .map(v -> v.rule()).collect(java.util.stream.Collectors.toSet()))
                .as("the consistency rules broken").isEqualTo(expected.consistencyRules());
        if (expected.consistencyRules().isEmpty()) {
            // The whole-dump lock: consistent, the server read-only meanwhile.
            assertThat(recorder).isBackupSession().isConsistentBackup().violates(Rule.LOCK_WHOLE_DUMP)
                    .heldGlobalReadLockForAtMost(job == LegacyJob.LOCK_WHOLE_DUMP_WITH_MYISAM ? 5 : 4)
                    .doesNotViolate(Rule.NON_TRANSACTIONAL_TABLE);
            assertThatThrownBy(() -> assertThat(recorder).hasNoWarnings())
                    .hasMessageContaining(Rule.LOCK_WHOLE_DUMP.id());
            assertThatThrownBy(() -> assertThat(recorder).heldGlobalReadLockForAtMost(3))
                    .hasMessageContaining("global read lock taken here");
        } else {
            assertThat(recorder).isBackupSession().isNotConsistentBackup()
                    .violates(expected.consistencyRules().toArray(Rule[]::new));
            AuditedStatement refused = recorder.recording().audit().statements().stream()
                    .filter(a -> a.sent().sql().equals(expected.blockRefuses())).findFirst().orElseThrow();
            org.assertj.core.api.Assertions.assertThat(refused.advice()).extracting(Finding::rule)
                    .as("audit names the rule block mode refuses by, at the statement it refuses")
                    .contains(expected.blockRule());
            for (Rule rule : expected.consistencyRules()) {
                assertThatThrownBy(() -> assertThat(recorder).isConsistentBackup())
                        .hasMessageContaining("Expected a consistent backup")
                        .hasMessageContaining("  >")
                        .hasMessageContaining("^ " + rule.id() + " (" + rule.invariant() + "): ")
                        .hasMessageContaining("safe: " + rule.safeAlternative());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(LegacyJob.class)
    void blockModeRefusesTheStatementJobShapeNames(LegacyJob job, Recorder recorder, FakeServer server)
            throws Exception {
        Expected expected = EXPECTED.get(job);
        // The fake server has no processlist for the guard's side connection: without this, block mode refuses
        // every FLUSH TABLES WITH READ LOCK by long-query ("cannot check for long-running statements").
        recorder.mode(Mode.BLOCK).setting("rule.long-query", "audit");

        if (expected.blockRefuses() == null) {
            run(job, recorder, server);
            assertThat(recorder).isConsistentBackup().violates(Rule.LOCK_WHOLE_DUMP);
            org.assertj.core.api.Assertions.assertThat(recorder.recording().notSent()).isEmpty();
            return;
        }
        assertThatThrownBy(() -> run(job, recorder, server))
                .isInstanceOf(BackupGuardException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((BackupGuardException) e).rule())
                        .isEqualTo(expected.blockRule()))
                .hasMessageContaining("rule " + expected.blockRule().id())
                .hasMessageContaining(expected.blockRefuses());
        Recording r = recorder.recording();
        org.assertj.core.api.Assertions.assertThat(r.notSent()).extracting(Recording.NotSent::call)
                .containsExactly("refused by backup-guard (" + expected.blockRule().id() + ")");
        org.assertj.core.api.Assertions.assertThat(r.notSent().get(0).sql()).isEqualToIgnoringCase(
                expected.blockRefuses());
        // Nothing of the job's reached the server for it (the guard's own UNLOCK TABLES when the connection closes,
        // releasing the job's lock, is the guard's).
        org.assertj.core.api.Assertions.assertThat(r.jobSql()).doesNotContain(expected.blockRefuses());
        org.assertj.core.api.Assertions.assertThat(r.audit().consistencyViolations()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(LegacyJob.class)
    void enforceModeMakesEveryShapeConsistent(LegacyJob job, Recorder recorder, FakeServer server) throws Exception {
        recorder.mode(Mode.ENFORCE);
        Dump dump = run(job, recorder, server);

        assertThat(recorder).isConsistentBackup().readTables("checking", "savings", "transfers");
        org.assertj.core.api.Assertions.assertThat(dump.rows("savings")).containsExactly(List.of(1L, 100L),
                List.of(2L, 100L));
        org.assertj.core.api.Assertions.assertThat(dump.rows("transfers")).isEmpty();
        if (job == LegacyJob.LOCK_WHOLE_DUMP_WITH_MYISAM) {
            // The job's own lock is kept: the MyISAM table is only consistent under it (I6). The server is read-only
            // for the whole dump all the same, and the recording says so.
            assertThat(recorder).violates(Rule.LOCK_WHOLE_DUMP).sentInOrder("FLUSH TABLES WITH READ LOCK", "START TRANSACTION WITH CONSISTENT SNAPSHOT",
                    "SELECT * FROM checking", "SELECT * FROM notes", "UNLOCK TABLES");
        } else {
            assertThat(recorder).readOnlyInsideSnapshot().heldGlobalReadLockForAtMost(3);
        }
    }
}
