package dev.backupguard.protocol;

/**
 * What the server reports about this session right after a statement the guard cannot see into
 * ({@link Step.CheckServerState}); each part is null when it could not be told.
 *
 * @param globalReadLock  this session holds the global read lock
 * @param transactionOpen a transaction is open
 * @param sameSnapshot    the open transaction is still the snapshot the backup started: its binlog snapshot
 *                        coordinates are the ones captured when it started (null when there is nothing to compare)
 */
public record ObservedState(Boolean globalReadLock, Boolean transactionOpen, Boolean sameSnapshot) {
}
