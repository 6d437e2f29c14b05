package dev.backupguard.telemetry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A sink that writes on its own daemon thread, so a slow disk never extends a lock the backup holds: publishing
 * only puts the event in a bounded queue. When the queue is full the oldest event is dropped (the newest, such as the
 * session summary, matter most) and counted; the writer reports drops in its output. {@link #close} writes what is
 * queued, flushes and stops the thread; {@code TelemetrySetup} closes every writer on JVM shutdown.
 */
abstract class BackgroundWriter implements TelemetrySink {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundWriter.class);
    /** Wakes the writer at close; never written. */
    private static final Object WAKE = new Object();

    private final ArrayBlockingQueue<Object> queue;
    private final Thread thread;
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean failureLogged = new AtomicBoolean();
    private final AtomicBoolean dropLogged = new AtomicBoolean();
    private long dropsReported;
    private volatile boolean closed;

    BackgroundWriter(String threadName, int capacity) {
        this.queue = new ArrayBlockingQueue<>(Math.max(1, capacity));
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    /** Starts the writer thread; subclasses call it once their output is open. */
    final void start() {
        thread.start();
    }

    /** Writes one event (on the writer thread). */
    abstract void write(GuardEvent event) throws IOException;

    /** Reports events dropped since the last report (on the writer thread). */
    void writeDrops(long count, long total) throws IOException {
    }

    /** After a batch: make it visible (on the writer thread). */
    abstract void flushOutput() throws IOException;

    /** At close, after the last flush (on the writer thread). */
    abstract void closeOutput() throws IOException;

    @Override
    public final void accept(GuardEvent event) {
        if (closed) {
            dropped.incrementAndGet();
            return;
        }
        enqueued.incrementAndGet();
        while (!queue.offer(event)) {
            Object oldest = queue.poll();
            if (oldest != null && oldest != WAKE) {
                dropped.incrementAndGet();
                done.incrementAndGet();
                if (dropLogged.compareAndSet(false, true)) {
                    LOG.warn("backup-guard {}: the queue of {} events is full; dropping the oldest (counted in the "
                            + "output and in the MXBean's TraceEventsDropped; raise backupguard.trace.queue)",
                            this, queue.remainingCapacity() + queue.size());
                }
            }
        }
    }

    /** Events dropped because the queue was full (or published after close). */
    public final long dropped() {
        return dropped.get();
    }

    /** Waits until everything published before the call is written and flushed, or the timeout passes. */
    public final boolean flush(Duration timeout) {
        long target = enqueued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (done.get() < target) {
            if (!thread.isAlive() || System.nanoTime() > deadline) {
                return done.get() >= target;
            }
            LockSupport.parkNanos(200_000);
        }
        return true;
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.offer(WAKE); // when full, the writer is busy and sees 'closed' after the batch
        if (Thread.currentThread() != thread) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            while (true) {
                Object first = queue.take();
                int batch = 0;
                for (Object o = first; o != null; o = queue.poll()) {
                    if (o != WAKE) {
                        writeQuietly((GuardEvent) o);
                        batch++;
                    }
                }
                long drops = dropped.get();
                if (drops > dropsReported) {
                    try {
                        writeDrops(drops - dropsReported, drops);
                    } catch (IOException | RuntimeException e) {
                        failed(e);
                    }
                    dropsReported = drops;
                }
                try {
                    flushOutput();
                } catch (IOException | RuntimeException e) {
                    failed(e);
                }
                done.addAndGet(batch);
                if (closed && queue.isEmpty()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                flushOutput();
                closeOutput();
            } catch (IOException | RuntimeException e) {
                failed(e);
            }
        }
    }

    private void writeQuietly(GuardEvent e) {
        try {
            write(e);
        } catch (IOException | RuntimeException ex) {
            failed(ex);
        }
    }

    private void failed(Exception e) {
        if (failureLogged.compareAndSet(false, true)) {
            LOG.warn("backup-guard {} could not write; further failures are not logged", this, e);
        }
    }
}
