package dev.backupguard.agent;

/**
 * Names of the backup-guard library as an application may carry it itself (unshaded, {@code dev.backupguard.jdbc}).
 * They are assembled at run time on purpose: the shade plugin rewrites every string constant that starts with a
 * relocated package, so a literal {@code "dev.backupguard.jdbc.BackupGuard"} would end up naming the agent's own
 * shaded copy instead of the application's.
 */
final class LibraryNames {

    private static final String JDBC = String.join(".", "dev", "backupguard", "jdbc");
    private static final String LOCK = String.join(".", "dev", "backupguard", "lock");

    /** The library's entry point; its {@code isGuarded} learns about the agent's guard. */
    static final String BACKUP_GUARD = JDBC + ".BackupGuard";
    static final String GUARDED_CONNECTION = JDBC + ".GuardedConnection";
    /** Frames of these packages open connections for the library (its driver, data source, lock guard). */
    static final String JDBC_PACKAGE = JDBC + ".";
    static final String LOCK_PACKAGE = LOCK + ".";
    /** Everything of the library: never instrumented as "any driver". */
    static final String ANY = String.join(".", "dev", "backupguard", "");

    private LibraryNames() {
    }
}
