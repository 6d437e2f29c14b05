package dev.backupguard.telemetry;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.Statement;
import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.ProtocolSettings;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.ServerFacts;
import dev.backupguard.protocol.SessionProtocol;
import dev.backupguard.telemetry.GuardEvent.StatementStep.Action;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The recorder fed the way GuardedConnection feeds it: each statement is started, told to the protocol, and
 * finished. The protocol is real (its model of the server decides isolation, snapshot and metadata locks).
 */
class SessionRecorderTest {

    private static final BinlogCoordinates COORDINATES = new BinlogCoordinates("binlog.000001", 4711, "0-1-9",
            BinlogCoordinates.Source.LOCKED_BINLOG_STATUS);

    private final CountingSink sink = new CountingSink();
    private final SessionProtocol protocol = new SessionProtocol(ProtocolSettings.defaults());
    private final SessionRecorder recorder = new SessionRecorder(new Telemetry().add(sink), true, protocol);

    private void backupSession(ServerFacts facts) {
        protocol.markBackup();
        protocol.facts(facts);
        recorder.connectionId(9);
        recorder.sessionStarted();
    }

    private void send(String sql, Action action) {
        Statement st = Classifier.classify(sql);
        long t0 = recorder.starting(st);
        protocol.sent(st);
        recorder.finished(st, action, t0, false);
    }

