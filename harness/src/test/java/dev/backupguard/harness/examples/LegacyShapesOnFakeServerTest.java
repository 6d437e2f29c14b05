package dev.backupguard.harness.examples;

import dev.backupguard.harness.BackupGuardExtension;
import dev.backupguard.harness.FakeServer;
import dev.backupguard.harness.Recorder;
import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.util.List;
import java.util.stream.Stream;

import static dev.backupguard.harness.BackupAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The harness on the legacy job shapes, with no server at all: each unsafe shape is flagged with the rule that explains
 * it, the safe ones pass, and enforce mode turns every unsafe one into a consistent backup.
 */
@ExtendWith(BackupGuardExtension.class)
class LegacyShapesOnFakeServerTest {

    static final List<String> TABLES = List.of("accounts", "ledger", "audit_log");

    static FakeServer shop(FakeServer server) {
        return server.database("shop")
                .table("accounts", "id INT, owner VARCHAR(20)", FakeServer.row(1, "ann"), FakeServer.row(2, "bob"))
                .table("ledger", "id INT, account INT, amount DECIMAL(10,2)", FakeServer.row(1, 1, "10.00"))
                .table("audit_log", "id BIGINT, what VARCHAR(100)", FakeServer.row(1L, "opened"));
    }

    static Stream<Arguments> unsafe() {
        return Stream.of(
                Arguments.of("autocommit loop of SELECT * FROM t", (LegacyJobs.Job) LegacyJobs::autocommitLoop,
                        Rule.SNAPSHOT_START),
                Arguments.of("FTWRL, SHOW MASTER STATUS, UNLOCK, START TRANSACTION, reads",
                        (LegacyJobs.Job) LegacyJobs::unlockBeforeSnapshot, Rule.UNLOCK_BEFORE_SNAPSHOT),
                Arguments.of("setAutoCommit(false) instead of WITH CONSISTENT SNAPSHOT",
                        (LegacyJobs.Job) LegacyJobs::transactionWithoutSnapshot, Rule.CONSISTENT_SNAPSHOT),
                Arguments.of("READ COMMITTED", (LegacyJobs.Job) LegacyJobs::readCommitted, Rule.REPEATABLE_READ),
                Arguments.of("COMMIT in the middle", (LegacyJobs.Job) LegacyJobs::commitInTheMiddle, Rule.SNAPSHOT_END));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsafe")
    void unsafeShapeIsFlaggedWithItsRule(String name, LegacyJobs.Job job, Rule rule, Recorder recorder,
                                         FakeServer server) throws Exception {
        try (Connection c = recorder.guard(shop(server).connect())) {
            job.run(c, TABLES);
        }

        assertThat(recorder).isBackupSession().isNotConsistentBackup().violates(rule);
        assertThatThrownBy(() -> assertThat(recorder).isConsistentBackup())
                .hasMessageContaining("Expected a consistent backup")
                .hasMessageContaining(rule.id())
                .hasMessageContaining("  >")
                .hasMessageContaining("safe: " + rule.safeAlternative());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsafe")
    void enforceModeMakesTheSameJobConsistent(String name, LegacyJobs.Job job, Rule rule, Recorder recorder,
                                              FakeServer server) throws Exception {
        recorder.mode(Mode.ENFORCE);
        LegacyJobs.Dump dump;
        try (Connection c = recorder.guard(shop(server).connect())) {
            dump = job.run(c, TABLES);
        }

        assertThat(recorder).isConsistentBackup().readOnlyInsideSnapshot();
        org.assertj.core.api.Assertions.assertThat(dump.rows()).hasSize(3);
        org.assertj.core.api.Assertions.assertThat(dump.rows().get(0)).containsExactly("1|ann", "2|bob");
    }

    @Test
    void mysqldumpOrderIsConsistentAndHoldsTheLockForThreeStatements(Recorder recorder, FakeServer server)
            throws Exception {
        try (Connection c = recorder.guard(shop(server).connect())) {
            LegacyJobs.mysqldumpStyle(c, TABLES);
        }

        assertThat(recorder)
                .isConsistentBackup()
                .sentInOrder("FLUSH LOCAL TABLES", "FLUSH TABLES WITH READ LOCK",
                        "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT", "SHOW MASTER STATUS", "UNLOCK TABLES",
                        "SELECT * FROM accounts", "SELECT * FROM ledger", "SELECT * FROM audit_log")
                .heldGlobalReadLockForAtMost(3)
                .readOnlyInsideSnapshot()
                .readTables("accounts", "ledger", "audit_log");
    }

    @Test
    void snapshotCoordinatesNeedNoGlobalLock(Recorder recorder, FakeServer server) throws Exception {
        LegacyJobs.Dump dump;
        try (Connection c = recorder.guard(shop(server).binlog("binlog.000007", 4242, "0-1-9").connect())) {
            dump = LegacyJobs.snapshotCoordinates(c, TABLES);
        }

        assertThat(recorder).isConsistentBackup().tookNoGlobalReadLock().readOnlyInsideSnapshot();
        org.assertj.core.api.Assertions.assertThat(dump.binlogFile()).isEqualTo("binlog.000007");
        org.assertj.core.api.Assertions.assertThat(dump.binlogPosition()).isEqualTo(4242);
    }

    @Test
    void lockBoundFailureMarksWhereTheLockWasTakenAndReleased(Recorder recorder, FakeServer server) throws Exception {
        try (Connection c = recorder.guard(shop(server).connect())) {
            LegacyJobs.mysqldumpStyle(c, TABLES);
        }

        assertThatThrownBy(() -> assertThat(recorder).heldGlobalReadLockForAtMost(2))
                .hasMessageContaining("at most 2 statements, but it was held for 3 statements")
                .hasMessageContaining("global read lock taken here")
                .hasMessageContaining("released here");
    }

    @Test
    void orderFailureSaysWhichStatementCameTooEarly(Recorder recorder, FakeServer server) throws Exception {
        try (Connection c = recorder.guard(shop(server).connect())) {
            LegacyJobs.unlockBeforeSnapshot(c, TABLES);
        }

        assertThatThrownBy(() -> assertThat(recorder).sentInOrder("FLUSH TABLES WITH READ LOCK",
                "START TRANSACTION WITH CONSISTENT SNAPSHOT", "UNLOCK TABLES"))
                .hasMessageContaining("'UNLOCK TABLES' was not sent after")
                .hasMessageContaining("it was sent before");
    }
}
