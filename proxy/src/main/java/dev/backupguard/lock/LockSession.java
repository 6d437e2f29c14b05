package dev.backupguard.lock;

import java.util.concurrent.Future;

/**
 * The lock guard's state for one backup connection, kept between {@link GlobalReadLockGuard#acquire} and
 * {@link GlobalReadLockGuard#released}: since when the global read lock is held, the side connection kept open
 * meanwhile, and the hold-limit timer. The connection creates one and passes the same instance with every request.
 * Thread-safe: the watchdog thread reads it while the backup thread works.
 */
public final class LockSession {

    private SideConnection side;
    private String originalTimeout;
    private boolean timeoutLowered;
    private long acquiredAt;
    private Future<?> holdTimer;
    private long hold;
    private long lostAt;

    /** Whether the guard saw the global read lock taken on this connection and not yet released. */
    public synchronized boolean holdsGlobalLock() {
        return acquiredAt != 0;
    }

    /** The lock was taken at {@code nanos}; returns the token of this hold. */
    synchronized long held(SideConnection sideConnection, long nanos) {
        side = sideConnection;
        acquiredAt = nanos;
        lostAt = 0;
        return ++hold;
    }

    /**
     * The watchdog no longer found the backup connection while hold {@code token} lasted: the server closed it at or
     * before {@code nanos} and released the lock with it. Ends the hold.
     */
    void lost(long token, long nanos) {
        synchronized (this) {
            if (token != hold || acquiredAt == 0) {
                return;
            }
            lostAt = nanos;
        }
        end();
    }

    /**
     * When the watchdog found the backup connection gone while it held the global read lock (nanoTime), or 0: the
     * first moment the guard knew the server had dropped the lock.
     */
    public synchronized long lostAt() {
        return lostAt;
    }

    synchronized void holdTimer(long token, Future<?> timer) {
        if (token == hold && acquiredAt != 0) {
            holdTimer = timer;
        } else {
            timer.cancel(false);
        }
    }

    /** Whether {@code token} is still the current hold (not released meanwhile). */
    synchronized boolean isCurrent(long token) {
        return token == hold && acquiredAt != 0;
    }

    synchronized long acquiredAt() {
        return acquiredAt;
    }

    synchronized SideConnection side() {
        return side;
    }

    /** The session's lock_wait_timeout before the guard lowered it (read once per connection), or null. */
    synchronized String originalTimeout() {
        return originalTimeout;
    }

    synchronized void timeoutLowered(String original) {
        originalTimeout = original;
        timeoutLowered = true;
    }

    synchronized boolean timeoutLowered() {
        return timeoutLowered;
    }

    synchronized void timeoutRestored() {
        timeoutLowered = false;
    }

    /** Ends the hold, if any: cancels the timer and closes the side connection (also when the connection goes away). */
    public void end() {
        SideConnection s;
        synchronized (this) {
            s = side;
            side = null;
            acquiredAt = 0;
            hold++;
            if (holdTimer != null) {
                holdTimer.cancel(false);
                holdTimer = null;
            }
        }
        if (s != null) {
            s.close();
        }
    }
}