    private <T extends GuardEvent> T only(Class<T> type) {
        List<T> found = sink.events.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    @Test
    void theLockedWindowIsPublishedAfterTheReleaseWithItsTimes() {
        backupSession(ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log"));
        send("FLUSH /*!40101 LOCAL */ TABLES", Action.INJECTED);
        int published = sink.events.size() + 1; // + lock_requested, published before the lock is requested
        send("FLUSH TABLES WITH READ LOCK", Action.INJECTED);
        assertThat(sink.events).as("the FTWRL's own step is held back too").hasSize(published);
        send("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", Action.INJECTED);
        send("START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */", Action.INJECTED);
        send("SHOW MASTER STATUS", Action.INJECTED);
        recorder.coordinates(COORDINATES);
        assertThat(sink.events).as("nothing reaches a sink while the global read lock is held").hasSize(published);
        send("UNLOCK TABLES", Action.INJECTED);

        assertThat(sink.names()).containsExactly("statement_step", "lock_requested", "statement_step",
                "lock_acquired", "statement_step", "statement_step", "statement_step", "snapshot_started",
                "statement_step", "lock_released");
        assertThat(((GuardEvent.StatementStep) sink.events.get(2)).statement()).isEqualTo("FLUSH TABLES WITH READ LOCK");
        GuardEvent.LockAcquired acquired = only(GuardEvent.LockAcquired.class);
        GuardEvent.LockReleased released = only(GuardEvent.LockReleased.class);
        GuardEvent.SnapshotStarted started = only(GuardEvent.SnapshotStarted.class);
        assertThat(acquired.attempts()).isEqualTo(1);
        assertThat(acquired.origin().nanos()).isLessThan(started.origin().nanos());
        assertThat(started.origin().nanos()).isLessThan(released.origin().nanos());
        assertThat(started.isolation()).isEqualTo("REPEATABLE READ");
        assertThat(started.coordinates()).isEqualTo(COORDINATES);
        assertThat(started.serverId()).isEqualTo(1);
        assertThat(started.origin().connectionId()).isEqualTo(9);

        send("SELECT * FROM t1", Action.PASSED);
        recorder.tableRead("t1", 10, System.nanoTime());
        send("COMMIT", Action.PASSED);
        assertThat(only(GuardEvent.SnapshotEnded.class).how()).isEqualTo("commit");
        recorder.sessionEnded(protocol.verdict(), "closed");
        GuardEvent.SessionSummary summary = only(GuardEvent.SessionSummary.class);
        assertThat(summary.consistent()).isTrue();
        assertThat(summary.reasons()).isEmpty();
        assertThat(summary.coordinates()).isEqualTo(COORDINATES);
        assertThat(summary.tablesRead()).isEqualTo(1);
        assertThat(summary.rowsRead()).isEqualTo(10);
        assertThat(summary.globalLockWaitMicros()).isEqualTo(acquired.waitMicros());
        assertThat(summary.globalLockHoldMicros()).isEqualTo(released.holdMicros());
    }

    @Test
    void aConnectionLostUnderTheLockReleasesNothingAndMeasuresTheHoldToTheMomentItWasLost() {
        backupSession(ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log"));
        send("FLUSH TABLES WITH READ LOCK", Action.PASSED);
        send("START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */", Action.INJECTED);
        send("SHOW MASTER STATUS", Action.INJECTED);
        recorder.coordinates(COORDINATES);
        long acquired = recorder.globalLockAcquiredAt();
        long lostAt = System.nanoTime();
        long later = lostAt + 2_000_000_000L; // the job's next call, long after the server dropped the lock
        Statement failed = Classifier.classify("SELECT * FROM t2");
        protocol.connectionLost(failed.sql(), "the server closed the connection");
        int published = sink.events.size();

        recorder.connectionLost(protocol.verdict(), lostAt, GuardEvent.ConnectionLost.NoticedBy.LOCK_GUARD, failed,
                new java.sql.SQLNonTransientConnectionException("(conn=9) Socket error", "08000", -1));

        assertThat(published).as("held back while the lock was held").isEqualTo(1); // lock_requested
        assertThat(sink.names()).doesNotContain("lock_released").endsWith("connection_lost", "snapshot_ended",
                "session_summary");
        GuardEvent.ConnectionLost lost = only(GuardEvent.ConnectionLost.class);
        assertThat(lost.origin().nanos()).isEqualTo(lostAt);
        assertThat(lost.globalLockHoldMicros()).isEqualTo((lostAt - acquired) / 1000)
                .isLessThan((later - acquired) / 1000);
        assertThat(lost.locks()).containsExactly(GuardEvent.LockKind.GLOBAL_READ_LOCK);
        assertThat(lost.snapshotOpen()).isTrue();
        assertThat(lost.statement()).isEqualTo("SELECT * FROM t2");
        assertThat(lost.sqlState()).isEqualTo("08000");
        assertThat(lost.error()).isEqualTo("(conn=?) Socket error");
        assertThat(only(GuardEvent.SnapshotEnded.class).how()).isEqualTo("connection lost");
        GuardEvent.SessionSummary summary = only(GuardEvent.SessionSummary.class);
        assertThat(summary.consistent()).isFalse();
        assertThat(summary.reasons()).containsExactly("connection-lost: the server closed the connection");
        assertThat(summary.globalLockHoldMicros()).isEqualTo(lost.globalLockHoldMicros());
    }

    @Test
    void theSnapshotsIsolationIsTheOneTheServerApplied() {
        backupSession(ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log"));
        send("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", Action.PASSED);
        send("START TRANSACTION WITH CONSISTENT SNAPSHOT", Action.PASSED);
        send("SELECT * FROM t1", Action.PASSED);
        send("SELECT * FROM t2", Action.PASSED);
        assertThat(only(GuardEvent.SnapshotStarted.class).isolation()).isEqualTo("READ COMMITTED");
        recorder.sessionEnded(protocol.verdict(), "closed");
        GuardEvent.SessionSummary summary = only(GuardEvent.SessionSummary.class);
        assertThat(summary.consistent()).isFalse();
        assertThat(summary.reasons()).isNotEmpty().allSatisfy(r -> assertThat(r).matches("[a-z-]+: .+"));
    }

    @Test
    void anImplicitCommitEndsTheSnapshot() {
        backupSession(ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log"));
        send("START TRANSACTION WITH CONSISTENT SNAPSHOT", Action.PASSED);
        send("SELECT * FROM t1", Action.PASSED);
        send("FLUSH TABLES WITH READ LOCK", Action.PASSED);
        send("UNLOCK TABLES", Action.PASSED); // what happened under the lock is published after it
        assertThat(only(GuardEvent.SnapshotEnded.class).how()).isEqualTo("implicit commit by flush tables with read lock");
    }

    @Test
    void metadataLocksAreReportedReleasedOnlyWhenTheServerReleasesThem() {
        // MariaDB with the binlog on keeps them at ROLLBACK TO SAVEPOINT (fact 3d).
        backupSession(ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log"));
        savepointRoundTrip();
        assertThat(sink.events).noneMatch(e -> e instanceof GuardEvent.MetadataLocksReleased);
        recorder.sessionEnded(protocol.verdict(), "closed");
        assertThat(only(GuardEvent.SessionSummary.class).metadataLockHoldMaxMicros()).isZero();
    }

    @Test
    void metadataLocksReleasedByASavepointRollbackAreReportedWithTheirHold() {
        backupSession(ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.0.36"));
        savepointRoundTrip();
        GuardEvent.MetadataLocksReleased released = only(GuardEvent.MetadataLocksReleased.class);
        assertThat(released.tables()).containsExactly("t1", "t2");
        recorder.sessionEnded(protocol.verdict(), "closed");
        assertThat(only(GuardEvent.SessionSummary.class).metadataLockHoldMaxMicros()).isEqualTo(released.holdMicros());
    }

    private void savepointRoundTrip() {
        send("START TRANSACTION WITH CONSISTENT SNAPSHOT", Action.PASSED);
        send("SAVEPOINT sp", Action.PASSED);
        send("SELECT * FROM t1", Action.PASSED);
        send("SHOW CREATE TABLE t2", Action.PASSED);
        send("ROLLBACK TO SAVEPOINT sp", Action.PASSED);
    }

    @Test
    void theJobsSqlAndTheDetailsAreRedactedButTheGuardsOwnStatementsAreNot() {
        backupSession(ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log"));
        recorder.planStarted(List.of());
        send("SELECT * FROM t1 WHERE secret = 'abc' AND n = 42", Action.PASSED);
        send("SET SESSION sql_log_bin = 0", Action.INJECTED);
        // Details are prose written by the protocol, which redacts any SQL it quotes there (Finding.quote).
        recorder.finding(new Finding(Rule.SNAPSHOT_END, Finding.Outcome.VIOLATION, 3, "UPDATE t SET x = 'abc'",
                "the snapshot was ended by UPDATE t SET x = ?"));
        List<String> steps = sink.events.stream().filter(e -> e instanceof GuardEvent.StatementStep)
                .map(e -> ((GuardEvent.StatementStep) e).statement()).toList();
        assertThat(steps).containsExactly("SELECT * FROM t1 WHERE secret = ? AND n = ?", "SET SESSION sql_log_bin = 0");
        Finding f = only(GuardEvent.RuleApplied.class).finding();
        assertThat(f.statement()).isEqualTo("UPDATE t SET x = ?");
        assertThat(f.detail()).isEqualTo("the snapshot was ended by UPDATE t SET x = ?");
    }

    @Test
    void everyStepCarriesTheRuleOfItsPlan() {
        backupSession(ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log"));
        recorder.planStarted(List.of(new Finding(Rule.CONSISTENT_SNAPSHOT, Finding.Outcome.CORRECTED, 1, "BEGIN", "d")));
        send("START TRANSACTION WITH CONSISTENT SNAPSHOT", Action.REWRITTEN);
        recorder.planEnded();
        send("SELECT 1", Action.PASSED);
        assertThat(sink.events).filteredOn(e -> e instanceof GuardEvent.StatementStep)
                .extracting(e -> ((GuardEvent.StatementStep) e).rule()).containsExactly("consistent-snapshot", null);
    }

    @Test
    void theLockGuardsEventsReachTheSinksAndAreCountedInTheSummary() {
        backupSession(ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log"));
        Statement ftwrl = Classifier.classify("FLUSH TABLES WITH READ LOCK");
        long t0 = recorder.starting(ftwrl);
        Telemetry lock = recorder.lockTelemetry();
        lock.publish(new GuardEvent.LockWaitCancelled(recorder.origin(), 1, 1000, "Waiting for backup lock"));
        lock.publish(new GuardEvent.LockWaitCancelled(recorder.origin(), 2, 1000, "Waiting for backup lock"));
        protocol.sent(ftwrl);
        recorder.finished(ftwrl, Action.INJECTED, t0, false);
        lock.publish(new GuardEvent.Collateral(recorder.origin(), GuardEvent.LockKind.GLOBAL_READ_LOCK, 5, 3000, 1));
        lock.publish(new GuardEvent.QueryKilled(recorder.origin(), SampleEvents.LONG_QUERY));
        send("UNLOCK TABLES", Action.INJECTED);
        recorder.sessionEnded(protocol.verdict(), "closed");
        assertThat(only(GuardEvent.LockAcquired.class).attempts()).isEqualTo(3);
        assertThat(sink.names()).contains("lock_wait_cancelled", "collateral", "query_killed");
        GuardEvent.SessionSummary summary = only(GuardEvent.SessionSummary.class);
        assertThat(summary.lockWaitsCancelled()).isEqualTo(2);
        assertThat(summary.queriesKilled()).isEqualTo(1);
        assertThat(summary.collateralWaitingMax()).isEqualTo(5);
        assertThat(summary.collateralLongestWaitMicros()).isEqualTo(3000);
    }

    @Test
    void nothingIsBuiltWhenNoSinkWantsIt() {
        CountingSink none = new CountingSink(Set.of());
        SessionRecorder quiet = new SessionRecorder(new Telemetry().add(none), true, protocol);
        protocol.markBackup();
        protocol.facts(ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log"));
        quiet.sessionStarted();
        Statement st = Classifier.classify("FLUSH TABLES WITH READ LOCK");
        long t0 = quiet.starting(st);
        protocol.sent(st);
        quiet.finished(st, Action.INJECTED, t0, false);
        quiet.sessionEnded(protocol.verdict(), "closed");
        assertThat(none.events).isEmpty();
        assertThat(none.asked.get()).isPositive();
    }
}
