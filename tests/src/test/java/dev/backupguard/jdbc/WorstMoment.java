package dev.backupguard.jdbc;

import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.legacy.TransferWriter;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Hooks that commit one transfer at each of the job's worst moments (after its coordinates, between its tables):
 * the deterministic way to show what a job's mistake costs. The transfer runs on the writer's own thread; when the
 * job holds the global read lock, the transfer waits for it (processlist state "Waiting for backup lock") and the
 * hook goes on, so a guarded and an unguarded job both finish. No sleeping: the hook waits for the transfer to
 * commit or for the server to show it waiting.
 */
final class WorstMoment implements LegacyJob.Hooks, AutoCloseable {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final TransferWriter writer;
    private final Connection watcher;
    private final long writerThread;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "worst-moment-transfer");
        t.setDaemon(true);
        return t;
    });
    private final List<Future<Long>> transfers = new ArrayList<>();

    /** {@code watcher} is a connection of the test's own for reading the processlist. */
    WorstMoment(TransferWriter writer, long writerThread, Connection watcher) {
        this.writer = writer;
        this.writerThread = writerThread;
        this.watcher = watcher;
    }

    @Override
    public void afterCoordinates() throws SQLException {
        commitOne();
    }

    @Override
    public void betweenTables() throws SQLException {
        commitOne();
    }

    int transfersStarted() {
        return transfers.size();
    }

    private void commitOne() throws SQLException {
        Future<Long> f = executor.submit(writer::transferOnce);
        transfers.add(f);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!f.isDone()) {
            if (writerWaitsForALock()) {
                return; // it commits once the job releases its lock
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the transfer neither committed nor waited for a lock in " + DEADLINE);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        await(f);
    }

    private boolean writerWaitsForALock() throws SQLException {
        try (Statement s = watcher.createStatement();
             ResultSet rs = s.executeQuery("SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = " + writerThread)) {
            String state = rs.next() ? rs.getString(1) : null;
            return state != null && state.startsWith("Waiting for") && state.contains("lock");
        }
    }

    /** Waits for every transfer started by the hooks (after the job released its locks). */
    void awaitTransfers() throws SQLException {
        for (Future<Long> f : transfers) {
            await(f);
        }
    }

    private static void await(Future<Long> f) throws SQLException {
        try {
            f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SQLException s ? s : new SQLException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException(e);
        } catch (TimeoutException e) {
            throw new SQLException("a worst-moment transfer did not commit in " + DEADLINE, e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
