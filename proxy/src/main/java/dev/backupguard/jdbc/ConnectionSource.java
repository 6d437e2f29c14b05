package dev.backupguard.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens a short-lived side connection with the same credentials as a guarded one, for the lock guard's
 * processlist probe and KILL QUERY: never the backup connection, which may be mid-stream or waiting on the lock.
 */
@FunctionalInterface
public interface ConnectionSource {

    Connection open() throws SQLException;

    /** No side connection available (the lock guard then says so and falls back to what it can do alone). */
    ConnectionSource NONE = () -> {
        throw new SQLException("backup-guard has no way to open a side connection here", "08001");
    };
}
