package dev.backupguard.telemetry.jmx;

/**
 * backup-guard's counters, registered as {@value BackupGuardStats#OBJECT_NAME} in the platform MBean server. Counts
 * are since the JVM started (or the MXBean was registered); durations are microseconds. Lock counters are about the
 * global read lock (FLUSH TABLES WITH READ LOCK) unless named otherwise.
 */
public interface BackupGuardMXBean {

    /** Backup sessions that ended (connection closed, or ordinary work followed). */
    long getSessions();

    long getConsistentSessions();

    long getInconsistentSessions();

    /** Statements corrected in enforce mode. */
    long getCorrections();

    /** Statements refused (block mode, or unsafe in every mode). */
    long getRefusals();

    /** Violations of a rule in what reached the server (audit mode sees these). */
    long getViolations();

    long getGlobalLockAcquisitions();

    long getGlobalLockWaitTotalMicros();

    long getGlobalLockWaitMaxMicros();

    long getGlobalLockHoldTotalMicros();

    long getGlobalLockHoldMaxMicros();

    /** Longest LOCK TABLES hold. */
    long getTableLockHoldMaxMicros();

    /** Longest hold of the DDL-only backup lock (LOCK INSTANCE FOR BACKUP, BACKUP STAGE). */
    long getBackupLockHoldMaxMicros();

    long getMetadataLockHoldMaxMicros();

    long getSnapshotAgeMaxMicros();

    long getTablesRead();

    long getRowsRead();

    /** FTWRL attempts the lock guard cancelled (KILL QUERY) because they waited past backupguard.lock.wait-ms. */
    long getLockWaitsCancelled();

    /** Long queries the lock guard killed (backupguard.lock.kill-long-queries). */
    long getQueriesKilled();

    /** Global-lock holds past backupguard.lock.hold-ms. */
    long getLockHoldExceeded();

    /** Backup connections the server closed before their session ended (KILL, a restart, a network failure). */
    long getConnectionsLost();

    /** The most other sessions seen waiting on a backup's lock when it was released. */
    long getCollateralWaitingMax();

    /** The longest wait among them. */
    long getCollateralLongestWaitMaxMicros();

    /** Events the JSON trace writers dropped because their queue was full (backupguard.trace.queue). */
    long getTraceEventsDropped();

    /**
     * The mode connections guarded from now on use: {@code enforce}, {@code block} or {@code audit} when switched at
     * run time, {@code configured} when each connection uses its settings ({@code backupguard.mode}).
     */
    String getMode();

    /**
     * Switches the mode of connections guarded after the call ({@code enforce}, {@code block}, {@code audit}), or
     * back to their settings ({@code configured}). Connections already open keep theirs.
     */
    void setMode(String mode);

    /** The same as setting the Mode attribute, as an operation; returns the mode before the switch. */
    String switchMode(String mode);

    /** The summary of the last backup session that ended, or null. */
    SessionSummaryInfo getLastSessionSummary();

    /** The same summary as its log line. */
    String getLastSessionSummaryLine();
}
