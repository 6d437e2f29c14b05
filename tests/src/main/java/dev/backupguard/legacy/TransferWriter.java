package dev.backupguard.legacy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Moves money between checking and savings in short transactions, on its own connection, and remembers the GTID of
 * every committed transfer (MariaDB's {@code @@last_gtid}). That commit log is what a backup's coordinates are checked
 * against: a snapshot that saw transfers 1..n must carry the GTID position of transfer n exactly.
 *
 * <p>{@link #transferOnce()} commits one transfer synchronously (deterministic tests: "a transfer commits between the
 * job's two reads"); {@link #start()} runs transfers back to back on a thread until {@link #close()}.
 */
public final class TransferWriter implements AutoCloseable {

    private final Connection connection;
    private final int accounts;
    private final Random random = new Random(42);
    private final Map<Long, String> gtidBySeq = new ConcurrentHashMap<>();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong lastCommitted = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private Thread thread;

    /** {@code connection} is the writer's own (autocommit is switched off); {@code initialGtid} is the position before any transfer. */
    public TransferWriter(Connection connection, int accounts) throws SQLException {
        this.connection = connection;
        this.accounts = accounts;
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos")) {
            rs.next();
            gtidBySeq.put(0L, rs.getString(1));
        }
        connection.commit();
    }

    /** Commits one transfer and returns its sequence number. */
    public synchronized long transferOnce() throws SQLException {
        int from = 1 + random.nextInt(accounts);
        int to = 1 + random.nextInt(accounts);
        long amount = 1 + random.nextInt(100);
        boolean toSavings = random.nextBoolean();
        String debit = toSavings ? "checking" : "savings";
        String credit = toSavings ? "savings" : "checking";
        long seq;
        try (PreparedStatement d = connection.prepareStatement("UPDATE " + debit + " SET balance = balance - ? WHERE id = ?");
             PreparedStatement c = connection.prepareStatement("UPDATE " + credit + " SET balance = balance + ? WHERE id = ?");
             PreparedStatement log = connection.prepareStatement("INSERT INTO transfers (amount) VALUES (?)",
                     Statement.RETURN_GENERATED_KEYS)) {
            d.setLong(1, amount);
            d.setInt(2, from);
            d.executeUpdate();
            c.setLong(1, amount);
            c.setInt(2, to);
            c.executeUpdate();
            log.setLong(1, amount);
            log.executeUpdate();
            try (ResultSet keys = log.getGeneratedKeys()) {
                keys.next();
                seq = keys.getLong(1);
            }
            connection.commit();
            lastCommitted.accumulateAndGet(seq, Math::max);
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT @@last_gtid")) {
            rs.next();
            gtidBySeq.put(seq, rs.getString(1));
        }
        connection.commit();
        commits.incrementAndGet();
        return seq;
    }

    /** Runs transfers back to back on a daemon thread until {@link #close()}. */
    public TransferWriter start() {
        running.set(true);
        thread = new Thread(() -> {
            while (running.get()) {
                try {
                    transferOnce();
                } catch (SQLException | RuntimeException e) {
                    if (running.get()) {
                        failure.compareAndSet(null, e);
                        running.set(false);
                    }
                }
            }
        }, "transfer-writer");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    public long commits() {
        return commits.get();
    }

    /** The sequence number of the last transfer known to be committed (set right after its COMMIT returned). */
    public long lastCommitted() {
        return lastCommitted.get();
    }

    /**
     * The GTID position after transfer {@code seq} committed, for a single-domain, single-server log:
     * what a snapshot that saw transfers 1..seq must report.
     */
    public String gtidAfter(long seq) {
        String g = gtidBySeq.get(seq);
        if (g == null) {
            throw new IllegalStateException("no GTID recorded for transfer " + seq + " (known: " + gtidBySeq.size() + ")");
        }
        return g;
    }

    /** Stops the thread (if started) and rethrows what made it fail, if anything. */
    @Override
    public void close() throws SQLException {
        running.set(false);
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            connection.close();
        } finally {
            Throwable f = failure.get();
            if (f != null) {
                throw new SQLException("the transfer writer failed", f);
            }
        }
    }
}
