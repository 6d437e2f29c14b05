package dev.backupguard.telemetry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A sink that writes on its own daemon thread, so a slow disk never extends a lock the backup holds: publishing only
 * appends the event to a lock-free queue (no lock, no system call: the writer is never woken by a publisher; it looks
 * for work every 5 ms while busy, backing off to 100 ms when idle). The queue is bounded: when full, the oldest event is dropped (the newest,
 * such as the session summary, matter most) and counted; the writer reports drops in its output. {@link #flush} and
 * {@link #close} wake the writer; close writes what is queued, flushes and stops the thread; {@code TelemetrySetup}
 * closes every writer on JVM shutdown.
 */
abstract class BackgroundWriter implements TelemetrySink {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundWriter.class);
    /**
     * How long the writer sleeps when the queue is empty, doubling while it stays empty up to the maximum: a trace
     * lags at most 5 ms behind a busy session and 100 ms behind an idle one.
     */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final int capacity;
    private final ConcurrentLinkedQueue<GuardEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final Thread thread;
    private final AtomicLong enqueued = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean failureLogged = new AtomicBoolean();
    private final AtomicBoolean dropLogged = new AtomicBoolean();
    private long dropsReported;
    private volatile boolean closed;

    BackgroundWriter(String threadName, int capacity) {
        this.capacity = Math.max(1, capacity);
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
        if (size.incrementAndGet() > capacity && queue.poll() != null) {
            size.decrementAndGet();
            dropped.incrementAndGet();
            done.incrementAndGet();
            if (dropLogged.compareAndSet(false, true)) {
                LOG.warn("backup-guard {}: {} events are waiting to be written; dropping the oldest (counted in the "
                        + "output and in the MXBean's TraceEventsDropped; raise backupguard.trace.queue)", this, capacity);
            }
        }
        queue.offer(event);
    }

    /** Events dropped because the queue was full (or published after close). */
    public final long dropped() {
        return dropped.get();
    }

    /** Waits until everything published before the call is written and flushed, or the timeout passes. */
    public final boolean flush(Duration timeout) {
        long target = enqueued.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        LockSupport.unpark(thread);
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
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        long idle = IDLE_NANOS;
        try {
            while (true) {
                boolean stopping = closed; // read before draining: what was published before close is written
                int batch = 0;
                for (GuardEvent e = queue.poll(); e != null; e = queue.poll()) {
                    size.decrementAndGet();
                    writeQuietly(e);
                    batch++;
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
                if (batch > 0) {
                    try {
                        flushOutput();
                    } catch (IOException | RuntimeException e) {
                        failed(e);
                    }
                    done.addAndGet(batch);
                }
                if (stopping) {
                    break;
                }
                if (batch == 0) {
                    LockSupport.parkNanos(this, idle);
                    idle = Math.min(idle * 2, MAX_IDLE_NANOS);
                } else {
                    idle = IDLE_NANOS;
                }
            }
        } finally {
            // Published while the writer was stopping: counted, not written.
            while (queue.poll() != null) {
                dropped.incrementAndGet();
            }
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
