package dev.backupguard.lock;

import dev.backupguard.config.Settings.LongQueryFilter;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Rule;
import dev.backupguard.telemetry.GuardEvent;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends the FTWRL with a bound on its wait (I4). While an FTWRL waits for a running write, every other write on the
 * server queues behind it, so the wait is the stall: after {@code lock.wait-ms} a watchdog on the side connection
 * cancels it with KILL QUERY (MariaDB: KILL QUERY ID, which cannot hit a later statement). The guard then backs off,
 * waits for the statements that held it up to end (up to {@code lock.long-query-wait-ms}) and tries again, up to
 * {@code lock.retries} times, before refusing. A session {@code lock_wait_timeout} set around the FTWRL is the
 * second bound, the only one when there is no side connection.
 *
 * <p>Errors are matched by vendor code, never by SQLState or class, which differ between drivers
 * (docs/server-facts.md, fact 4): 1317 for KILL QUERY, 1205 for lock_wait_timeout, 1227 for a missing privilege.
 */
final class BoundedWait {

    static final int ER_LOCK_WAIT_TIMEOUT = 1205;
    static final int ER_QUERY_INTERRUPTED = 1317;
    static final int ER_SPECIFIC_ACCESS_DENIED = 1227;

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private BoundedWait() {
    }

