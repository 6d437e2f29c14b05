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
     * The global read lock is about to be released (UNLOCK TABLES is sent next): the last moment other sessions'
     * waits on it can be seen.
     */
    default void releasing(LockRequest request) {
    }

    /** The lock was released (UNLOCK TABLES sent, or the connection is going away). */
    default void released(LockRequest request) {
    }

    /** Sends the FTWRL with no checks: for tests of the protocol path alone. */
    GlobalReadLockGuard DIRECT = new GlobalReadLockGuard() {
        @Override
        public <T> T acquire(LockRequest request, Attempt<T> ftwrl) throws SQLException {
            return ftwrl.send();
        }
    };
}
