package dev.backupguard.legacy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The data a consistency test backs up: money in two tables, {@code checking} and {@code savings}, moved between them
 * by short transactions that also log each transfer in {@code transfers}. At every commit the sum over both tables is
 * {@link #total()}; a dump that reads the two tables at different moments sees another sum, as soon as a transfer
 * commits in between.
 */
public final class Bank {

    /** The tables a backup job dumps, in the order it dumps them. */
    public static final List<String> TABLES = List.of("checking", "savings", "transfers");

    private final int accounts;
    private final long initialBalance;

    private Bank(int accounts, long initialBalance) {
        this.accounts = accounts;
        this.initialBalance = initialBalance;
    }

    /**
     * Creates the tables in {@code connection}'s current database (dropping old ones) and fills them. {@code myisam}
     * adds a MyISAM table {@code notes}, which no snapshot covers.
     */
    public static Bank create(Connection connection, int accounts, long initialBalance, boolean myisam)
            throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE IF EXISTS checking, savings, transfers, notes");
            s.execute("CREATE TABLE checking (id INT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB");
            s.execute("CREATE TABLE savings (id INT PRIMARY KEY, balance BIGINT NOT NULL) ENGINE=InnoDB");
            s.execute("CREATE TABLE transfers (seq BIGINT AUTO_INCREMENT PRIMARY KEY, amount BIGINT NOT NULL) "
                    + "ENGINE=InnoDB");
            if (myisam) {
                s.execute("CREATE TABLE notes (id INT PRIMARY KEY, note VARCHAR(100)) ENGINE=MyISAM");
                s.execute("INSERT INTO notes VALUES (1, 'kept outside any snapshot')");
            }
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement c = connection.prepareStatement("INSERT INTO checking VALUES (?, ?)");
             PreparedStatement v = connection.prepareStatement("INSERT INTO savings VALUES (?, ?)")) {
            for (int i = 1; i <= accounts; i++) {
                c.setInt(1, i);
                c.setLong(2, initialBalance);
                c.addBatch();
                v.setInt(1, i);
                v.setLong(2, initialBalance);
                v.addBatch();
            }
            c.executeBatch();
            v.executeBatch();
            connection.commit();
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return new Bank(accounts, initialBalance);
    }

    public int accounts() {
        return accounts;
    }

    /** The sum over checking and savings at every commit. */
    public long total() {
        return 2L * accounts * initialBalance;
    }

    /** The sum of a dump's checking and savings rows (column 2 is the balance). */
    public static long sum(Dump dump) {
        long sum = 0;
        for (String t : List.of("checking", "savings")) {
            for (List<Object> row : dump.rows(t)) {
                sum += ((Number) row.get(1)).longValue();
            }
        }
        return sum;
    }

    /** Whether a dump's two balance tables are from one moment. */
    public boolean consistent(Dump dump) {
        return sum(dump) == total();
    }

    /** Reads the balances now (for tests that check nothing was written by the backup). */
    public static long sumNow(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT SUM(balance) FROM checking) + (SELECT SUM(balance) FROM savings)")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
