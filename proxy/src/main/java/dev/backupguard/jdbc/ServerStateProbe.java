package dev.backupguard.jdbc;

import dev.backupguard.classify.TableName;
import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.ObservedState;
import dev.backupguard.protocol.ServerFacts;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Asks the server, right after a statement backup-guard cannot see into, whether this session holds the global read
 * lock and whether the backup's snapshot is still open (docs/server-facts.md, fact 11). Only backup sessions ask, and
 * only after such a statement: two queries marked as the guard's own, a third when the session has read no table yet.
 *
 * <p><b>The lock.</b> Nothing a session can read tells whether it holds the global read lock on MariaDB:
 * {@code @@GLOBAL.read_only} does not change, {@code information_schema.METADATA_LOCK_INFO} is a plugin that is usually
 * absent (its library is not even shipped with the test server), and {@code performance_schema} is off by default.
 * What does tell is a write: the session holding FLUSH TABLES WITH READ LOCK is refused at once with error 1223
 * (ER_CANT_UPDATE_WITH_READLOCK) when it opens a table for writing, before privileges on the columns or the row are
 * looked at. The check is a multi-table UPDATE of a table the session may read, naming a column no table has: it needs
 * no write privilege, never changes a row (it fails with 1054 where no lock is held, and its WHERE is FALSE), and does
 * not wait behind another session's lock (MariaDB: {@code SET STATEMENT lock_wait_timeout = 0 FOR}, error 1205 at once;
 * MySQL: the {@code SET_VAR(lock_wait_timeout = 1)} hint, one second at most, "Server System Variables":
 * lock_wait_timeout accepts the hint, minimum 1).
 *
 * <p><b>The snapshot.</b> MariaDB: {@code @@in_transaction}, and inside the transaction the session's
 * {@code binlog_snapshot_file/_position}, which stay frozen for a WITH CONSISTENT SNAPSHOT transaction: equal to the
 * coordinates captured at its start, it is still the backup's snapshot; different, a statement ended it and started
 * another. MySQL has no such variable: {@code information_schema.INNODB_TRX} lists the session's transaction (MySQL
 * 8.4 manual, "The INFORMATION_SCHEMA INNODB_TRX Table": every transaction executing inside InnoDB; PROCESS privilege).
 * Whatever cannot be read is unknown (null), and the protocol takes it at its worst.
 */
final class ServerStateProbe {

    /** A column no table has: the lock check fails before it could change anything. */
    static final String NO_SUCH_COLUMN = "backup_guard_no_such_column";
    static final int ER_CANT_UPDATE_WITH_READLOCK = 1223;
    static final int ER_BAD_FIELD_ERROR = 1054;
    static final int ER_LOCK_WAIT_TIMEOUT = 1205;

    private static final String MARK = ServerFactsProbe.MARK;

    private ServerStateProbe() {
    }

    /**
     * @param table    a table the session read (it may read it), or null to pick any base table it can see
     * @param snapshot the coordinates captured when the backup's snapshot started, or null
     */
    static ObservedState check(Connection raw, ServerFacts facts, TableName table, BinlogCoordinates snapshot) {
        boolean mariadb = facts.flavor() == ServerFacts.Flavor.MARIADB;
        Boolean transactionOpen = null;
        Boolean sameSnapshot = null;
        try (Statement s = raw.createStatement(); ResultSet rs = s.executeQuery(transactionQuery(mariadb))) {
            if (rs.next()) {
                transactionOpen = rs.getLong(1) > 0;
                if (mariadb && transactionOpen && snapshot != null && snapshot.file() != null) {
                    String file = rs.getString(2);
                    String position = rs.getString(3);
                    sameSnapshot = snapshot.file().equals(file) && String.valueOf(snapshot.position()).equals(position);
                }
            }
        } catch (SQLException e) {
            transactionOpen = null; // MySQL without PROCESS: unknown
        }
        return new ObservedState(globalReadLock(raw, mariadb, table), transactionOpen, sameSnapshot);
    }

    static String transactionQuery(boolean mariadb) {
        return MARK + (mariadb ? "SELECT @@in_transaction, (SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
                + "WHERE VARIABLE_NAME = 'BINLOG_SNAPSHOT_FILE'), (SELECT VARIABLE_VALUE FROM "
                + "information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'BINLOG_SNAPSHOT_POSITION')"
                : "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID()");
    }

    private static Boolean globalReadLock(Connection raw, boolean mariadb, TableName table) {
        try (Statement s = raw.createStatement()) {
            TableName t = table != null ? table : anyTable(s);
            if (t == null) {
                return null;
            }
            s.executeUpdate(lockQuery(mariadb, t));
            return Boolean.FALSE; // cannot happen (no table has the column); had it, the update changed no row
        } catch (SQLException e) {
            return lockHeld(e.getErrorCode());
        }
    }

    /** The lock check's answer from its error: 1223 held by this session; 1054 not held; 1205 held by another. */
    static Boolean lockHeld(int vendorCode) {
        return switch (vendorCode) {
            case ER_CANT_UPDATE_WITH_READLOCK -> Boolean.TRUE;
            case ER_BAD_FIELD_ERROR, ER_LOCK_WAIT_TIMEOUT -> Boolean.FALSE;
            default -> null; // no privilege on the table, a READ ONLY transaction (1792), the table gone: unknown
        };
    }

    static String lockQuery(boolean mariadb, TableName t) {
        String table = (t.schema() == null ? "" : quote(t.schema()) + ".") + quote(t.table());
        String update = "UPDATE " + (mariadb ? "" : "/*+ SET_VAR(lock_wait_timeout = 1) */ ") + table + " AS a, "
                + table + " AS b SET a." + NO_SUCH_COLUMN + " = 0 WHERE FALSE";
        return MARK + (mariadb ? "SET STATEMENT lock_wait_timeout = 0 FOR " + update : update);
    }

    /** A base table this session can see (the information schema shows only tables it has a privilege on). */
    private static TableName anyTable(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery(MARK + "SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES "
                + "WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ('mysql', 'information_schema', "
                + "'performance_schema', 'sys') ORDER BY TABLE_SCHEMA = DATABASE() DESC LIMIT 1")) {
            return rs.next() ? new TableName(rs.getString(1), rs.getString(2)) : null;
        }
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
