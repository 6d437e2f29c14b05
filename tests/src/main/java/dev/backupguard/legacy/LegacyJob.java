package dev.backupguard.legacy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Java backup code as it is found in the wild, each shape with the mistake it makes (PROTOCOL.md section 3). Each job
 * reads every table of {@link Bank#TABLES} with plain JDBC and returns what it read. Hooks let a test commit a
 * transfer at the worst moment, so an unguarded job's inconsistency is reproducible without racing a thread.
 */
public enum LegacyJob {

    /** A loop of SELECT * FROM t with autocommit on: every table at a different moment. */
    AUTOCOMMIT_LOOP {
        @Override
        Dump dump(Connection c, Hooks hooks, int fetchSize) throws SQLException {
            return readAll(c, hooks, fetchSize, false, null, -1);
        }
    },
    /** SHOW CREATE TABLE then SELECT per table, autocommit on. */
    SHOW_CREATE_PER_TABLE {
        @Override
        Dump dump(Connection c, Hooks hooks, int fetchSize) throws SQLException {
            return readAll(c, hooks, fetchSize, true, null, -1);
        }
    },
    /** FTWRL, SHOW MASTER STATUS, UNLOCK TABLES, then START TRANSACTION and the reads: the lock is gone too early. */
    WRONG_ORDER_GLOBAL_LOCK {
        @Override
        Dump dump(Connection c, Hooks hooks, int fetchSize) throws SQLException {
            execute(c, "FLUSH TABLES WITH READ LOCK");
            String[] coords = masterStatus(c);
            execute(c, "UNLOCK TABLES");
            hooks.afterCoordinates();
            execute(c, "START TRANSACTION");
            Dump d = readAll(c, hooks, fetchSize, false, coords[0], Long.parseLong(coords[1]));
            execute(c, "COMMIT");
            return d;
        }
    },
    /** setAutoCommit(false) and the reads: a transaction whose read view starts at the first SELECT, no coordinates lock. */
    PLAIN_TRANSACTION {
        @Override
        Dump dump(Connection c, Hooks hooks, int fetchSize) throws SQLException {
            String[] coords = masterStatus(c);
            hooks.afterCoordinates();
            c.setAutoCommit(false);
            Dump d = readAll(c, hooks, fetchSize, false, coords[0], Long.parseLong(coords[1]));
            c.commit();
            return d;
        }
    },
    /** A session at READ COMMITTED: each SELECT sees its own moment even inside a transaction. */
    READ_COMMITTED {
        @Override
        Dump dump(Connection c, Hooks hooks, int fetchSize) throws SQLException {
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            c.setAutoCommit(false);
            execute(c, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
            Dump d = readAll(c, hooks, fetchSize, false, null, -1);
            c.commit();
            return d;
        }
    },
    /** FTWRL held for the whole dump (--lock-all-tables style): consistent, but the server is read-only meanwhile. */
    LOCK_WHOLE_DUMP {
        @Override
        Dump dump(Connection c, Hooks hooks, int fetchSize) throws SQLException {
            execute(c, "FLUSH TABLES WITH READ LOCK");
            String[] coords = masterStatus(c);
            hooks.afterCoordinates();
            Dump d = readAll(c, hooks, fetchSize, false, coords[0], Long.parseLong(coords[1]));
            execute(c, "UNLOCK TABLES");
            return d;
        }
    },
    /**
     * {@link #LOCK_WHOLE_DUMP} over a schema that also holds the MyISAM table {@code notes} (see
     * {@link Bank#create}), which it reads last: here the lock is what makes that table consistent (I6).
     */
    LOCK_WHOLE_DUMP_WITH_MYISAM {
        @Override
        Dump dump(Connection c, Hooks hooks, int fetchSize) throws SQLException {
            execute(c, "FLUSH TABLES WITH READ LOCK");
            String[] coords = masterStatus(c);
            hooks.afterCoordinates();
            Dump d = readAll(c, hooks, fetchSize, false, coords[0], Long.parseLong(coords[1]));
            Map<String, List<List<Object>>> tables = new LinkedHashMap<>(d.tables());
            hooks.betweenTables();
            tables.put("notes", select(c, "notes", fetchSize));
            execute(c, "UNLOCK TABLES");
            return new Dump(tables, d.binlogFile(), d.binlogPos());
        }
    },
    /** A consistent snapshot, then FLUSH LOGS (which commits implicitly) before the reads. */
    FLUSH_LOGS_AFTER_SNAPSHOT {
        @Override
        Dump dump(Connection c, Hooks hooks, int fetchSize) throws SQLException {
            execute(c, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            execute(c, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
            hooks.afterCoordinates();
            execute(c, "FLUSH LOGS");
            String[] coords = masterStatus(c);
            Dump d = readAll(c, hooks, fetchSize, false, coords[0], Long.parseLong(coords[1]));
            execute(c, "COMMIT");
            return d;
        }
    },
    /** A transaction committed after every table (to "release resources"): every table in its own snapshot. */
    COMMIT_IN_THE_MIDDLE {
        @Override
        Dump dump(Connection c, Hooks hooks, int fetchSize) throws SQLException {
            c.setAutoCommit(false);
            Map<String, List<List<Object>>> tables = new LinkedHashMap<>();
            for (int i = 0; i < Bank.TABLES.size(); i++) {
                String t = Bank.TABLES.get(i);
                tables.put(t, select(c, t, fetchSize));
                c.commit();
                if (i < Bank.TABLES.size() - 1) {
                    hooks.betweenTables();
                }
            }
            return new Dump(tables, null, -1);
        }
    };

    /** Where a test may commit a transfer to expose the job's mistake. */
    public interface Hooks {
        /** After the job read (or would have read) its binlog coordinates, before its data reads. */
        default void afterCoordinates() throws SQLException {
        }

        /** After each table but the last. */
        default void betweenTables() throws SQLException {
        }

        Hooks NONE = new Hooks() {
        };
    }

    /**
     * Runs the job. {@code fetchSize} 0 reads result sets whole; {@link Integer#MIN_VALUE} streams with Connector/J,
     * a positive size streams with MariaDB Connector/J.
     */
    public Dump run(Connection c, Hooks hooks, int fetchSize) throws SQLException {
        return dump(c, hooks, fetchSize);
    }

    abstract Dump dump(Connection c, Hooks hooks, int fetchSize) throws SQLException;

    static Dump readAll(Connection c, Hooks hooks, int fetchSize, boolean showCreate, String file, long pos)
            throws SQLException {
        Map<String, List<List<Object>>> tables = new LinkedHashMap<>();
        for (int i = 0; i < Bank.TABLES.size(); i++) {
            String t = Bank.TABLES.get(i);
            if (showCreate) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + t)) {
                    rs.next();
                }
            }
            tables.put(t, select(c, t, fetchSize));
            if (i < Bank.TABLES.size() - 1) {
                hooks.betweenTables();
            }
        }
        return new Dump(tables, file, pos);
    }

    static List<List<Object>> select(Connection c, String table, int fetchSize) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            if (fetchSize != 0) {
                s.setFetchSize(fetchSize);
            }
            try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) {
                        Object v = rs.getObject(i);
                        // Numbers as long whatever the driver's class (Integer, Long, BigInteger), text as text.
                        row.add(v instanceof Number num ? (Object) num.longValue() : v == null ? null : v.toString());
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    static String[] masterStatus(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            if (!rs.next()) {
                throw new SQLException("SHOW MASTER STATUS returned no row: is the binary log on?");
            }
            return new String[]{rs.getString("File"), Long.toString(rs.getLong("Position"))};
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
