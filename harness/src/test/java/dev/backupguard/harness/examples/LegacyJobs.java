package dev.backupguard.harness.examples;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Backup jobs as they are found in legacy Java code: the unsafe shapes of PROTOCOL.md section 3, and two safe ones.
 * Plain JDBC, no knowledge of backup-guard: the harness tests run them unchanged.
 */
public final class LegacyJobs {

    /** A backup job: dumps {@code tables} over {@code c} and returns the rows it read, with the coordinates. */
    @FunctionalInterface
    public interface Job {
        Dump run(Connection c, List<String> tables) throws SQLException;
    }

    /** What a job produced: binlog coordinates (or null) and every row it read, table by table. */
    public record Dump(String binlogFile, long binlogPosition, List<List<String>> rows) {
    }

    private LegacyJobs() {
    }

    /** Reads the coordinates, then every table with autocommit on: each SELECT sees its own moment. */
    public static Dump autocommitLoop(Connection c, List<String> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            String[] coordinates = masterStatus(s);
            return new Dump(coordinates[0], Long.parseLong(coordinates[1]), readAll(s, tables));
        }
    }

    /** FTWRL, coordinates, UNLOCK TABLES, and only then the snapshot: coordinates and data differ. */
    public static Dump unlockBeforeSnapshot(Connection c, List<String> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("FLUSH TABLES WITH READ LOCK");
            String[] coordinates = masterStatus(s);
            s.execute("UNLOCK TABLES");
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            List<List<String>> rows = readAll(s, tables);
            s.execute("COMMIT");
            return new Dump(coordinates[0], Long.parseLong(coordinates[1]), rows);
        }
    }

    /** setAutoCommit(false) (a plain transaction) under the lock: the read view starts at the first SELECT. */
    public static Dump transactionWithoutSnapshot(Connection c, List<String> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("FLUSH TABLES");
            s.execute("FLUSH TABLES WITH READ LOCK");
            c.setAutoCommit(false);
            String[] coordinates = masterStatus(s);
            s.execute("UNLOCK TABLES");
            List<List<String>> rows = readAll(s, tables);
            c.commit();
            c.setAutoCommit(true);
            return new Dump(coordinates[0], Long.parseLong(coordinates[1]), rows);
        }
    }

    /** The mysqldump order, but at READ COMMITTED: WITH CONSISTENT SNAPSHOT is ignored. */
    public static Dump readCommitted(Connection c, List<String> tables) throws SQLException {
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        try (Statement s = c.createStatement()) {
            s.execute("FLUSH TABLES");
            s.execute("FLUSH TABLES WITH READ LOCK");
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            String[] coordinates = masterStatus(s);
            s.execute("UNLOCK TABLES");
            List<List<String>> rows = readAll(s, tables);
            s.execute("COMMIT");
            return new Dump(coordinates[0], Long.parseLong(coordinates[1]), rows);
        }
    }

    /** A correct start, but a commit after every table: the rest of the dump is from later moments. */
    public static Dump commitInTheMiddle(Connection c, List<String> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("FLUSH TABLES");
            s.execute("FLUSH TABLES WITH READ LOCK");
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            String[] coordinates = masterStatus(s);
            s.execute("UNLOCK TABLES");
            List<List<String>> rows = new ArrayList<>();
            for (String t : tables) {
                rows.add(read(s, t));
                s.execute("COMMIT"); // "release resources after each table"
            }
            return new Dump(coordinates[0], Long.parseLong(coordinates[1]), rows);
        }
    }

    /** The mysqldump --single-transaction --master-data=2 sequence, savepoints included: safe. */
    public static Dump mysqldumpStyle(Connection c, List<String> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("FLUSH /*!40101 LOCAL */ TABLES");
            s.execute("FLUSH TABLES WITH READ LOCK");
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            s.execute("START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */");
            String[] coordinates = masterStatus(s);
            s.execute("UNLOCK TABLES");
            s.execute("SAVEPOINT sp");
            List<List<String>> rows = new ArrayList<>();
            for (String t : tables) {
                try (ResultSet rs = s.executeQuery("SHOW CREATE TABLE `" + t + "`")) {
                    rs.next();
                }
                rows.add(read(s, t));
                s.execute("ROLLBACK TO SAVEPOINT sp");
            }
            s.execute("RELEASE SAVEPOINT sp");
            return new Dump(coordinates[0], Long.parseLong(coordinates[1]), rows);
        }
    }

    /**
     * What mariadb-dump does on MariaDB: no global lock; the snapshot reports its own coordinates
     * ({@code SHOW STATUS LIKE 'binlog_snapshot_%'}). Safe, and writers are never blocked.
     */
    public static Dump snapshotCoordinates(Connection c, List<String> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            String file = null;
            long position = -1;
            try (ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
                while (rs.next()) {
                    if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_file")) {
                        file = rs.getString(2);
                    } else if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_position")) {
                        position = Long.parseLong(rs.getString(2));
                    }
                }
            }
            List<List<String>> rows = readAll(s, tables);
            s.execute("COMMIT");
            return new Dump(file, position, rows);
        }
    }

    private static String[] masterStatus(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            if (!rs.next()) {
                throw new SQLException("binary logging is off");
            }
            return new String[]{rs.getString("File"), Long.toString(rs.getLong("Position"))};
        }
    }

    private static List<List<String>> readAll(Statement s, List<String> tables) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        for (String t : tables) {
            out.add(read(s, t));
        }
        return out;
    }

    private static List<String> read(Statement s, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT * FROM `" + table + "`")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(b.toString());
            }
        }
        return rows;
    }
}
