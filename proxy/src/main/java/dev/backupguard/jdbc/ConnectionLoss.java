package dev.backupguard.jdbc;

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
