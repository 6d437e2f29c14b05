package dev.backupguard.agent;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Whether the application carries its own copy of the library, and whether that copy guards a connection already
 * (for example a pool whose jdbcUrl is {@code jdbc:backupguard:...}): then the agent leaves the connection alone.
 * The agent learns of the copy when it instruments the copy's {@code BackupGuard}.
 */
final class LibraryPresence {

    private static volatile ClassLoader libraryLoader;

    private LibraryPresence() {
    }

    static void seen(ClassLoader loader) {
        libraryLoader = loader;
    }

    static boolean guardedByLibrary(Connection c) throws SQLException {
        ClassLoader loader = libraryLoader;
        if (loader == null) {
            return false;
        }
        if (c.getClass().getName().equals(LibraryNames.GUARDED_CONNECTION)) {
            return true;
        }
        try {
            return c.isWrapperFor(Class.forName(LibraryNames.GUARDED_CONNECTION, false, loader));
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
