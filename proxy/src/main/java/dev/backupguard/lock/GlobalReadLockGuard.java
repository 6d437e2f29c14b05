package dev.backupguard.lock;

import java.sql.SQLException;

/**
 * Takes the global read lock (FLUSH TABLES WITH READ LOCK) safely: whoever sends the FTWRL, the job or the guard,
 * sends it through here. Implementations check for long queries first, bound the wait and retry; the plain
 * {@link #DIRECT} one just sends it. {@link GlobalReadLock} is the default.
 */
public interface GlobalReadLockGuard {

    /** Sends one FTWRL attempt; may be called again for a retry. */
    @FunctionalInterface
    interface Attempt<T> {
        T send() throws SQLException;
    }

    <T> T acquire(LockRequest request, Attempt<T> ftwrl) throws SQLException;

    /**
     * Sends the {@code FLUSH TABLES} of a backup session (the one right before FTWRL in the mysqldump sequence). On
     * MySQL it waits for running SELECTs to close their tables while new statements on them queue ("Waiting for
     * table flush"), so it needs the same checks as the lock, without the hold.
     */
    default <T> T flush(LockRequest request, Attempt<T> flush) throws SQLException {
        return flush.send();
    }

    /**
     * The global read lock is about to be released (UNLOCK TABLES is sent next): the last moment other sessions'
     * waits on it can be seen.
     */
    default void releasing(LockRequest request) {
    }

    /** The lock was released (UNLOCK TABLES sent, or the connection is going away). */
    default void released(LockRequest request) {
    }

    /**
     * The server reports that the backup connection holds the global read lock, taken by a statement the guard could
     * not see into (a CALL, a compound statement): guard it from now on as if it had been taken here.
     */
    default void adopted(LockRequest request) {
    }

    /** Sends the FTWRL with no checks: for tests of the protocol path alone. */
    GlobalReadLockGuard DIRECT = new GlobalReadLockGuard() {
        @Override
        public <T> T acquire(LockRequest request, Attempt<T> ftwrl) throws SQLException {
            return ftwrl.send();
        }
    };
}
