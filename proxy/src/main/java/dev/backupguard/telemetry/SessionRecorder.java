package dev.backupguard.telemetry;

import dev.backupguard.classify.Kind;
import dev.backupguard.classify.Redactor;
import dev.backupguard.classify.Statement;
import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.SessionProtocol;
import dev.backupguard.protocol.SnapshotWay;
import dev.backupguard.telemetry.GuardEvent.LockKind;
import dev.backupguard.telemetry.GuardEvent.StatementStep.Action;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns what a backup connection sent into lock-timing events: global lock wait and hold, snapshot start (with its
 * coordinates) and age, metadata-lock hold per savepoint rollback, table reads, and the session summary. Only backup
 * sessions are recorded; ordinary connections never reach it. One per connection, used by its thread.
 */
public final class SessionRecorder {

    private static final AtomicLong SESSIONS = new AtomicLong();

    private final Telemetry telemetry;
    private final boolean redact;
    private volatile long connectionId;
    private volatile long sessionId;

    private long globalLockRequestedAt;
    private long globalLockAcquiredAt;
    private long tableLocksAcquiredAt;
    private long backupLockAcquiredAt;
    private long snapshotStartedAt;
    private boolean snapshotEventPending;
    private BinlogCoordinates coordinates;
    private SnapshotWay way = SnapshotWay.NO_COORDINATES;
    private long metadataLocksSince;
    private final List<String> metadataLocked = new ArrayList<>();

    private long lockWaitTotal;
    private long lockHoldTotal;
    private long snapshotAge;
    private int tablesRead;
    private int corrections;
    private int refusals;
    private int violations;

    public SessionRecorder(Telemetry telemetry, boolean redact) {
        this.telemetry = telemetry;
        this.redact = redact;
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
        globalLockAcquiredAt = 0;
        tableLocksAcquiredAt = 0;
        backupLockAcquiredAt = 0;
        snapshotStartedAt = 0;
        snapshotEventPending = false;
        coordinates = null;
        way = SnapshotWay.NO_COORDINATES;
        metadataLocked.clear();
        lockWaitTotal = lockHoldTotal = snapshotAge = 0;
        tablesRead = corrections = refusals = violations = 0;
    }

    public GuardEvent.Origin origin() {
        return Telemetry.origin(connectionId, sessionId);
    }

