package dev.backupguard.agentit.apps;

import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.jdbc.BackupGuardDataSource;
import dev.backupguard.jdbc.ConnectionSource;
import dev.backupguard.jdbc.BackupGuardDriver;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** An application that carries the backup-guard library itself, and is run with the agent as well. */
final class LibraryConnections {

    private LibraryConnections() {
    }

    static String url(String plain) {
        return BackupGuardDriver.PREFIX + plain.substring("jdbc:".length());
    }

    static Connection viaUrl(String plain, String user, String password) throws SQLException {
        return DriverManager.getConnection(url(plain), user, password);
    }

    static Connection dataSource(DataSource target) throws SQLException {
        return new BackupGuardDataSource(target).getConnection();
    }

    static Connection wrap(Connection raw) throws SQLException {
        return BackupGuard.wrap(raw, new java.util.Properties(), ConnectionSource.NONE);
    }
}
