package dev.backupguard.bench;

import dev.backupguard.config.Settings;
import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.jdbc.GuardedConnection;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Opens the connections the end-to-end benchmarks compare: the raw driver, or the same driver under backup-guard with
 * the given {@code backupguard.*} settings (as {@code root}, whose connections may take the global read lock and set
 * {@code sql_log_bin}).
 */
final class JobConnections {

    private final MariaDbServer server;
    private final String database;

    JobConnections(MariaDbServer server, String database) {
        this.server = server;
        this.database = database;
    }

    Connection raw(JdbcDriver driver) throws SQLException {
        return boundLockWaits(server.connect(driver, database));
    }

    /** The driver's connection as the unprivileged application user, unguarded. */
    Connection rawAsApp(JdbcDriver driver) throws SQLException {
        return boundLockWaits(server.connectAsApp(driver, database));
    }

    private static Connection boundLockWaits(Connection c) throws SQLException {
        // A benchmark must never hang on a lock: bound every metadata-lock wait (FTWRL, writes behind it).
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION lock_wait_timeout = 120");
        }
        return c;
    }

    /** The driver's connection under backup-guard; {@code settings} are {@code backupguard.*} keys (prefix optional). */
    Connection guarded(JdbcDriver driver, Map<String, String> settings) throws SQLException {
        Connection raw = raw(driver);
        return BackupGuard.wrap(raw, Settings.from(settings), () -> server.connect(driver, database), MariaDbServer.ROOT_USER,
                false);
    }

    /**
     * The driver's connection as the unprivileged application user, under backup-guard: no BINLOG ADMIN, so the guard
     * cannot set {@code sql_log_bin = 0} and ROLLBACK TO SAVEPOINT does not release metadata locks (server fact 3d).
     */
    Connection guardedAsApp(JdbcDriver driver, Map<String, String> settings) throws SQLException {
        Connection raw = server.connectAsApp(driver, database);
        return BackupGuard.wrap(raw, Settings.from(settings), () -> server.connectAsApp(driver, database),
                MariaDbServer.APP_USER, false);
    }

    static GuardedConnection guardOf(Connection c) throws SQLException {
        return c.unwrap(GuardedConnection.class);
    }
}
