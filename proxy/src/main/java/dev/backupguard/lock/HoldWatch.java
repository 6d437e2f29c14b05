package dev.backupguard.lock;

import dev.backupguard.jdbc.BackupGuardException;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Rule;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.telemetry.GuardEvent.LockKind;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The watch over a global read lock the backup connection holds, on the lock guard's watchdog.
 *
 * <ul>
 *   <li><b>Is the connection still there?</b> A server session that ends (KILL, a restart, a network failure) takes
 *       its lock with it, and the backup thread learns that only when its next statement fails, which may be much
 *       later. So while the lock is held, the watch looks for the backup connection in the processlist through the
 *       side connection ({@link SideConnection#exists}: the account always sees its own threads, PROCESS or not)
 *       every tenth of {@code lock.hold-ms}, at most a second apart. Once it is gone, the moment is recorded
 *       ({@link LockSession#lostAt()}) and the hold ends: the lock was held until at most one look earlier, and the
 *       telemetry measures the hold to that moment instead of to whenever the job called again.</li>
 *   <li><b>The hold limit</b> ({@code lock.hold-ms}, rule {@code lock-hold}): the last look of the first period falls
 *       on the limit; a lock still held then is reported, and in enforce mode the backup connection is aborted.</li>
 * </ul>
 * Without a side connection there is nothing to look with: one timer at the limit, as before. A hold of a few
 * milliseconds (the guard's own window) ends before the first look, so it costs no query.
 */
final class HoldWatch implements Runnable {

    private final LockRequest r;
    private final LockSession session;
    private final long token;
    private final boolean limitOn;
    private boolean limitPassed;

    private HoldWatch(LockRequest r, LockSession session, long token) {
        this.r = r;
        this.session = session;
        this.token = token;
        this.limitOn = r.modeOf(Rule.LOCK_HOLD) != Mode.OFF;
    }

    /** Starts the watch of hold {@code token} (the lock was just taken). */
    static void start(LockRequest r, LockSession session, long token, SideConnection side) {
        HoldWatch watch = new HoldWatch(r, session, token);
        Duration limit = r.lock().holdLimit();
        if (side != null) {
            session.holdTimer(token, Watchdog.every(watch, limit.dividedBy(looksPerLimit(limit))));
        } else if (watch.limitOn) {
            session.holdTimer(token, Watchdog.schedule(watch, limit));
        }
    }

    /**
     * How many looks per hold limit: ten, or one a second for a limit over ten seconds, and none closer than 10 ms
     * apart (then at least one, at the limit). The last of them falls on the limit.
     */
    static long looksPerLimit(Duration limit) {
        long ms = limit.toMillis();
        long perSecond = (ms + 999) / 1000;
        return Math.max(1, Math.min(Math.max(10, perSecond), ms / 10));
    }

    @Override
    public void run() {
        if (!session.isCurrent(token)) {
            return;
        }
        long now = System.nanoTime();
        SideConnection side = session.side();
        if (side != null) {
            try {
                if (!side.exists(r.connectionId())) {
                    session.lost(token, now); // the server closed the connection, and released the lock with it
                    return;
                }
            } catch (SQLException e) {
                LockFindings.LOG.debug("backup-guard could not look for the backup connection", e);
            }
        }
        if (limitOn && !limitPassed && now - session.acquiredAt() >= r.lock().holdLimit().toNanos()) {
            limitPassed = true;
            exceeded(now - session.acquiredAt());
        }
    }

    /** The hold limit passed with the lock still held: report it, and in enforce mode abort the backup connection. */
    private void exceeded(long heldNanos) {
        Mode mode = r.modeOf(Rule.LOCK_HOLD);
        long limit = r.lock().holdLimit().toMillis();
        String detail = "the global read lock was held for " + TimeUnit.NANOSECONDS.toMillis(heldNanos)
                + " ms, longer than backupguard.lock.hold-ms=" + limit + ": no write can commit anywhere on the "
                + "server meanwhile";
        boolean abort = mode == Mode.ENFORCE;
        LockFindings.event(r, new GuardEvent.LockHoldExceeded(r.origin().get(), LockKind.GLOBAL_READ_LOCK,
                heldNanos / 1000, limit * 1000, abort ? "aborted" : "reported"));
        if (!abort) {
            LockFindings.report(r, Rule.LOCK_HOLD, mode == Mode.AUDIT ? Finding.Outcome.WOULD_CORRECT
                    : Finding.Outcome.VIOLATION, detail);
            return;
        }
        BackupGuardException error = LockFindings.refuse(r, Rule.LOCK_HOLD, detail + "; backup-guard aborted the "
                + "backup session (closed its connection) so the server is writable again", null);
        session.end();
        r.abort().accept(error);
    }
}
