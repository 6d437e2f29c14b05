package dev.backupguard.protocol;

import java.util.Locale;

/** What the guard was attached to; decides how eagerly a connection is taken for a backup session. */
public enum Role {
    /**
     * Attached to a backup program: a connection becomes a backup session at its first data read (or any backup
     * statement), so the snapshot is in place before the first table is read.
     */
    BACKUP_JOB,
    /**
     * Attached to an application: only unmistakable backup statements (FTWRL, LOCK TABLES READ over several tables,
     * START TRANSACTION WITH CONSISTENT SNAPSHOT, binlog status reads, BACKUP STAGE, LOCK INSTANCE FOR BACKUP) or an
     * explicit marker make a backup session; ordinary traffic is never taken for one.
     */
    GUARDRAIL;

    public static Role parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
