package dev.backupguard.lock;

import dev.backupguard.jdbc.ConnectionSource;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.telemetry.GuardEvent.LockKind;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * The default lock guard: the safest way to take FLUSH TABLES WITH READ LOCK (I3, I4).
 *
 * <ol>
 *   <li><b>Preflight</b> on a side connection (same credentials, never the backup connection): statements running
 *       longer than {@code lock.long-query-seconds} are waited for, then the FTWRL is refused with the list of them
 *       (or, opt-in, they are killed with KILL QUERY). See {@link Preflight}.</li>
 *   <li><b>Bounded wait</b>: a watchdog cancels our own FTWRL after {@code lock.wait-ms} (the time every writer is
 *       stalled behind it), then it is retried with back-off, and refused after {@code lock.retries}; a session
 *       lock_wait_timeout is the second bound. See {@link BoundedWait}.</li>
 *   <li><b>Hold limit</b>: a lock held longer than {@code lock.hold-ms} is a violation; in enforce mode the backup
 *       connection is aborted rather than keep the server read-only. While the lock is held, the watchdog also
 *       looks for the backup connection, so a connection the server closed is known at once. See
 *       {@link HoldWatch}.</li>
 *   <li><b>Collateral</b>: right before UNLOCK TABLES, one processlist query counts the sessions that waited on our
 *       lock (only when a telemetry sink wants the event).</li>
 * </ol>
 * Each part follows the mode of its rule (long-query, lock-wait, lock-hold, privilege): enforce corrects, block
 * refuses, audit reports, off skips. Thread-safe and stateless: per-connection state lives in {@link LockSession}.
 */
public final class GlobalReadLock implements GlobalReadLockGuard {

    @Override
    public <T> T acquire(LockRequest r, Attempt<T> ftwrl) throws SQLException {
        LockSession session = r.session();
        if (session.holdsGlobalLock()) {
            return ftwrl.send(); // already held by this session: the server answers at once, the hold goes on
        }
        Side opened = openSide(r);
        SideConnection side = opened.connection();
        boolean held = false;
        try {
            Preflight.check(r, side, opened.missing());
            T value = BoundedWait.acquire(r, side, ftwrl, true);
            held = true;
            long token = session.held(side, System.nanoTime());
            HoldWatch.start(r, session, token, side);
            return value;
        } finally {
            if (!held && side != null) {
                side.close();
            }
        }
    }

    @Override
    public <T> T flush(LockRequest r, Attempt<T> flush) throws SQLException {
        if (r.session().holdsGlobalLock()) {
            return flush.send();
        }
        Side opened = openSide(r);
        SideConnection side = opened.connection();
        try {
            Preflight.check(r, side, opened.missing());
            return BoundedWait.acquire(r, side, flush, false);
        } finally {
            if (side != null) {
                side.close();
            }
        }
    }

    /**
     * A lock found held after a statement the guard could not see into: its hold is timed and bounded from now
     * (the hold limit applies, enforce mode aborts the connection past it), with a side connection for the check at
     * the limit and the count of waiting sessions at release.
     */
    @Override
    public void adopted(LockRequest r) {
        LockSession session = r.session();
        if (session.holdsGlobalLock()) {
            return;
        }
        SideConnection side = openSide(r).connection();
        long token = session.held(side, System.nanoTime());
        HoldWatch.start(r, session, token, side);
    }

    @Override
    public void releasing(LockRequest r) {
        LockSession session = r.session();
        SideConnection side = session.side();
        if (side == null || !session.holdsGlobalLock() || !side.seesOthers()
                || !r.telemetry().wants(GuardEvent.Collateral.class)) {
            return;
        }
        try {
            List<ProcessRow> rows = side.processlist();
            Set<Long> ours = Set.of(r.connectionId(), side.id());
            List<ProcessRow> waiting = LongQueries.lockWaiters(rows, ours);
            List<ProcessRow> metadata = LongQueries.metadataLockWaiters(rows, ours);
            long longest = 0;
            for (ProcessRow p : waiting) {
                longest = Math.max(longest, p.millis());
            }
            for (ProcessRow p : metadata) {
                longest = Math.max(longest, p.millis());
            }
            r.telemetry().publish(new GuardEvent.Collateral(r.origin().get(), LockKind.GLOBAL_READ_LOCK,
                    waiting.size(), longest * 1000, metadata.size()));
        } catch (SQLException e) {
            LockFindings.LOG.debug("backup-guard could not count the sessions waiting on the global read lock", e);
        }
    }

    @Override
    public void released(LockRequest r) {
        r.session().end();
        BoundedWait.restoreLockWaitTimeout(r);
    }

    /** The side connection for one FTWRL, or (connection null) why there is none, for the messages. */
    private record Side(SideConnection connection, String missing) {
    }

    private static Side openSide(LockRequest r) {
        if (r.side() == null || r.side() == ConnectionSource.NONE) {
            return new Side(null, "this connection has no source of side connections");
        }
        try {
            return new Side(SideConnection.open(r), null);
        } catch (SQLException | RuntimeException e) {
            LockFindings.LOG.warn("backup-guard could not open a side connection for the lock guard ({}); only "
                    + "lock_wait_timeout bounds FLUSH TABLES WITH READ LOCK", e.toString());
            return new Side(null, "the lock guard could not open its side connection (" + (e instanceof SQLException s
                    ? LockFindings.serverError(s, r.redact()) : e.toString()) + ")");
        }
    }
}
