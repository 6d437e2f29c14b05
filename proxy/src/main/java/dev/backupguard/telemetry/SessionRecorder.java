package dev.backupguard.telemetry;

import dev.backupguard.classify.IsolationLevel;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.Redactor;
import dev.backupguard.classify.Statement;
import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.ServerFacts;
import dev.backupguard.protocol.SessionProtocol;
import dev.backupguard.protocol.SnapshotWay;
import dev.backupguard.telemetry.GuardEvent.LockKind;
import dev.backupguard.telemetry.GuardEvent.StatementStep.Action;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns what a backup connection sent into lock-timing events: lock requests, waits and holds (global read lock,
 * LOCK TABLES, LOCK INSTANCE FOR BACKUP, BACKUP STAGE), the snapshot's start (isolation level as the server applied
 * it, coordinates and how they were read) and age, metadata-lock holds released by savepoint rollbacks, table reads
 * with rows and time, every plan step with its rule, and the session summary with the verdict and its reasons.
 *
 * <p>Only backup sessions are recorded; ordinary connections never reach it, so they publish nothing and pay nothing.
 * One per connection, used by the connection's thread, except the lock guard's events, which may come from another
 * thread (a hold-limit timer) and are counted atomically.
 *
 * <p>Times are {@link System#nanoTime()} read right after the driver returned, before the next statement is sent:
 * a lock's wait is from just before its statement was sent to just after the server answered, its hold from then to
 * just after the release statement was answered.
 *
 * <p>While the session holds the global read lock (or LOCK TABLES locks), events are held back and published right
 * after the release: no sink, however slow its logging backend, runs while every writer on the server waits. They
 * keep the time they happened at. At most {@value #MAX_DEFERRED} are held back (a job that keeps the lock for the
 * whole dump publishes the rest as they come).
 */
public final class SessionRecorder {

    private static final AtomicLong SESSIONS = new AtomicLong();
    private static final int MAX_DEFERRED = 256;
    /** The lock guard's events, counted for the summary (they reach the sinks unchanged). */
    private static final Set<Class<? extends GuardEvent>> LOCK_GUARD_EVENTS = Set.of(GuardEvent.LockWaitCancelled.class,
            GuardEvent.QueryKilled.class, GuardEvent.LockHoldExceeded.class, GuardEvent.Collateral.class);

    private final Telemetry telemetry;
    private final boolean redact;
    private final SessionProtocol protocol;
    private Telemetry lockTelemetry;
    private volatile long connectionId;
    private volatile long sessionId;

    private String planRule;
    private long globalLockRequestedAt;
    private int cancelledAtRequest;
    private long globalLockAcquiredAt;
    private long tableLocksAcquiredAt;
    private long backupLockAcquiredAt;
    private LockKind backupLockKind;
    private long snapshotStartedAt;
    private boolean snapshotLive;
    private boolean snapshotEventPending;
    private boolean coordinatesPending;
    private String snapshotIsolation;
    private BinlogCoordinates coordinates;
    private SnapshotWay way = SnapshotWay.NO_COORDINATES;
    private long metadataLocksSince;
    // A set: a job can read 10,000 tables in one transaction where metadata locks are not released (benchmark 7).
    private final java.util.Set<String> metadataLocked = new java.util.LinkedHashSet<>();
    private final List<GuardEvent> deferred = new ArrayList<>();

    private long lockWaitTotal;
    private long lockHoldTotal;
    private long snapshotAge;
    private long metadataLockHoldMax;
    private int tablesRead;
    private long rowsRead;
    private int corrections;
    private int refusals;
    private int violations;
    private final AtomicInteger lockWaitsCancelled = new AtomicInteger();
    private final AtomicInteger queriesKilled = new AtomicInteger();
    private final AtomicInteger lockHoldExceeded = new AtomicInteger();
    private final AtomicInteger collateralWaitingMax = new AtomicInteger();
    private final AtomicLong collateralLongestWait = new AtomicLong();

    /**
     * @param telemetry where the events go (the connection's hub)
     * @param redact    replace literals in SQL text and in details
     * @param protocol  the connection's protocol: the model of the server session (isolation, snapshot, facts)
     */
    public SessionRecorder(Telemetry telemetry, boolean redact, SessionProtocol protocol) {
        this.telemetry = telemetry;
        this.redact = redact;
        this.protocol = protocol;
    }

    public void connectionId(long id) {
        this.connectionId = id;
    }

    public long sessionId() {
        return sessionId;
    }

    /** A backup session starts on this connection. */
    public void sessionStarted() {
        sessionId = SESSIONS.incrementAndGet();
        planRule = null;
        globalLockAcquiredAt = 0;
        tableLocksAcquiredAt = 0;
        backupLockAcquiredAt = 0;
        snapshotStartedAt = 0;
        snapshotLive = false;
        snapshotEventPending = false;
        coordinatesPending = false;
        coordinates = null;
        way = SnapshotWay.NO_COORDINATES;
        metadataLocked.clear();
        deferred.clear();
        lockWaitTotal = lockHoldTotal = snapshotAge = metadataLockHoldMax = rowsRead = 0;
        tablesRead = corrections = refusals = violations = 0;
        lockWaitsCancelled.set(0);
        queriesKilled.set(0);
        lockHoldExceeded.set(0);
        collateralWaitingMax.set(0);
        collateralLongestWait.set(0);
    }

    public GuardEvent.Origin origin() {
        return Telemetry.origin(connectionId, sessionId);
    }

    public String sql(String text) {
        return redact ? Redactor.redact(text) : text;
    }

    /**
     * The hub the lock guard publishes through for this connection: the connection's hub, plus a counter of the
     * lock guard's events for the session summary (and the attempts of each global lock).
     */
    public Telemetry lockTelemetry() {
        if (lockTelemetry == null) {
            lockTelemetry = telemetry.overlay(List.of(new LockGuardCounter()), Set.of(), null);
        }
        return lockTelemetry;
    }

    /** A plan starts: its steps are reported with the rule of its first finding. */
    public void planStarted(List<Finding> findings) {
        planRule = findings.isEmpty() ? null : findings.get(0).rule().id();
    }

    public void planEnded() {
        planRule = null;
    }

    public void finding(Finding f) {
        switch (f.outcome()) {
            case CORRECTED -> corrections++;
            case REFUSED -> refusals++;
            case VIOLATION -> violations++;
            default -> {
            }
        }
        if (telemetry.wants(GuardEvent.RuleApplied.class)) {
            publish(new GuardEvent.RuleApplied(origin(), redacted(f)));
        }
    }

    /** The finding with its statement and detail redacted when redaction is on (a detail may quote SQL). */
    public Finding redacted(Finding f) {
        return redact ? new Finding(f.rule(), f.outcome(), f.position(), Redactor.redact(f.statement()),
                f.detail()) : f;
    }

    /**
     * Before a statement reaches the server; returns its start time. The clock is read after the lock-requested
     * event is published, so a lock's wait holds no telemetry work.
     */
    /**
     * The lock guard sends an FTWRL attempt now (after its preflight, or again after a cancelled wait): the wait
     * reported at acquisition is this attempt's, the time writers were really queued behind our lock. Cancelled
     * attempts are reported on their own (LockWaitCancelled).
     */
    public void lockAttemptSending() {
        globalLockRequestedAt = System.nanoTime();
    }

    /**
     * The server reports that this session holds the global read lock, taken by a statement the guard could not see
     * into: its hold is timed from now (the lock-acquired event carries no wait and no attempt).
     */
    public void globalLockFound() {
        if (globalLockAcquiredAt == 0) {
            globalLockAcquiredAt = System.nanoTime();
            publishLock(new GuardEvent.LockAcquired(origin(), LockKind.GLOBAL_READ_LOCK, 0, 0));
        }
    }

    public long starting(Statement st) {
        LockKind requested = null;
        boolean global = false;
        switch (st.kind()) {
            case FLUSH_TABLES_WITH_READ_LOCK -> {
                global = st.tables().isEmpty();
                requested = global ? LockKind.GLOBAL_READ_LOCK : LockKind.LOCK_TABLES;
            }
            case LOCK_TABLES -> requested = LockKind.LOCK_TABLES;
            case LOCK_INSTANCE_FOR_BACKUP -> requested = backupLockAcquiredAt == 0 ? LockKind.LOCK_INSTANCE_FOR_BACKUP : null;
            case BACKUP_STAGE -> requested = backupLockAcquiredAt == 0 && !"END".equals(st.name())
                    ? LockKind.BACKUP_STAGE : null;
            default -> {
            }
        }
        if (requested != null && telemetry.wants(GuardEvent.LockRequested.class)) {
            publish(new GuardEvent.LockRequested(origin(), requested, sql(st.sql())));
        }
        long now = System.nanoTime();
        if (global) {
            globalLockRequestedAt = now;
            cancelledAtRequest = lockWaitsCancelled.get();
        }
        return now;
    }

    /** After the server executed a statement of this backup session (and the protocol was told). */
    public void finished(Statement st, Action action, long startedAt, boolean dataRead) {
        long now = System.nanoTime();
        long micros = (now - startedAt) / 1000;
        // The lock is held from now on: the step below is already held back until the release.
        if (st.kind() == Kind.FLUSH_TABLES_WITH_READ_LOCK && st.tables().isEmpty()) {
            globalLockAcquiredAt = now;
        } else if (st.kind() == Kind.LOCK_TABLES || st.kind() == Kind.FLUSH_TABLES_WITH_READ_LOCK) {
            tableLocksAcquiredAt = now;
        }
        if (telemetry.wants(GuardEvent.StatementStep.class)) {
            // The guard's own statements are constants of the protocol: nothing to redact (sql_log_bin = 0 stays 0).
            publish(new GuardEvent.StatementStep(origin(), action, action == Action.INJECTED ? st.sql() : sql(st.sql()),
                    planRule, micros));
        }
        switch (st.kind()) {
            case FLUSH_TABLES_WITH_READ_LOCK -> {
                if (st.tables().isEmpty()) {
                    long wait = (now - globalLockRequestedAt) / 1000;
                    lockWaitTotal += wait;
                    int attempts = 1 + Math.max(0, lockWaitsCancelled.get() - cancelledAtRequest);
                    publishLock(new GuardEvent.LockAcquired(origin(), LockKind.GLOBAL_READ_LOCK, wait, attempts));
                } else {
                    tableLocksAcquired(now, micros);
                }
            }
            case UNLOCK_TABLES -> {
                if (globalLockAcquiredAt != 0) {
                    releaseGlobalLock(now);
                }
                if (tableLocksAcquiredAt != 0) {
                    releaseTableLocks(now);
                }
                emitSnapshotStarted();
                publishDeferred();
            }
            case LOCK_TABLES -> tableLocksAcquired(now, micros);
            case LOCK_INSTANCE_FOR_BACKUP, BACKUP_STAGE -> {
                LockKind kind = st.kind() == Kind.BACKUP_STAGE ? LockKind.BACKUP_STAGE : LockKind.LOCK_INSTANCE_FOR_BACKUP;
                if ("END".equals(st.name())) {
                    releaseBackupLock(now);
                } else if (backupLockAcquiredAt == 0) {
                    backupLockAcquiredAt = now;
                    backupLockKind = kind;
                    publishLock(new GuardEvent.LockAcquired(origin(), kind, micros, 1));
                }
            }
            case UNLOCK_INSTANCE -> releaseBackupLock(now);
            case START_TRANSACTION -> {
                if (snapshotStartedAt != 0) {
                    snapshotEnded("a new transaction started", startedAt);
                }
                if (st.isConsistentSnapshot()) {
                    snapshotStartedAt = startedAt;
                    snapshotEventPending = true;
                    // The level the server applied (the next-transaction level, else the session's): under any level
                    // but REPEATABLE READ the server ignores WITH CONSISTENT SNAPSHOT (docs/server-facts.md, fact 2).
                    IsolationLevel level = protocol == null ? null : protocol.transactionIsolation();
                    snapshotIsolation = level == null ? null : level.sql();
                    snapshotLive = protocol != null && protocol.inSnapshot();
                }
            }
            case SAVEPOINT -> emitSnapshotStarted();
            case ROLLBACK_TO_SAVEPOINT -> {
                // MariaDB with the binlog on keeps the metadata locks at ROLLBACK TO SAVEPOINT unless the session
                // does not log (sql_log_bin=0): only a real release is reported (docs/server-facts.md, fact 3d).
                if (!metadataLocked.isEmpty() && (protocol == null || protocol.savepointReleasesMetadataLocks())) {
                    long hold = (now - metadataLocksSince) / 1000;
                    metadataLockHoldMax = Math.max(metadataLockHoldMax, hold);
                    if (telemetry.wants(GuardEvent.MetadataLocksReleased.class)) {
                        publish(new GuardEvent.MetadataLocksReleased(origin(), List.copyOf(metadataLocked), hold));
                    }
                    metadataLocked.clear();
                }
            }
            case COMMIT, ROLLBACK -> snapshotEnded(st.kind() == Kind.COMMIT ? "commit" : "rollback", now);
            case SELECT, SHOW_CREATE_TABLE, SHOW_COLUMNS -> {
                if (st.target() != null) {
                    emitSnapshotStarted(); // not at the guard's own coordinate queries (no table): they come first
                }
                if (st.target() != null && snapshotStartedAt != 0) {
                    String t = st.target().toString();
                    if (!metadataLocked.contains(t)) {
                        if (metadataLocked.isEmpty()) {
                            metadataLocksSince = startedAt;
                        }
                        metadataLocked.add(t);
                    }
                }
            }
            default -> {
            }
        }
        if (snapshotLive && snapshotStartedAt != 0 && protocol != null && !protocol.inSnapshot()) {
            // FTWRL, DDL, LOCK TABLES, FLUSH ... commit implicitly: the snapshot ended without a COMMIT.
            String by = st.kind() == Kind.ADMIN ? st.name() : st.kind().name().replace('_', ' ');
            snapshotEnded("implicit commit by " + by.toLowerCase(Locale.ROOT), now);
        }
    }

    /** A statement of the job was answered without reaching the server, or refused. */
    public void notSent(Statement st, Action action) {
        if (telemetry.wants(GuardEvent.StatementStep.class)) {
            publish(new GuardEvent.StatementStep(origin(), action, sql(st.sql()), planRule, 0));
        }
    }

    /**
     * The guard read the snapshot's coordinates: the snapshot-started event can be published now, or, when their GTID
     * is derived after the lock ({@code complete} false), once {@link #coordinates(BinlogCoordinates, boolean)} says
     * they are complete.
     */
    public void coordinates(BinlogCoordinates c, boolean complete) {
        coordinates = c;
        way = c.source() == BinlogCoordinates.Source.SNAPSHOT_STATUS ? SnapshotWay.SNAPSHOT_STATUS : SnapshotWay.GLOBAL_LOCK;
        coordinatesPending = !complete;
        emitSnapshotStarted();
    }

    public void coordinates(BinlogCoordinates c) {
        coordinates(c, true);
    }

    /** A table's rows were read: from the data read's start to its result set's end. */
    public void tableRead(String table, long rows, long startedAt) {
        tablesRead++;
        rowsRead += rows;
        if (telemetry.wants(GuardEvent.TableReadFinished.class)) {
            publish(new GuardEvent.TableReadFinished(origin(), table, rows, (System.nanoTime() - startedAt) / 1000));
        }
    }

    public void tableReadStarted(String table) {
        if (telemetry.wants(GuardEvent.TableReadStarted.class)) {
            publish(new GuardEvent.TableReadStarted(origin(), table));
        }
    }

    /** The global read lock is held now, and since when (nanoTime), or 0. */
    public long globalLockAcquiredAt() {
        return globalLockAcquiredAt;
    }

    /** The backup session ended (connection closed or returned, or ordinary work followed). */
    public void sessionEnded(SessionProtocol.Verdict verdict, String how) {
        long now = System.nanoTime();
        snapshotEnded(how, now);
        if (globalLockAcquiredAt != 0) {
            releaseGlobalLock(now);
        }
        if (tableLocksAcquiredAt != 0) {
            releaseTableLocks(now);
        }
        releaseBackupLock(now);
        publishDeferred();
        if (telemetry.wants(GuardEvent.SessionSummary.class)) {
            List<String> reasons = new ArrayList<>();
            for (Finding f : verdict.violations()) {
                if (f.rule().severity() == Rule.Severity.CONSISTENCY) {
                    reasons.add(f.rule().id() + ": " + redacted(f).detail());
                }
            }
            publish(new GuardEvent.SessionSummary(origin(), verdict.consistent(), reasons,
                    coordinates != null ? coordinates : verdict.coordinates(),
                    Math.max(tablesRead, verdict.tablesRead().size()), rowsRead, lockWaitTotal, lockHoldTotal,
                    snapshotAge, metadataLockHoldMax, corrections, refusals, verdict.violations().size(),
                    lockWaitsCancelled.get(), queriesKilled.get(), lockHoldExceeded.get(), collateralWaitingMax.get(),
                    collateralLongestWait.get()));
        }
    }

    /**
     * The server closed the connection at {@code lostAt} (nanoTime, the first moment the guard knew): the session
     * ends there. Its locks and snapshot went with the server session, so no lock is reported released; the global
     * read lock's hold and the snapshot's age are measured to that moment.
     *
     * @param statement the statement whose failure (or check) showed it, or null
     * @param cause     the driver's error, or null when a validity check found the connection dead
     */
    public void connectionLost(SessionProtocol.Verdict verdict, long lostAt, GuardEvent.ConnectionLost.NoticedBy by,
                               Statement statement, java.sql.SQLException cause) {
        List<LockKind> locks = new ArrayList<>(2);
        long hold = 0;
        if (globalLockAcquiredAt != 0) {
            locks.add(LockKind.GLOBAL_READ_LOCK);
            hold = Math.max(0, lostAt - globalLockAcquiredAt) / 1000;
            lockHoldTotal += hold;
            globalLockAcquiredAt = 0;
        }
        if (tableLocksAcquiredAt != 0) {
            locks.add(LockKind.LOCK_TABLES);
            tableLocksAcquiredAt = 0;
        }
        if (backupLockAcquiredAt != 0) {
            locks.add(backupLockKind);
            backupLockAcquiredAt = 0;
        }
        if (telemetry.wants(GuardEvent.ConnectionLost.class)) {
            publish(new GuardEvent.ConnectionLost(Telemetry.origin(connectionId, sessionId, lostAt), by,
                    statement == null ? null : sql(statement.sql()), cause == null ? null : cause.getSQLState(),
                    cause == null ? 0 : cause.getErrorCode(), cause == null ? null : sql(cause.getMessage()),
                    List.copyOf(locks), hold, snapshotStartedAt != 0));
        }
        if (snapshotStartedAt != 0) {
            snapshotEnded("connection lost", Math.max(lostAt, snapshotStartedAt));
        }
        sessionEnded(verdict, "connection lost");
    }

    private void tableLocksAcquired(long now, long micros) {
        publishLock(new GuardEvent.LockAcquired(origin(), LockKind.LOCK_TABLES, micros, 1));
    }

    private void releaseTableLocks(long now) {
        long hold = (now - tableLocksAcquiredAt) / 1000;
        tableLocksAcquiredAt = 0;
        publishLock(new GuardEvent.LockReleased(origin(), LockKind.LOCK_TABLES, hold));
    }

    private void releaseGlobalLock(long now) {
        long hold = (now - globalLockAcquiredAt) / 1000;
        lockHoldTotal += hold;
        globalLockAcquiredAt = 0;
        publishLock(new GuardEvent.LockReleased(origin(), LockKind.GLOBAL_READ_LOCK, hold));
    }

    private void snapshotEnded(String how, long now) {
        if (snapshotStartedAt != 0) {
            coordinatesPending = false;
            emitSnapshotStarted();
            snapshotAge = (now - snapshotStartedAt) / 1000;
            if (telemetry.wants(GuardEvent.SnapshotEnded.class)) {
                publish(new GuardEvent.SnapshotEnded(origin(), snapshotAge, how));
            }
            snapshotStartedAt = 0;
            snapshotLive = false;
            metadataLocked.clear(); // the transaction's end releases every metadata lock
        }
    }

    /**
     * The snapshot-started event waits for the coordinates, which are read after START TRANSACTION: it is published
     * when they are known, or at the first statement that shows none will come (UNLOCK TABLES, SAVEPOINT, the first
     * read), stamped with the start's time.
     */
    private void emitSnapshotStarted() {
        if (snapshotEventPending && !coordinatesPending) {
            snapshotEventPending = false;
            if (telemetry.wants(GuardEvent.SnapshotStarted.class)) {
                ServerFacts facts = protocol == null ? null : protocol.facts();
                publish(new GuardEvent.SnapshotStarted(Telemetry.origin(connectionId, sessionId,
                        snapshotStartedAt), snapshotIsolation, coordinates != null ? way : SnapshotWay.NO_COORDINATES,
                        coordinates, facts == null ? 0 : facts.serverId()));
            }
        }
    }

    private void releaseBackupLock(long now) {
        if (backupLockAcquiredAt != 0) {
            publishLock(new GuardEvent.LockReleased(origin(), backupLockKind, (now - backupLockAcquiredAt) / 1000));
            backupLockAcquiredAt = 0;
        }
    }

    private void publishLock(GuardEvent e) {
        if (telemetry.wants(e.getClass())) {
            publish(e);
        }
    }

    /** Publishes now, or after the release while the session holds the global read lock or table locks. */
    private void publish(GuardEvent e) {
        if ((globalLockAcquiredAt != 0 || tableLocksAcquiredAt != 0) && deferred.size() < MAX_DEFERRED) {
            deferred.add(e);
            return;
        }
        if (!deferred.isEmpty()) {
            publishDeferred();
        }
        telemetry.publish(e);
    }

    private void publishDeferred() {
        if (!deferred.isEmpty() && globalLockAcquiredAt == 0 && tableLocksAcquiredAt == 0) {
            List<GuardEvent> held = List.copyOf(deferred);
            deferred.clear();
            for (GuardEvent e : held) {
                telemetry.publish(e);
            }
        }
    }

    /** Counts the lock guard's events of this connection for the session summary. */
    private final class LockGuardCounter implements TelemetrySink {
        @Override
        public boolean wants(Class<? extends GuardEvent> type) {
            return LOCK_GUARD_EVENTS.contains(type);
        }

        @Override
        public void accept(GuardEvent event) {
            if (event instanceof GuardEvent.LockWaitCancelled) {
                lockWaitsCancelled.incrementAndGet();
            } else if (event instanceof GuardEvent.QueryKilled) {
                queriesKilled.incrementAndGet();
            } else if (event instanceof GuardEvent.LockHoldExceeded) {
                lockHoldExceeded.incrementAndGet();
            } else if (event instanceof GuardEvent.Collateral c) {
                collateralWaitingMax.accumulateAndGet(c.waitingSessions(), Math::max);
                collateralLongestWait.accumulateAndGet(c.longestWaitMicros(), Math::max);
            }
        }
    }
}
