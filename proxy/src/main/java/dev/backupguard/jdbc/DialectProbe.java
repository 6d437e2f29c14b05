package dev.backupguard.jdbc;

import dev.backupguard.classify.Dialect;
import dev.backupguard.classify.SessionText;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The server facts that decide how a connection's text reads ({@link Dialect}): the version without a round trip,
 * the session's sql_mode only when a text's meaning depends on it.
 */
final class DialectProbe {

    private DialectProbe() {
    }

    /**
     * The server's version as the driver received it in the handshake: both Connector/Js answer
     * {@code DatabaseMetaData.getDatabaseProductVersion()} without a query (docs/server-facts.md, fact 10). The
     * sql_mode is not known yet; a driver that cannot say leaves the version unknown too.
     */
    static Dialect atConnect(Connection raw) {
        try {
            DatabaseMetaData md = raw.getMetaData();
            return md == null ? Dialect.UNKNOWN : Dialect.ofServer(md.getDatabaseProductVersion());
        } catch (SQLException | RuntimeException e) {
            return Dialect.UNKNOWN;
        }
    }

    /** One query, marked as the guard's own: the server's version and the session's sql_mode. */
    static void learn(Connection raw, SessionText text) throws SQLException {
        try (Statement s = raw.createStatement();
             ResultSet rs = s.executeQuery(ServerFactsProbe.MARK + "SELECT VERSION(), @@SESSION.sql_mode")) {
            if (rs.next()) {
                text.learned(rs.getString(1), rs.getString(2));
            }
        }
    }
}
