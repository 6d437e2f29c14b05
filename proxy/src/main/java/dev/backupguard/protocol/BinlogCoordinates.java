package dev.backupguard.protocol;

/**
 * The binary log position that matches the snapshot.
 *
 * @param file     binlog file name
 * @param position position in that file
 * @param gtid     GTID position (MySQL Executed_Gtid_Set, MariaDB BINLOG_GTID_POS / gtid_binlog_pos), or empty
 * @param source   how the coordinates were obtained
 */
public record BinlogCoordinates(String file, long position, String gtid, Source source) {

    /** How the coordinates were read, which is also why they can be trusted. */
    public enum Source {
        /** {@code SHOW STATUS LIKE 'binlog_snapshot_%'} inside the snapshot (MariaDB, Percona): no lock needed. */
        SNAPSHOT_STATUS,
        /** SHOW MASTER STATUS / SHOW BINARY LOG STATUS under the global read lock, after the snapshot started. */
        LOCKED_BINLOG_STATUS
    }

    public BinlogCoordinates {
        gtid = gtid == null ? "" : gtid;
    }
}
