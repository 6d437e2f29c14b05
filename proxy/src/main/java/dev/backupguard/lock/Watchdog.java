package dev.backupguard.lock;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lock guard's timers: the cancel of a waiting FTWRL, and the watch over a held lock (its hold limit, and whether
 * the backup connection still exists). Two daemon threads for the whole process (a cancel is one processlist query
 * and one KILL QUERY on the side connection, a look at a held lock one processlist query); cancelled timers are
 * removed at once, so a timer never keeps a finished backup's objects alive.
 */
final class Watchdog {

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ScheduledThreadPoolExecutor TIMERS = timers();

    private Watchdog() {
    }

    private static ScheduledThreadPoolExecutor timers() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(2, r -> {
            Thread th = new Thread(r, "backup-guard-lock-watchdog-" + THREADS.incrementAndGet());
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return t;
    }

    static Future<?> schedule(Runnable task, Duration after) {
        return TIMERS.schedule(task, after.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} every {@code period}, the first time one period from now, until cancelled. */
    static Future<?> every(Runnable task, Duration period) {
        return TIMERS.scheduleAtFixedRate(task, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }
}
