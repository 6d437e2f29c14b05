package dev.backupguard.jdbc;

import dev.backupguard.classify.Kind;
import dev.backupguard.classify.Statement;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;

/**
 * Whether a driver's exception means that the connection to the server is gone (the server closed it: KILL, a
 * restart, a network failure), as opposed to a statement the server refused. JDBC says it two ways, and both
 * drivers use them: SQLState class 08, "connection exception" (java.sql.SQLException, JDBC 4.3 section 8.5.1), and
 * the types {@link SQLNonTransientConnectionException} and {@link SQLRecoverableException}.
 *
 * <p>What they throw after the server killed the connection, observed on MariaDB 11.4 ({@code ConnectionLostIT}):
 * MariaDB Connector/J 3.5 a SQLNonTransientConnectionException, 08000 ("Socket error" at the first call, "Connection
 * is closed" afterwards); MySQL Connector/J 9 a CommunicationsException (a SQLRecoverableException), 08S01
 * ("Communications link failure"; 08007 for a ROLLBACK), then SQLNonTransientConnectionException 08003 ("No
 * operations allowed after connection closed."). The lock guard's own KILL QUERY of a waiting FTWRL (error 1317,
 * SQLState 70100) is not a connection exception: the connection lives on.
 */
final class ConnectionLoss {

    private ConnectionLoss() {
    }

    /**
     * Whether the driver knows its connection is dead. Both drivers mark a connection whose call failed so as closed
     * (no round trip); otherwise one ping ({@code isValid}), and only a ping that failed and made the driver close
     * the connection counts (as both drivers do). No ping while a result set is open: Connector/J cannot ping under
     * a streaming result set, and aborts the connection when it tries.
     */
    static boolean dead(Connection driver, boolean resultSetOpen) {
        try {
            return driver.isClosed() || (!resultSetOpen && !driver.isValid(0) && driver.isClosed());
        } catch (SQLException e) {
            return is(e);
        }
    }

    /** The job's calls that end the transaction, which the guard absorbs inside a snapshot. */
    static boolean endsTransaction(Statement st) {
        return st.kind() == Kind.COMMIT || st.kind() == Kind.ROLLBACK
                || (st.kind() == Kind.SET_AUTOCOMMIT && st.isAutocommitOn());
    }

    /** The connection-lost verdict's words: why it is known, and what the server dropped with the session. */
    static String detail(SQLException cause, boolean globalLock, boolean snapshot) {
        String held = globalLock && snapshot ? "the global read lock held and the snapshot open"
                : globalLock ? "the global read lock held" : snapshot ? "the snapshot open" : "the backup under way";
        return "the server closed the connection"
                + (cause == null ? " (the driver reports it closed)" : " (SQLState " + cause.getSQLState() + ")")
                + " with " + held + ": the backup session did not finish";
    }

    /** Whether {@code e}, or an SQLException it was caused by, says the connection is gone. */
    static boolean is(SQLException e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t instanceof SQLNonTransientConnectionException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }
}
