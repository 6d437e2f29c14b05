package dev.backupguard.protocol;

import java.util.Locale;

/**
 * How the consistent snapshot is started and its binlog coordinates obtained. {@link #AUTO} picks the cheapest safe
 * way from the server's facts; the others force one, so every path can be tested on one server.
 */
public enum SnapshotWay {
    /** Binary log off: no coordinates exist, so no global lock is needed (never a setting: AUTO picks it). */
    NO_COORDINATES,
    /**
     * The snapshot reports its own coordinates (MariaDB, Percona Server: {@code Binlog_snapshot_file/_position}
     * inside the transaction, as mariadb-dump reads them): no global lock at all.
     */
    SNAPSHOT_STATUS,
    /** The short global-lock window of mysqldump: FLUSH TABLES, FTWRL, RR, START ... WITH CONSISTENT SNAPSHOT, coordinates, UNLOCK. */
    GLOBAL_LOCK,
    /** Pick from the facts. */
    AUTO;

    public static SnapshotWay parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
