package dev.backupguard.jdbc;

import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.legacy.TransferWriter;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Hooks that commit one transfer at each of the job's worst moments (after its coordinates, between its tables):
 * the deterministic way to show what a job's mistake costs. The transfer runs on the writer's own thread; when the
 * job holds the global read lock, the transfer waits for it (processlist state "Waiting for backup lock") and the
 * hook goes on, so a guarded and an unguarded job both finish. Any other wait ("Waiting for table level lock",
 * "Waiting for table metadata lock": another session's lock, for a moment) is not the job's: the hook waits for the
 * commit then, or the job would read its tables before the transfer it was meant to see.
 * No sleeping and no clock: the hook polls the server until the transfer committed or waits for the job's lock; the
 * writer's own lock_wait_timeout and innodb_lock_wait_timeout end a wait that never ends.
 */
final class WorstMoment implements LegacyJob.Hooks, AutoCloseable {

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
        // Each poll is one round trip to the server: the pace of the loop is the server's, not a sleep's.
        while (!f.isDone()) {
            if (waitsForTheJobsLock(writerState())) {
                return; // it commits once the job releases its lock
            }
        }
        await(f);
    }

    /** The one wait the job causes: its global read lock (MariaDB's FTWRL is a backup lock). */
    static boolean waitsForTheJobsLock(String state) {
        return JOBS_LOCK.equals(state);
    }

    static final String JOBS_LOCK = "Waiting for backup lock";

    private String writerState() throws SQLException {
        try (Statement s = watcher.createStatement();
             ResultSet rs = s.executeQuery("SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = " + writerThread)) {
            return rs.next() ? rs.getString(1) : null;
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
            f.get(); // the writer's lock wait timeouts end a transfer that cannot commit
        } catch (ExecutionException e) {
            throw e.getCause() instanceof SQLException s ? s : new SQLException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException(e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
