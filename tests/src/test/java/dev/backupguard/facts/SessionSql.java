package dev.backupguard.facts;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** One statement on a session, as the facts tests send them: run it, read its first value, or keep its error code. */
final class SessionSql {

    private SessionSql() {
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The first column of the first row, or null when there is no row. */
    static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Runs {@code sql}: 0 when it succeeded, else the server's error code. */
    static int errorCode(Connection c, String sql) {
        try {
            exec(c, sql);
            return 0;
        } catch (SQLException e) {
            return e.getErrorCode();
        }
    }
}
