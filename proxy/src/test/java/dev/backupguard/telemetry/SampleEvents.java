package dev.backupguard.telemetry;

import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.SnapshotWay;
import dev.backupguard.telemetry.GuardEvent.LockKind;
import dev.backupguard.telemetry.GuardEvent.RunningQuery;

import java.util.List;

/** One event of every type, with recognisable values, for the sink tests. */
final class SampleEvents {

    static final String SECRET = "s3cr3t-Value";
    static final GuardEvent.Origin ORIGIN = new GuardEvent.Origin(42, 7, 123_456_789_000L, 1_763_776_000_123_456L);
    static final BinlogCoordinates COORDINATES = new BinlogCoordinates("binlog.000003", 1234, "0-1-17",
            BinlogCoordinates.Source.LOCKED_BINLOG_STATUS);
    /** A long query of another session, as the lock guard reports it: its SQL is not redacted by the producer. */
    static final RunningQuery LONG_QUERY = new RunningQuery(99, "app", "10.0.0.5:4711", "shop", "Query", 75,
            "Updating", "UPDATE orders SET note = '" + SECRET + "' WHERE id = 5");

    private SampleEvents() {
    }

    static List<GuardEvent> all() {
        return List.of(
                new GuardEvent.LockRequested(ORIGIN, LockKind.GLOBAL_READ_LOCK, "FLUSH TABLES WITH READ LOCK"),
                new GuardEvent.LockAcquired(ORIGIN, LockKind.GLOBAL_READ_LOCK, 1500, 2),
                new GuardEvent.LockReleased(ORIGIN, LockKind.GLOBAL_READ_LOCK, 2500),
                new GuardEvent.Collateral(ORIGIN, LockKind.GLOBAL_READ_LOCK, 3, 2400, 1),
                new GuardEvent.SnapshotStarted(ORIGIN, "REPEATABLE READ", SnapshotWay.GLOBAL_LOCK, COORDINATES, 1),
                new GuardEvent.SnapshotEnded(ORIGIN, 90_000, "commit"),
                new GuardEvent.TableReadStarted(ORIGIN, "shop.orders"),
                new GuardEvent.TableReadFinished(ORIGIN, "shop.orders", 1000, 40_000),
                new GuardEvent.MetadataLocksReleased(ORIGIN, List.of("shop.orders", "shop.lines"), 41_000),
                new GuardEvent.StatementStep(ORIGIN, GuardEvent.StatementStep.Action.REWRITTEN,
                        "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */", "consistent-snapshot", 300),
                new GuardEvent.RuleApplied(ORIGIN, new Finding(Rule.SNAPSHOT_END, Finding.Outcome.REFUSED, 12,
                        "COMMIT", "a \"quoted\" detail\nwith a newline")),
                new GuardEvent.PreflightChecked(ORIGIN, List.of(LONG_QUERY), "waited", 5000),
                new GuardEvent.LockWaitCancelled(ORIGIN, 1, 1_000_000, "Waiting for backup lock"),
                new GuardEvent.QueryKilled(ORIGIN, LONG_QUERY),
                new GuardEvent.LockHoldExceeded(ORIGIN, LockKind.GLOBAL_READ_LOCK, 11_000_000, 10_000_000, "aborted"),
                new GuardEvent.ConnectionLost(ORIGIN, GuardEvent.ConnectionLost.NoticedBy.LOCK_GUARD,
                        "SELECT * FROM orders", "08S01", 0, "Communications link failure",
                        List.of(LockKind.GLOBAL_READ_LOCK), 900_000, true),
                summary(true));
    }

    static GuardEvent.SessionSummary summary(boolean consistent) {
        return new GuardEvent.SessionSummary(ORIGIN, consistent,
                consistent ? List.of() : List.of("snapshot-end: COMMIT ended the snapshot"), COORDINATES, 2, 1004,
                1500, 2500, 90_000, 41_000, 3, 1, consistent ? 0 : 1, 1, 0, 0, 3, 2400);
    }
}