    public String sql(String text) {
        return redact ? Redactor.redact(text) : text;
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
            telemetry.publish(new GuardEvent.RuleApplied(origin(), redact ? new Finding(f.rule(), f.outcome(),
                    f.position(), sql(f.statement()), f.detail()) : f));
        }
    }

    /** Before a statement reaches the server; returns its start time. */
    public long starting(Statement st) {
        long now = System.nanoTime();
        if (st.kind() == Kind.FLUSH_TABLES_WITH_READ_LOCK && st.tables().isEmpty()) {
            globalLockRequestedAt = now;
            if (telemetry.wants(GuardEvent.LockRequested.class)) {
                telemetry.publish(new GuardEvent.LockRequested(origin(), LockKind.GLOBAL_READ_LOCK, sql(st.sql())));
            }
        }
        return now;
    }

    /** After the server executed a statement of this backup session. */
    public void finished(Statement st, Action action, long startedAt, boolean dataRead) {
        long now = System.nanoTime();
        long micros = (now - startedAt) / 1000;
        if (telemetry.wants(GuardEvent.StatementStep.class)) {
            telemetry.publish(new GuardEvent.StatementStep(origin(), action, sql(st.sql()), null, micros));
        }
        switch (st.kind()) {
            case FLUSH_TABLES_WITH_READ_LOCK -> {
                if (st.tables().isEmpty()) {
                    globalLockAcquiredAt = now;
                    long wait = (now - globalLockRequestedAt) / 1000;
                    lockWaitTotal += wait;
                    publishLock(new GuardEvent.LockAcquired(origin(), LockKind.GLOBAL_READ_LOCK, wait, 1));
                }
            }
            case UNLOCK_TABLES -> {
                if (globalLockAcquiredAt != 0) {
                    long hold = (now - globalLockAcquiredAt) / 1000;
                    lockHoldTotal += hold;
                    globalLockAcquiredAt = 0;
                    publishLock(new GuardEvent.LockReleased(origin(), LockKind.GLOBAL_READ_LOCK, hold));
                }
                if (tableLocksAcquiredAt != 0) {
                    publishLock(new GuardEvent.LockReleased(origin(), LockKind.LOCK_TABLES, (now - tableLocksAcquiredAt) / 1000));
                    tableLocksAcquiredAt = 0;
                }
                emitSnapshotStarted();
            }
            case LOCK_TABLES -> {
                tableLocksAcquiredAt = now;
                publishLock(new GuardEvent.LockAcquired(origin(), LockKind.LOCK_TABLES, micros, 1));
            }
            case LOCK_INSTANCE_FOR_BACKUP, BACKUP_STAGE -> {
                LockKind kind = st.kind() == Kind.BACKUP_STAGE ? LockKind.BACKUP_STAGE : LockKind.LOCK_INSTANCE_FOR_BACKUP;
                if ("END".equals(st.name())) {
                    releaseBackupLock(kind, now);
                } else if (backupLockAcquiredAt == 0) {
                    backupLockAcquiredAt = now;
                    publishLock(new GuardEvent.LockAcquired(origin(), kind, micros, 1));
                }
            }
            case UNLOCK_INSTANCE -> releaseBackupLock(LockKind.LOCK_INSTANCE_FOR_BACKUP, now);
            case START_TRANSACTION -> {
                if (st.isConsistentSnapshot()) {
                    snapshotStartedAt = startedAt;
                    snapshotEventPending = true;
                }
            }
            case SAVEPOINT -> emitSnapshotStarted();
            case ROLLBACK_TO_SAVEPOINT -> {
                if (!metadataLocked.isEmpty()) {
                    if (telemetry.wants(GuardEvent.MetadataLocksReleased.class)) {
                        telemetry.publish(new GuardEvent.MetadataLocksReleased(origin(), List.copyOf(metadataLocked),
                                (now - metadataLocksSince) / 1000));
                    }
                    metadataLocked.clear();
                }
            }
            case COMMIT, ROLLBACK -> snapshotEnded(st.kind() == Kind.COMMIT ? "commit" : "rollback", now);
            case SELECT, SHOW_CREATE_TABLE, SHOW_COLUMNS -> {
                emitSnapshotStarted();
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
    }

    /** A statement of the job was answered without reaching the server, or refused. */
    public void notSent(Statement st, Action action) {
        if (telemetry.wants(GuardEvent.StatementStep.class)) {
            telemetry.publish(new GuardEvent.StatementStep(origin(), action, sql(st.sql()), null, 0));
        }
    }

    public void coordinates(BinlogCoordinates c) {
        coordinates = c;
        way = c.source() == BinlogCoordinates.Source.SNAPSHOT_STATUS ? SnapshotWay.SNAPSHOT_STATUS : SnapshotWay.GLOBAL_LOCK;
    }

    /** A table's rows were read: from the data read's start to its result set's end. */
    public void tableRead(String table, long rows, long startedAt) {
        tablesRead++;
        if (telemetry.wants(GuardEvent.TableReadFinished.class)) {
            telemetry.publish(new GuardEvent.TableReadFinished(origin(), table, rows, (System.nanoTime() - startedAt) / 1000));
        }
    }

    public void tableReadStarted(String table) {
        if (telemetry.wants(GuardEvent.TableReadStarted.class)) {
            telemetry.publish(new GuardEvent.TableReadStarted(origin(), table));
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
            long hold = (now - globalLockAcquiredAt) / 1000;
            lockHoldTotal += hold;
            publishLock(new GuardEvent.LockReleased(origin(), LockKind.GLOBAL_READ_LOCK, hold));
            globalLockAcquiredAt = 0;
        }
        if (telemetry.wants(GuardEvent.SessionSummary.class)) {
            List<String> reasons = new ArrayList<>();
            for (Finding f : verdict.violations()) {
                reasons.add(f.rule().id() + ": " + f.detail());
            }
            telemetry.publish(new GuardEvent.SessionSummary(origin(), verdict.consistent(), reasons,
                    coordinates != null ? coordinates : verdict.coordinates(), Math.max(tablesRead, verdict.tablesRead().size()),
                    lockWaitTotal, lockHoldTotal, snapshotAge, corrections, refusals, verdict.violations().size()));
        }
    }

    private void snapshotEnded(String how, long now) {
        if (snapshotStartedAt != 0) {
            emitSnapshotStarted();
            snapshotAge = (now - snapshotStartedAt) / 1000;
            if (telemetry.wants(GuardEvent.SnapshotEnded.class)) {
                telemetry.publish(new GuardEvent.SnapshotEnded(origin(), snapshotAge, how));
            }
            snapshotStartedAt = 0;
        }
    }

    private void emitSnapshotStarted() {
        if (snapshotEventPending) {
            snapshotEventPending = false;
            if (telemetry.wants(GuardEvent.SnapshotStarted.class)) {
                telemetry.publish(new GuardEvent.SnapshotStarted(origin(), "REPEATABLE READ", way, coordinates));
            }
        }
    }

    private void releaseBackupLock(LockKind kind, long now) {
        if (backupLockAcquiredAt != 0) {
            publishLock(new GuardEvent.LockReleased(origin(), kind, (now - backupLockAcquiredAt) / 1000));
            backupLockAcquiredAt = 0;
        }
    }

    private void publishLock(GuardEvent e) {
        if (telemetry.wants(e.getClass())) {
            telemetry.publish(e);
        }
    }
}