    /**
     * @param keepLowered after success, leave lock_wait_timeout lowered until the lock is released
     *                    ({@link #restoreLockWaitTimeout}), so nothing of the guard's runs inside the lock window
     */
    static <T> T acquire(LockRequest r, SideConnection side, GlobalReadLockGuard.Attempt<T> ftwrl, boolean keepLowered)
            throws SQLException {
        Mode mode = r.modeOf(Rule.LOCK_WAIT);
        if (mode == Mode.OFF || mode == Mode.AUDIT) {
            long t0 = System.nanoTime();
            T value = send(r, ftwrl);
            long waited = System.nanoTime() - t0;
            if (mode == Mode.AUDIT && waited > r.lock().lockWait().toNanos()) {
                LockFindings.report(r, Rule.LOCK_WAIT, Finding.Outcome.WOULD_CORRECT, r.what()
                        + " waited " + TimeUnit.NANOSECONDS.toMillis(waited) + " ms, longer than backupguard.lock."
                        + "wait-ms=" + r.lock().lockWait().toMillis() + ", while writers queued behind it; enforce mode "
                        + "would have cancelled it");
            }
            return value;
        }
        int attempts = mode == Mode.ENFORCE ? 1 + r.lock().retries() : 1;
        lowerLockWaitTimeout(r, side == null);
        boolean acquired = false;
        try {
            long firstCancel = 0;
            List<ProcessRow> heldUpBy = List.of();
            for (int attempt = 1; ; attempt++) {
                Cancel cancel = new Cancel(r, side);
                Future<?> dog = side == null ? null : Watchdog.schedule(cancel, watchdogDelay(r.lock().lockWait()));
                long t0 = System.nanoTime();
                try {
                    T value = ftwrl.send();
                    cancel.finish();
                    acquired = true;
                    return value;
                } catch (SQLException e) {
                    cancel.finish();
                    long waited = System.nanoTime() - t0;
                    boolean cancelled = (e.getErrorCode() == ER_QUERY_INTERRUPTED && cancel.killSent())
                            || e.getErrorCode() == ER_LOCK_WAIT_TIMEOUT;
                    if (!cancelled) {
                        throw translate(r, e);
                    }
                    if (firstCancel == 0) {
                        firstCancel = System.nanoTime();
                    }
                    heldUpBy = cancel.blockers() != null ? cancel.blockers() : blockersNow(r, side, waited);
                    String state = cancel.state() != null ? cancel.state()
                            : "lock_wait_timeout (error " + e.getErrorCode() + ")";
                    LockFindings.LOG.info("backup-guard cancelled {} after {} ms (attempt {} of {}, {}) so writers could "
                            + "go on", r.what(), TimeUnit.NANOSECONDS.toMillis(waited), attempt,
                            attempts, state);
                    LockFindings.event(r, new GuardEvent.LockWaitCancelled(r.origin().get(), attempt, waited / 1000,
                            state));
                    if (attempt >= attempts) {
                        throw LockFindings.refuse(r, Rule.LOCK_WAIT, r.what() + " waited longer than "
                                + "backupguard.lock.wait-ms=" + r.lock().lockWait().toMillis() + " and was cancelled "
                                + attempt + (attempt == 1 ? " time" : " times") + " so the writers queued behind it "
                                + "could go on" + heldUp(heldUpBy, r), e);
                    }
                } finally {
                    if (dog != null) {
                        dog.cancel(false);
                    }
                }
                List<ProcessRow> still = backOff(r, side, attempt, heldUpBy, firstCancel);
                if (!still.isEmpty()) {
                    throw LockFindings.refuse(r, Rule.LOCK_WAIT, r.what() + " was cancelled after "
                            + "waiting longer than backupguard.lock.wait-ms=" + r.lock().lockWait().toMillis()
                            + ", and the statements it waited for still ran after "
                            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstCancel)
                            + " ms (backupguard.lock.long-query-wait-ms): " + LockFindings.list(still, r.redact()),
                            null);
                }
            }
        } finally {
            if (!acquired || !keepLowered) {
                restoreLockWaitTimeout(r);
            }
        }
    }

    /**
     * When the watchdog fires: early enough that its own processlist read and KILL QUERY (a few round trips on the
     * side connection, ~20 ms measured here) land within the bound, which is the longest any writer may be stalled.
     */
    static Duration watchdogDelay(Duration bound) {
        Duration allowance = bound.dividedBy(10);
        if (allowance.compareTo(CANCEL_ALLOWANCE) > 0) {
            allowance = CANCEL_ALLOWANCE;
        }
        return bound.minus(allowance);
    }

    private static final Duration CANCEL_ALLOWANCE = Duration.ofMillis(100);

    /** One FTWRL with only the privilege error translated. */
    private static <T> T send(LockRequest r, GlobalReadLockGuard.Attempt<T> ftwrl) throws SQLException {
        try {
            return ftwrl.send();
        } catch (SQLException e) {
            throw translate(r, e);
        }
    }

    /**
     * FTWRL needs RELOAD; without it the server answers 1227 at once. Name the privilege and, where the server reports
     * the snapshot's own coordinates (MariaDB, Percona Server), the way that needs no global lock at all.
     */
    private static SQLException translate(LockRequest r, SQLException e) {
        if (e.getErrorCode() != ER_SPECIFIC_ACCESS_DENIED || r.modeOf(Rule.PRIVILEGE) == Mode.OFF) {
            return e;
        }
        boolean lockFree = r.facts() != null && r.facts().snapshotReportsCoordinates();
        return LockFindings.refuse(r, Rule.PRIVILEGE, "FLUSH TABLES and FLUSH TABLES WITH READ LOCK need the RELOAD "
                + "privilege, which this account lacks (" + LockFindings.serverError(e, r.redact()) + "). "
                + (lockFree ? "This server reports the snapshot's own binlog coordinates (SHOW STATUS LIKE "
                + "'binlog_snapshot_%'), so no global lock is needed: set backupguard.snapshot.way=snapshot-status "
                + "(or auto, the default), or GRANT RELOAD ON *.* to the backup account"
                : "GRANT RELOAD ON *.* to the backup account"), e);
    }

    /**
     * Waits {@code lock.retry-backoff-ms} doubled per attempt, then as long as the statements that held up the last
     * attempt still run, up to {@code lock.long-query-wait-ms} from the first cancel: retrying while they run would
     * stall the writers again for nothing. Returns those still running at the deadline (then the guard refuses).
     */
    private static List<ProcessRow> backOff(LockRequest r, SideConnection side, int attempt,
                                            List<ProcessRow> heldUpBy, long firstCancel) throws SQLException {
        long pause = r.lock().retryBackoff().toNanos() << Math.min(attempt - 1, 20);
        long end = System.nanoTime() + pause;
        for (long left = pause; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        if (side == null || heldUpBy.isEmpty()) {
            return List.of();
        }
        long deadline = firstCancel + r.lock().longQueryWait().toNanos();
        while (true) {
            List<ProcessRow> still = stillRunning(side.processlist(), heldUpBy);
            long left = deadline - System.nanoTime();
            if (still.isEmpty() || left <= 0) {
                return still;
            }
            LockSupport.parkNanos(Math.min(POLL_NANOS, left));
        }
    }

    private static List<ProcessRow> stillRunning(List<ProcessRow> rows, List<ProcessRow> before) {
        List<ProcessRow> out = new ArrayList<>();
        for (ProcessRow p : rows) {
            if (Preflight.sameStatementIn(p, before)) {
                out.add(p);
            }
        }
        return out;
    }

    /** After a lock_wait_timeout: the statements that have run at least as long as the FTWRL waited. */
    private static List<ProcessRow> blockersNow(LockRequest r, SideConnection side, long waitedNanos) {
        if (side == null) {
            return List.of();
        }
        try {
            return blockers(r, side, side.processlist(), TimeUnit.NANOSECONDS.toMillis(waitedNanos));
        } catch (SQLException e) {
            return List.of();
        }
    }

    /**
     * What holds up an FTWRL that has waited {@code waitedMillis}: the statements that started before it and that an
     * FTWRL waits for on this server (writes on MariaDB, everything on MySQL), not those queued behind it.
     */
    static List<ProcessRow> blockers(LockRequest r, SideConnection side, List<ProcessRow> rows, long waitedMillis) {
        return LongQueries.running(rows, waitedMillis,
                LongQueries.effective(LongQueryFilter.AUTO, r.facts()),
                Set.of(r.connectionId(), side.id()));
    }

    private static String heldUp(List<ProcessRow> rows, LockRequest r) {
        return rows.isEmpty() ? "" : "; it was held up by: " + LockFindings.list(rows, r.redact());
    }

    /**
     * Lowers the session's lock_wait_timeout for the FTWRL (the server's default is 86400 s, one day). When there is
     * no watchdog it is the only bound, so it is the lock wait rounded up to whole seconds. The original value is read
     * once per connection; a value already lowered (FLUSH TABLES just before) is left as it is.
     */
    private static void lowerLockWaitTimeout(LockRequest r, boolean onlyBound) {
        if (r.session().timeoutLowered()) {
            return;
        }
        long seconds = onlyBound ? Math.max(1, (r.lock().lockWait().toMillis() + 999) / 1000)
                : r.lock().lockWaitTimeout().toSeconds();
        try (Statement s = r.backup().createStatement()) {
            String previous = r.session().originalTimeout();
            if (previous == null) {
                try (var rs = s.executeQuery(SideConnection.MARK + "SELECT @@SESSION.lock_wait_timeout")) {
                    rs.next();
                    previous = rs.getString(1);
                }
            }
            if (Double.parseDouble(previous) <= seconds) {
                return;
            }
            s.execute(SideConnection.MARK + "SET SESSION lock_wait_timeout = " + seconds);
            r.session().timeoutLowered(previous);
        } catch (SQLException | RuntimeException e) {
            LockFindings.LOG.info("backup-guard could not set lock_wait_timeout around {}: {}",
                    r.what(), e.toString());
        }
    }

    /** Gives the session its lock_wait_timeout back, if the guard lowered it (on the backup thread, never in a lock). */
    static void restoreLockWaitTimeout(LockRequest r) {
        if (!r.session().timeoutLowered()) {
            return;
        }
        String previous = r.session().originalTimeout();
        r.session().timeoutRestored();
        try (Statement s = r.backup().createStatement()) {
            // The server's own text of the value, checked to be a number: lock_wait_timeout is an integer on MySQL
            // and older MariaDB, where "30.0" is refused (error 1232).
            s.execute(SideConnection.MARK + "SET SESSION lock_wait_timeout = "
                    + new java.math.BigDecimal(previous.trim()).stripTrailingZeros().toPlainString());
        } catch (SQLException | RuntimeException e) {
            LockFindings.LOG.warn("backup-guard could not restore lock_wait_timeout={} on the backup connection: {}",
                    previous, e.toString());
        }
    }

    /**
     * The watchdog's cancel of one attempt, run on the watchdog thread after {@code lock.wait-ms}. It kills the FTWRL
     * only if the processlist shows it still running; the backup thread's {@link #finish} and the kill exclude each
     * other, so a kill is never sent after the attempt returned, and the next attempt waits until a kill in flight is
     * done.
     */
    private static final class Cancel implements Runnable {
        private static final int RUNNING = 0;
        private static final int KILLING = 1;
        private static final int DONE = 2;

        private final LockRequest r;
        private final SideConnection side;
        private final AtomicInteger phase = new AtomicInteger(RUNNING);
        private final CountDownLatch killDone = new CountDownLatch(1);
        private volatile List<ProcessRow> blockers;
        private volatile String state;
        private volatile boolean killSent;

        Cancel(LockRequest r, SideConnection side) {
            this.r = r;
            this.side = side;
        }

        @Override
        public void run() {
            if (phase.get() != RUNNING) {
                return;
            }
            try {
                // One row first: every writer waits until the kill lands, so nothing else comes before it.
                ProcessRow self = side.thread(r.connectionId());
                if (self == null || !LongQueries.isGuardedFlush(self)) {
                    return; // done already (or not visible): nothing to cancel
                }
                state = self.state() == null || self.state().isEmpty() ? "running" : self.state();
                if (!phase.compareAndSet(RUNNING, KILLING)) {
                    return;
                }
                try {
                    side.killQuery(self);
                    killSent = true;
                    // What held it up still runs after the kill: statements at least as old as our wait.
                    blockers = BoundedWait.blockers(r, side, side.processlist(), self.millis());
                } finally {
                    killDone.countDown();
                }
            } catch (SQLException | RuntimeException e) {
                LockFindings.LOG.warn("backup-guard could not cancel the waiting {} of connection {}; "
                        + "lock_wait_timeout still bounds it: {}", r.what(), r.connectionId(), e.toString());
            }
        }

        /** The attempt returned: no kill may start now; one in flight is waited for. */
        void finish() {
            if (phase.get() != DONE && !phase.compareAndSet(RUNNING, DONE)) {
                try {
                    killDone.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        boolean killSent() {
            return killSent;
        }

        List<ProcessRow> blockers() {
            return blockers;
        }

        String state() {
            return state;
        }
    }
}
