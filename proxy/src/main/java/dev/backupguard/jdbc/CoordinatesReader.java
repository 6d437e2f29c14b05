package dev.backupguard.jdbc;

import dev.backupguard.classify.Statement;
import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.CoordinatesQueries;
import dev.backupguard.protocol.ServerFacts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/** Reads the binlog coordinates the way the protocol chose, on the backup connection. */
final class CoordinatesReader {

    /** Runs one statement of the guard's on the backup connection and reports it to the protocol. */
    interface Runner {
        ResultSet query(Statement st) throws SQLException;
    }

    private CoordinatesReader() {
    }

    /**
     * MariaDB has no GTID position for the snapshot's coordinates ({@code BINLOG_GTID_POS} is NULL): they are no
     * position of that file. A binlog rotation while a commit was between the binary log and InnoDB leaves
     * Binlog_snapshot_file naming the new file and Binlog_snapshot_position an offset of the old one until the next
     * commit (docs/server-facts.md, fact 14); such coordinates are never taken as the snapshot's.
     */
    static final class NotAPosition extends SQLException {
        private static final long serialVersionUID = 1L;

        NotAPosition(String file, long position) {
            super("MariaDB reported the snapshot's binlog coordinates as " + file + ":" + position + ", which is no "
                    + "position of that file (BINLOG_GTID_POS is NULL): the binary log was rotated while a commit was "
                    + "under way, and until the next commit MariaDB pairs the new file with an offset of the old one "
                    + "(docs/server-facts.md, fact 14)", "25000");
        }
    }

    static BinlogCoordinates read(BinlogCoordinates.Source source, ServerFacts facts, Runner run) throws SQLException {
        String file = null;
        long position = -1;
        String gtid = "";
        if (source == BinlogCoordinates.Source.SNAPSHOT_STATUS) {
            // Inside the snapshot, MariaDB and Percona report the binlog position of the snapshot itself.
            try (ResultSet rs = run.query(CoordinatesQueries.SNAPSHOT_STATUS)) {
                while (rs.next()) {
                    String name = rs.getString(1).toLowerCase(Locale.ROOT);
                    String value = rs.getString(2);
                    switch (name) {
                        case "binlog_snapshot_file" -> file = value;
                        case "binlog_snapshot_position" -> position = parse(value);
                        case "binlog_snapshot_gtid_executed" -> gtid = value == null ? "" : value;
                        default -> {
                        }
                    }
                }
            }
            check(file, position, "SHOW STATUS LIKE 'binlog_snapshot_%'");
            Statement gtidQuery = CoordinatesQueries.binlogGtidPos(facts, file, position);
            if (gtidQuery != null) {
                try (ResultSet rs = run.query(gtidQuery)) {
                    gtid = rs.next() ? rs.getString(1) : null;
                }
                if (gtid == null) {
                    throw new NotAPosition(file, position);
                }
            }
        } else {
            var queries = CoordinatesQueries.locked(facts);
            try (ResultSet rs = run.query(queries.get(0))) {
                if (rs.next()) {
                    file = rs.getString("File");
                    position = rs.getLong("Position");
                    if (hasColumn(rs, "Executed_Gtid_Set")) {
                        String g = rs.getString("Executed_Gtid_Set");
                        gtid = g == null ? "" : g.replace("\n", "");
                    }
                }
            }
            check(file, position, queries.get(0).sql());
        }
        return new BinlogCoordinates(file, position, gtid, source);
    }

    /**
     * The GTID position of coordinates read under the lock, derived once the lock is gone (MariaDB: exact for the
     * position read). Returns them unchanged where there is nothing to derive.
     */
    static BinlogCoordinates complete(BinlogCoordinates c, ServerFacts facts, Runner run) throws SQLException {
        if (!needsCompletion(c, facts)) {
            return c;
        }
        try (ResultSet rs = run.query(CoordinatesQueries.binlogGtidPos(facts, c.file(), c.position()))) {
            String gtid = rs.next() && rs.getString(1) != null ? rs.getString(1) : "";
            return new BinlogCoordinates(c.file(), c.position(), gtid, c.source());
        }
    }

    /** Whether {@link #complete} has a GTID position to derive for these coordinates. */
    static boolean needsCompletion(BinlogCoordinates c, ServerFacts facts) {
        return c != null && c.gtid().isEmpty() && c.source() == BinlogCoordinates.Source.LOCKED_BINLOG_STATUS
                && CoordinatesQueries.binlogGtidPos(facts, c.file(), c.position()) != null;
    }

    private static void check(String file, long position, String query) throws SQLException {
        if (file == null || file.isEmpty() || position < 0) {
            throw new SQLException("backup-guard could not read the binlog coordinates: " + query
                    + " returned no position (is binary logging on, and does the user have the REPLICATION CLIENT "
                    + "or BINLOG MONITOR privilege?)", "HY000");
        }
    }

    private static long parse(String v) throws SQLException {
        try {
            return Long.parseLong(v.trim());
        } catch (RuntimeException e) {
            throw new SQLException("backup-guard read a binlog position that is not a number: '" + v + "'", "HY000", e);
        }
    }

    private static boolean hasColumn(ResultSet rs, String label) throws SQLException {
        var md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            if (md.getColumnLabel(i).equalsIgnoreCase(label)) {
                return true;
            }
        }
        return false;
    }
}
