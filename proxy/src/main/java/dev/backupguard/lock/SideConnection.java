package dev.backupguard.lock;

import dev.backupguard.protocol.ServerFacts;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The lock guard's own connection, with the backup's credentials: it reads the processlist and sends KILL QUERY,
 * never on the backup connection (which is blocked in the FTWRL, or mid-stream). It is opened before the FTWRL is
 * sent and kept until the lock is released, because a new login can itself hang while an FTWRL waits (seeds 004) and
 * because the release-time look at the waiters must cost one round trip, not a login.
 *
 * <p>Used by the backup thread (preflight, release) and by the watchdog thread (cancel, hold limit); the methods are
 * synchronized so the two never share the JDBC connection at once.
 */
final class SideConnection implements AutoCloseable {

    /** Marks the guard's statements in the general log and the processlist. */
    static final String MARK = dev.backupguard.jdbc.BackupGuard.LOCK_GUARD_MARK + " ";
    /** A side query that takes longer than this means the server is in trouble: give up rather than hang. */
    private static final int NETWORK_TIMEOUT_MS = 15_000;

    private final Connection connection;
    private final boolean mariadb;
    private final long id;
    private final String user;
    private volatile boolean seesOthers;

    private SideConnection(Connection connection, boolean mariadb, long id, String user, boolean seesOthers) {
        this.connection = connection;
        this.mariadb = mariadb;
        this.id = id;
        this.user = user;
        this.seesOthers = seesOthers;
    }

    /**
     * Opens the side connection and learns its thread id, its account and whether it holds PROCESS (without it the
     * processlist shows only the account's own threads). USER_PRIVILEGES does not list privileges that come through
     * a role, so seeing another account's thread later also counts as having it.
     */
    static SideConnection open(LockRequest request) throws SQLException {
        Connection c = request.side().open();
        try {
            try {
                c.setNetworkTimeout(Runnable::run, NETWORK_TIMEOUT_MS);
            } catch (SQLFeatureNotSupportedException ignored) {
                // the driver has no socket timeout: the side queries are short anyway
            }
            boolean mariadb = request.facts() != null && request.facts().flavor() == ServerFacts.Flavor.MARIADB;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(MARK
                    + "SELECT CONNECTION_ID(), CURRENT_USER(), (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES"
                    + " WHERE PRIVILEGE_TYPE = 'PROCESS' AND GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(),"
                    + " '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), ''''))")) {
                rs.next();
                return new SideConnection(c, mariadb, rs.getLong(1), rs.getString(2), rs.getLong(3) > 0);
            }
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    long id() {
        return id;
    }

    /** The account, as {@code CURRENT_USER()} gives it ({@code app@%}). */
    String user() {
        return user;
    }

    /** Whether the processlist shows other accounts' threads (the PROCESS privilege). */
    boolean seesOthers() {
        return seesOthers;
    }

    /**
     * Every thread but idle ones and this one. MariaDB gives {@code TIME_MS} (fractional milliseconds) and
     * {@code QUERY_ID}; MySQL only whole seconds.
     */
    synchronized List<ProcessRow> processlist() throws SQLException {
        String sql = MARK + "SELECT ID, USER, HOST, DB, COMMAND, " + (mariadb ? "TIME_MS" : "TIME * 1000")
                + ", STATE, INFO, " + (mariadb ? "QUERY_ID" : "0") + " FROM information_schema.PROCESSLIST"
                + " WHERE COMMAND <> 'Sleep' AND ID <> CONNECTION_ID()";
        List<ProcessRow> rows = new ArrayList<>();
        String self = user == null ? "" : user.lastIndexOf('@') < 0 ? user : user.substring(0, user.lastIndexOf('@'));
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                ProcessRow r = new ProcessRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), (long) rs.getDouble(6), rs.getString(7), rs.getString(8), rs.getLong(9));
                rows.add(r);
                if (!seesOthers && r.user() != null && !r.user().equals(self)) {
                    seesOthers = true;
                }
            }
        }
        return rows;
    }

    /** Thread {@code id}, idle or not, or null when it does not exist: one row, for the watchdog's quick look. */
    synchronized ProcessRow thread(long threadId) throws SQLException {
        String sql = MARK + "SELECT ID, USER, HOST, DB, COMMAND, " + (mariadb ? "TIME_MS" : "TIME * 1000")
                + ", STATE, INFO, " + (mariadb ? "QUERY_ID" : "0") + " FROM information_schema.PROCESSLIST"
                + " WHERE ID = " + threadId;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? new ProcessRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), (long) rs.getDouble(6), rs.getString(7), rs.getString(8), rs.getLong(9)) : null;
        }
    }

    /** Whether thread {@code id} still exists (idle or not): a lock dies with its connection. */
    synchronized boolean exists(long threadId) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(MARK
                + "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + threadId)) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /**
     * Interrupts the statement a thread runs, never the connection. On MariaDB by query id ({@code KILL QUERY ID}),
     * which cannot hit a statement the thread starts after the one that was seen; elsewhere by thread id.
     */
    synchronized void killQuery(ProcessRow row) throws SQLException {
        String sql = MARK + (mariadb && row.queryId() > 0 ? "KILL QUERY ID " + row.queryId() : "KILL QUERY " + row.id());
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // the server may already have dropped it: nothing is held on a side connection
        }
    }
}
