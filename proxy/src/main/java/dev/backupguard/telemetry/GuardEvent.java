package dev.backupguard.telemetry;

import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.SnapshotWay;

import java.util.List;

/**
 * What a backup session did to the server, as typed events. Every event carries its {@link Origin}: the connection,
 * the backup session and a monotonic timestamp. Durations are in microseconds; SQL text is already redacted when
 * redaction is on.
 */
public sealed interface GuardEvent {

    Origin origin();

    /** The event's type name, as written in the {@code event} field of the JSON trace. */
    default String name() {
        return EventNames.of(getClass());
    }

    /**
     * @param connectionId the server's connection (thread) id, 0 when unknown
     * @param sessionId    the backup session, unique in this JVM; 0 for events outside a backup session
     * @param nanos        {@link System#nanoTime()} when it happened
     * @param epochMicros  wall-clock time when it happened, microseconds since the epoch
     */
    record Origin(long connectionId, long sessionId, long nanos, long epochMicros) {
    }

    /** The locks a backup takes. */
    enum LockKind { GLOBAL_READ_LOCK, LOCK_TABLES, LOCK_INSTANCE_FOR_BACKUP, BACKUP_STAGE }

    record LockRequested(Origin origin, LockKind kind, String statement) implements GuardEvent {
    }

    record LockAcquired(Origin origin, LockKind kind, long waitMicros, int attempts) implements GuardEvent {
    }

    record LockReleased(Origin origin, LockKind kind, long holdMicros) implements GuardEvent {
    }

    /** How many other sessions were waiting on our lock when we released it, and the longest wait among them. */
    record Collateral(Origin origin, LockKind kind, int waitingSessions, long longestWaitMicros, int metadataLockWaiters)
            implements GuardEvent {
    }

    /**
     * The consistent snapshot started; the origin's time is the moment START TRANSACTION WITH CONSISTENT SNAPSHOT was
     * sent, though the event is published once the coordinates are known.
     *
     * @param isolation   the transaction's isolation level as the server applied it (WITH CONSISTENT SNAPSHOT only
     *                    takes effect under REPEATABLE READ)
     * @param way         how the snapshot and its coordinates were obtained
     * @param coordinates the binlog/GTID coordinates of the snapshot (with how they were read), or null
     * @param serverId    {@code @@server_id} of the server, 0 when unknown
     */
    record SnapshotStarted(Origin origin, String isolation, SnapshotWay way, BinlogCoordinates coordinates,
                           long serverId) implements GuardEvent {
    }

    record SnapshotEnded(Origin origin, long ageMicros, String how) implements GuardEvent {
    }

    record TableReadStarted(Origin origin, String table) implements GuardEvent {
    }

    record TableReadFinished(Origin origin, String table, long rows, long micros) implements GuardEvent {
    }

    /** ROLLBACK TO SAVEPOINT released the metadata locks these tables held for {@code holdMicros}. */
    record MetadataLocksReleased(Origin origin, List<String> tables, long holdMicros) implements GuardEvent {
    }

    /** One plan step on a backup connection. */
    record StatementStep(Origin origin, Action action, String statement, String rule, long micros) implements GuardEvent {
        /** What happened to the statement. */
        public enum Action { PASSED, REWRITTEN, INJECTED, ABSORBED, REFUSED }
    }

    /** A correction, refusal, report or violation, with the rule. */
    record RuleApplied(Origin origin, Finding finding) implements GuardEvent {
    }

    /** A statement another session runs, seen in information_schema.processlist. */
    record RunningQuery(long id, String user, String host, String db, String command, long seconds, String state,
                        String info) {
    }

    record PreflightChecked(Origin origin, List<RunningQuery> longQueries, String outcome, long waitedMicros)
            implements GuardEvent {
    }

    record LockWaitCancelled(Origin origin, int attempt, long waitedMicros, String state) implements GuardEvent {
    }

    record QueryKilled(Origin origin, RunningQuery query) implements GuardEvent {
    }

    record LockHoldExceeded(Origin origin, LockKind kind, long heldMicros, long limitMicros, String action)
            implements GuardEvent {
    }

    /**
     * The server closed the backup connection before the session ended (KILL, a restart, a network failure): the
     * snapshot and every lock of the session went with it, released by the server, not by the guard (so no
     * {@link LockReleased} follows). The origin's time is the first moment the guard knew the connection was gone:
     * when the lock guard's watchdog no longer found it in the processlist, or when a statement on it failed with
     * SQLState class 08, whichever came first. The server dropped it at most that long after the last statement the
     * connection answered.
     *
     * @param noticedBy          who noticed first
     * @param statement          the statement whose failure showed it (redacted), or the job's call checked
     * @param sqlState           the driver's SQLState, or null when a validity check found the connection dead
     * @param errorCode          the driver's vendor code, 0 when none
     * @param error              the driver's message (redacted), or null
     * @param locks              the locks the session held when it was lost
     * @param globalLockHoldMicros how long the global read lock was held until then, 0 when it was not held
     * @param snapshotOpen       whether the consistent snapshot was open
     */
    record ConnectionLost(Origin origin, NoticedBy noticedBy, String statement, String sqlState, int errorCode,
                          String error, List<LockKind> locks, long globalLockHoldMicros, boolean snapshotOpen)
            implements GuardEvent {
        /** Who noticed first that the connection was gone. */
        public enum NoticedBy {
            /** A statement on the connection failed with SQLState class 08 (a communication error). */
            STATEMENT_FAILED,
            /** The lock guard's watchdog, which looks for the connection while it holds the global read lock. */
            LOCK_GUARD,
            /** Connection.isValid before answering a COMMIT or ROLLBACK the guard would have absorbed. */
            VALIDITY_CHECK
        }
    }

    /**
     * The end of a backup session: totals and the verdict.
     *
     * @param consistent                 no consistency rule was violated by what reached the server
     * @param reasons                    why not consistent: one {@code rule-id: detail} per consistency violation
     * @param coordinates                the snapshot's coordinates, or null
     * @param tablesRead                 table reads (one per SELECT of a table, chunks count separately)
     * @param rowsRead                   rows of those reads the job fetched
     * @param globalLockWaitMicros       total wait for the global read lock
     * @param globalLockHoldMicros       total hold of the global read lock
     * @param snapshotAgeMicros          how long the snapshot was open
     * @param metadataLockHoldMaxMicros  the longest metadata-lock hold released by a savepoint rollback
     * @param corrections                statements corrected (enforce mode)
     * @param refusals                   statements refused
     * @param violations                 violations of any rule in what reached the server
     * @param lockWaitsCancelled         FTWRL attempts the lock guard cancelled because they waited too long
     * @param queriesKilled              long queries the lock guard killed (opt-in)
     * @param lockHoldExceeded           global-lock holds past the hold limit
     * @param collateralWaitingMax       the most other sessions seen waiting on our lock at a release
     * @param collateralLongestWaitMicros the longest wait among them
     */
    record SessionSummary(Origin origin, boolean consistent, List<String> reasons, BinlogCoordinates coordinates,
                          int tablesRead, long rowsRead, long globalLockWaitMicros, long globalLockHoldMicros,
                          long snapshotAgeMicros, long metadataLockHoldMaxMicros, int corrections, int refusals,
                          int violations, int lockWaitsCancelled, int queriesKilled, int lockHoldExceeded,
                          int collateralWaitingMax, long collateralLongestWaitMicros) implements GuardEvent {
    }
}
