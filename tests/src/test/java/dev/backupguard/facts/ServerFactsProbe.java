package dev.backupguard.facts;

import dev.backupguard.testserver.GeneralLogEntry;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Establishes the server facts of {@code docs/server-facts.md} against a fresh {@link MariaDbServer} and prints a
 * transcript: every statement with the connection that ran it and what the server answered. Not a test: it asserts
 * nothing, it shows. Run with
 *
 * <pre>
 * mvn -B -ntp -pl tests test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.backupguard.facts.ServerFactsProbe
 * </pre>
 *
 * Waits for server states (processlist), never for fixed sleeps, except where a statement itself sleeps.
 */
public final class ServerFactsProbe {

    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "probe-bg");
        t.setDaemon(true);
        return t;
    });

    private static MariaDbServer server;
    private static String db;

    public static void main(String[] args) throws Exception {
        server = MariaDbServer.start();
        try {
            db = server.createDatabase("facts");
            server.execute("CREATE TABLE facts.t (id INT PRIMARY KEY, c INT NOT NULL) ENGINE=InnoDB",
                    "INSERT INTO facts.t VALUES (1, 0), (2, 0), (3, 0)",
                    "CREATE TABLE facts.t2 (id INT PRIMARY KEY, c INT NOT NULL) ENGINE=InnoDB",
                    "INSERT INTO facts.t2 VALUES (1, 0)",
                    "CREATE TABLE facts.t3 (id INT PRIMARY KEY) ENGINE=InnoDB",
                    "INSERT INTO facts.t3 VALUES (1)",
                    "CREATE TABLE facts.big (id INT PRIMARY KEY, pad VARCHAR(100)) ENGINE=InnoDB",
                    "INSERT INTO facts.big SELECT seq, REPEAT('x', 100) FROM facts.seq_1_to_1000");
            String only = args.length > 0 ? args[0] : "1234567";
            List<Fact> facts = List.of(ServerFactsProbe::fact1BinlogStatusStatements,
                    ServerFactsProbe::fact2SnapshotCoordinates, ServerFactsProbe::fact3TransactionAndLockSemantics,
                    ServerFactsProbe::fact4FtwrlWaits, ServerFactsProbe::fact5Streaming,
                    ServerFactsProbe::fact6Variables, ServerFactsProbe::fact7GeneralLog);
            for (int i = 0; i < facts.size(); i++) {
                if (!only.contains(String.valueOf(i + 1))) {
                    continue;
                }
                try {
                    facts.get(i).establish();
                } catch (Exception e) {
                    OUT.println("!!! probe " + (i + 1) + " failed:");
                    e.printStackTrace(OUT);
                } finally {
                    killStragglers();
                }
            }
        } finally {
            BACKGROUND.shutdownNow();
            server.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ 1

    static void fact1BinlogStatusStatements() throws SQLException {
        section("1. SHOW MASTER STATUS / SHOW BINLOG STATUS / SHOW BINARY LOG STATUS");
        for (JdbcDriver driver : JdbcDriver.values()) {
            try (Connection c = server.connect(driver, db)) {
                OUT.println("-- driver " + driver + ": " + c.getMetaData().getDriverVersion());
                for (String sql : List.of("SHOW MASTER STATUS", "SHOW BINLOG STATUS", "SHOW BINARY LOG STATUS",
                        "SELECT @@gtid_binlog_pos, @@gtid_current_pos, BINLOG_GTID_POS('binlog.000001', 4)")) {
                    run("A", c, sql, true);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ 2

    static void fact2SnapshotCoordinates() throws Exception {
        section("2. Snapshot coordinates inside START TRANSACTION WITH CONSISTENT SNAPSHOT");
        for (JdbcDriver driver : JdbcDriver.values()) {
            OUT.println("-- driver " + driver);
            try (Connection a = server.connect(driver, db); Connection b = server.connect(driver, db)) {
                run("A", a, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
                run("A", a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
                run("A", a, "SHOW STATUS LIKE 'binlog_snapshot_%'", true);
                String[] snap = snapshot(a);
                run("A", a, "SHOW BINLOG STATUS");
                run("A", a, "SELECT COUNT(*) FROM t");
                run("B", b, "INSERT INTO t VALUES (" + (10 + driver.ordinal() * 10) + ", 0)");
                run("B", b, "INSERT INTO t VALUES (" + (11 + driver.ordinal() * 10) + ", 0)");
                run("A", a, "SHOW STATUS LIKE 'binlog_snapshot_%'");
                run("A", a, "SHOW GLOBAL STATUS LIKE 'binlog_snapshot_%'");
                run("A", a, "SHOW BINLOG STATUS");
                run("A", a, "SELECT BINLOG_GTID_POS('" + snap[0] + "', " + snap[1] + ") AS snapshot_gtid,"
                        + " @@gtid_binlog_pos, @@gtid_current_pos", true);
                run("A", a, "SELECT COUNT(*) FROM t");
                run("A", a, "COMMIT");
                run("A", a, "SHOW STATUS LIKE 'binlog_snapshot_%'");
            }
        }
        OUT.println("-- a plain START TRANSACTION (no WITH CONSISTENT SNAPSHOT), read view made by the first SELECT");
        try (Connection a = server.connect(JdbcDriver.MARIADB, db); Connection b = server.connect(JdbcDriver.MARIADB, db)) {
            run("A", a, "START TRANSACTION");
            run("A", a, "SHOW STATUS LIKE 'binlog_snapshot_%'");
            run("B", b, "INSERT INTO t VALUES (50, 0)");
            run("A", a, "SHOW STATUS LIKE 'binlog_snapshot_%'");
            run("A", a, "SELECT COUNT(*) FROM t");
            run("B", b, "INSERT INTO t VALUES (51, 0)");
            run("A", a, "SHOW STATUS LIKE 'binlog_snapshot_%'");
            run("A", a, "SELECT COUNT(*) FROM t");
            run("A", a, "COMMIT");
        }
        OUT.println("-- other isolation levels");
        for (String level : List.of("READ COMMITTED", "READ UNCOMMITTED", "SERIALIZABLE")) {
            try (Connection a = server.connect(JdbcDriver.MARIADB, db); Connection b = server.connect(JdbcDriver.MARIADB, db)) {
                run("B", b, "SET SESSION innodb_lock_wait_timeout = 1");
                run("A", a, "SET SESSION TRANSACTION ISOLATION LEVEL " + level);
                run("A", a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
                run("A", a, "SHOW WARNINGS");
                run("A", a, "SHOW STATUS LIKE 'binlog_snapshot_%'");
                run("A", a, "SELECT COUNT(*) FROM t");
                run("B", b, "INSERT INTO t VALUES (" + (60 + level.length()) + ", 0)");
                run("A", a, "SELECT COUNT(*) FROM t");
                run("A", a, "SHOW STATUS LIKE 'binlog_snapshot_%'");
                run("A", a, "COMMIT");
            }
        }
        try (Connection a = server.connect(JdbcDriver.MARIADB, db)) {
            run("A", a, "START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT");
            run("A", a, "SELECT @@in_transaction");
            run("A", a, "COMMIT");
        }
        server.execute("DELETE FROM facts.t WHERE id > 3");
    }

    // ------------------------------------------------------------------------------------------------ 3

    static void fact3TransactionAndLockSemantics() throws Exception {
        section("3a. FTWRL inside an open snapshot transaction");
        try (Connection a = server.connect(JdbcDriver.MARIADB, db); Connection b = server.connect(JdbcDriver.MARIADB, db)) {
            run("A", a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
            run("A", a, "SELECT COUNT(*), @@in_transaction FROM t");
            run("B", b, "INSERT INTO t VALUES (20, 0)");
            run("A", a, "FLUSH TABLES WITH READ LOCK");
            run("A", a, "SELECT COUNT(*), @@in_transaction FROM t");
            run("A", a, "UNLOCK TABLES");
            run("A", a, "SELECT COUNT(*), @@in_transaction FROM t");
            run("A", a, "COMMIT");
        }
        section("3b. UNLOCK TABLES after FTWRL + START TRANSACTION WITH CONSISTENT SNAPSHOT (mysqldump order)");
        try (Connection a = server.connect(JdbcDriver.MARIADB, db); Connection b = server.connect(JdbcDriver.MARIADB, db)) {
            run("A", a, "FLUSH LOCAL TABLES");
            run("A", a, "FLUSH TABLES WITH READ LOCK");
            run("A", a, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            run("A", a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
            run("A", a, "SHOW BINLOG STATUS");
            run("A", a, "SHOW STATUS LIKE 'binlog_snapshot_%'");
            run("A", a, "UNLOCK TABLES");
            run("A", a, "SELECT COUNT(*), @@in_transaction FROM t");
            run("B", b, "INSERT INTO t VALUES (21, 0)");
            run("A", a, "SELECT COUNT(*), @@in_transaction FROM t");
            run("A", a, "COMMIT");
        }
        section("3c. Statements inside the snapshot: which ones end it (@@in_transaction, row count)");
        for (String stmt : List.of("FLUSH LOGS", "FLUSH LOCAL TABLES", "FLUSH TABLES t2", "LOCK TABLES t2 READ",
                "FLUSH TABLES WITH READ LOCK", "FLUSH NO_WRITE_TO_BINLOG BINARY LOGS", "SET autocommit = 1",
                "BEGIN", "START TRANSACTION WITH CONSISTENT SNAPSHOT", "CREATE TEMPORARY TABLE tmp1 (x INT)",
                "ANALYZE TABLE t2", "SHOW MASTER STATUS", "SAVEPOINT sp", "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                "SET TRANSACTION ISOLATION LEVEL READ COMMITTED", "KILL QUERY 999999",
                "BACKUP STAGE START", "LOCK TABLES t READ")) {
            try (Connection a = server.connect(JdbcDriver.MARIADB, db); Connection b = server.connect(JdbcDriver.MARIADB, db)) {
                OUT.println("-- " + stmt);
                run("A", a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
                run("A", a, "SELECT COUNT(*) FROM t");
                run("B", b, "INSERT INTO t VALUES (30, 0)");
                run("A", a, stmt);
                run("A", a, "SELECT @@in_transaction");
                if (stmt.contains("LOCK") || stmt.startsWith("BACKUP")) {
                    run("A", a, stmt.startsWith("BACKUP") ? "BACKUP STAGE END" : "UNLOCK TABLES");
                }
                run("A", a, "SELECT COUNT(*) AS rows_seen, @@in_transaction FROM t");
                run("A", a, "ROLLBACK");
                server.execute("DELETE FROM facts.t WHERE id = 30");
            }
        }

        try (Connection a = server.connect(JdbcDriver.MARIADB, db); Connection b = server.connect(JdbcDriver.MARIADB, db)) {
            OUT.println("-- SET autocommit = 1 when the transaction was opened by SET autocommit = 0 (JDBC setAutoCommit(false))");
            run("A", a, "SET autocommit = 0");
            run("A", a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
            run("A", a, "SELECT COUNT(*) FROM t");
            run("B", b, "INSERT INTO t VALUES (30, 0)");
            run("A", a, "SET autocommit = 1");
            run("A", a, "SELECT COUNT(*) AS rows_seen, @@in_transaction FROM t");
            server.execute("DELETE FROM facts.t WHERE id = 30");
        }

        section("3d. Does ROLLBACK TO SAVEPOINT release the MDL of a table read after the savepoint?");
        int column = 0;
        for (String variant : List.of("", "SET SESSION sql_log_bin = 0")) {
            Connection a = open(JdbcDriver.MARIADB);
            Connection c = open(JdbcDriver.MARIADB);
            Connection watcher = open(JdbcDriver.MARIADB);
            long aId = MariaDbServer.threadId(a);
            long cId = MariaDbServer.threadId(c);
            OUT.println("-- " + (variant.isEmpty() ? "binary logging on for the session (the default)" : variant));
            if (!variant.isEmpty()) {
                run("A", a, variant);
            }
            run("A", a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
            run("A", a, "SELECT COUNT(*) FROM t"); // read before the savepoint
            run("A", a, "SAVEPOINT sp");
            run("A", a, "SELECT COUNT(*) FROM t2"); // read after the savepoint
            Future<String> alter = background("C", c, "ALTER TABLE t2 ADD COLUMN d" + (++column) + " INT");
            processlistState(watcher, cId, "Waiting for table metadata lock");
            run("W", watcher, "SELECT id, command, state, info FROM information_schema.processlist WHERE id IN ("
                    + aId + ", " + cId + ")");
            run("A", a, "ROLLBACK TO SAVEPOINT sp");
            OUT.println("   C's ALTER t2, up to 3 s after ROLLBACK TO SAVEPOINT: " + awaitDone(watcher, cId, alter, 3));
            run("A", a, "SELECT COUNT(*) FROM t2");
            run("A", a, "RELEASE SAVEPOINT sp");
            OUT.println("   C's ALTER t2 after RELEASE SAVEPOINT: " + awaitDone(watcher, cId, alter, 1));
            run("A", a, "SELECT @@in_transaction");
            if (!variant.isEmpty()) {
                OUT.println("   (a table read BEFORE the savepoint keeps its MDL:)");
                run("A", a, "SAVEPOINT sp2");
                Future<String> alterT = background("C", c, "ALTER TABLE t ADD COLUMN d" + (++column) + " INT");
                processlistState(watcher, cId, "Waiting for table metadata lock");
                run("A", a, "ROLLBACK TO SAVEPOINT sp2");
                OUT.println("   C's ALTER t, 1 s after ROLLBACK TO SAVEPOINT sp2: " + awaitDone(watcher, cId, alterT, 1));
                run("A", a, "COMMIT");
                OUT.println("   C's ALTER t after COMMIT: " + awaitDone(watcher, cId, alterT, 5));
            } else {
                run("A", a, "COMMIT");
                OUT.println("   C's ALTER t2 after COMMIT: " + awaitDone(watcher, cId, alter, 5));
            }
            killStragglers();
        }
        try (Connection app = server.connectAsApp(JdbcDriver.MARIADB, db)) {
            run("app", app, "SET SESSION sql_log_bin = 0");
        }
        server.execute("ALTER TABLE facts.t2 DROP COLUMN d1, DROP COLUMN d2", "ALTER TABLE facts.t DROP COLUMN d3");

        section("3e. Snapshot reads of a table changed by DDL after the snapshot started");
        for (String ddl : List.of("ALTER TABLE t3 ADD COLUMN e INT", "ALTER TABLE t3 ADD COLUMN e INT DEFAULT 7, ALGORITHM=COPY",
                "ALTER TABLE t3 ADD INDEX (id), ALGORITHM=INPLACE", "TRUNCATE TABLE t3",
                "RENAME TABLE t3 TO t3x, t3x TO t3", "DROP TABLE t3", "CREATE TABLE t4 (id INT PRIMARY KEY)",
                "OPTIMIZE TABLE t3", "ALTER TABLE t3 ENGINE=InnoDB")) {
            server.execute("DROP TABLE IF EXISTS facts.t3", "DROP TABLE IF EXISTS facts.t4",
                    "CREATE TABLE facts.t3 (id INT PRIMARY KEY) ENGINE=InnoDB", "INSERT INTO facts.t3 VALUES (1)");
            try (Connection a = server.connect(JdbcDriver.MARIADB, db); Connection c = server.connect(JdbcDriver.MYSQL, db)) {
                OUT.println("-- " + ddl);
                run("A", a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
                run("A", a, "SELECT COUNT(*) FROM t");
                run("C", c, ddl);
                run("A", a, "SELECT * FROM t3");
                run("A", a, ddl.startsWith("CREATE") ? "SELECT COUNT(*) FROM t4" : "SELECT @@in_transaction");
                run("A", a, "SELECT @@in_transaction");
                run("A", a, "ROLLBACK");
            }
        }
        try (Connection a = server.connect(JdbcDriver.MYSQL, db); Connection c = server.connect(JdbcDriver.MYSQL, db)) {
            OUT.println("-- the same error through MySQL Connector/J");
            run("A", a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
            run("A", a, "SELECT COUNT(*) FROM t");
            run("C", c, "ALTER TABLE t3 ADD COLUMN f INT");
            run("A", a, "SELECT COUNT(*) FROM t3");
            run("A", a, "ROLLBACK");
        }
        server.execute("DROP TABLE IF EXISTS facts.t4", "DROP TABLE IF EXISTS facts.t3",
                "CREATE TABLE facts.t3 (id INT PRIMARY KEY) ENGINE=InnoDB", "INSERT INTO facts.t3 VALUES (1)");
    }

    // ------------------------------------------------------------------------------------------------ 4

    static void fact4FtwrlWaits() throws Exception {
        for (JdbcDriver driver : JdbcDriver.values()) {
            section("4. FTWRL and running statements, driver " + driver);
            {
                Connection a = open(driver);
                Connection c = open(driver);
                Connection d = open(driver);
                Connection w = open(JdbcDriver.MARIADB);
                long aId = MariaDbServer.threadId(a);
                long cId = MariaDbServer.threadId(c);
                long dId = MariaDbServer.threadId(d);

                OUT.println("-- 4a. a running long SELECT");
                Future<String> select = background("C", c, "SELECT SLEEP(3) FROM t LIMIT 1");
                processlistState(w, cId, "User sleep");
                long t0 = System.nanoTime();
                Future<String> ftwrl = background("A", a, "FLUSH TABLES WITH READ LOCK");
                String state = settledState(w, aId, ftwrl);
                OUT.println("   A's FTWRL state while C's SELECT runs: " + state);
                OUT.println("   A answered: " + ftwrl.get(10, TimeUnit.SECONDS) + " after "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms");
                OUT.println("   C answered: " + select.get(10, TimeUnit.SECONDS) + " after "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms");
                run("A", a, "UNLOCK TABLES");

                OUT.println("-- 4b. a running long UPDATE");
                Future<String> update = background("C", c, "UPDATE t SET c = c + SLEEP(3) WHERE id = 1");
                processlistState(w, cId, "User sleep");
                t0 = System.nanoTime();
                ftwrl = background("A", a, "FLUSH TABLES WITH READ LOCK");
                state = settledState(w, aId, ftwrl);
                OUT.println("   A's FTWRL state while C's UPDATE runs: " + state);
                run("W", w, "SELECT id, command, state, info FROM information_schema.processlist WHERE id IN ("
                        + aId + "," + cId + ")");
                OUT.println("-- 4c. a new write (D) while the FTWRL waits");
                Future<String> insert = background("D", d, "INSERT INTO t2 VALUES (100, 0)");
                String dState = settledState(w, dId, insert);
                OUT.println("   D's INSERT state while A's FTWRL waits: " + dState);
                run("W", w, "SELECT id, command, state, info, time_ms FROM information_schema.processlist WHERE id IN ("
                        + aId + "," + cId + "," + dId + ")");
                OUT.println("   A answered: " + ftwrl.get(10, TimeUnit.SECONDS) + " after "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms");
                OUT.println("   C answered: " + update.get(10, TimeUnit.SECONDS));
                String dAfter = settledState(w, dId, insert);
                OUT.println("   D's INSERT state while A holds the lock: " + dAfter);
                run("A", a, "UNLOCK TABLES");
                OUT.println("   D answered: " + insert.get(10, TimeUnit.SECONDS));
                server.execute("DELETE FROM facts.t2 WHERE id = 100");

                OUT.println("-- 4d. KILL QUERY of the waiting FTWRL");
                update = background("C", c, "UPDATE t SET c = c + SLEEP(3) WHERE id = 1");
                processlistState(w, cId, "User sleep");
                ftwrl = background("A", a, "FLUSH TABLES WITH READ LOCK");
                state = settledState(w, aId, ftwrl);
                OUT.println("   A's state: " + state);
                run("W", w, "KILL QUERY " + aId);
                OUT.println("   A answered: " + ftwrl.get(10, TimeUnit.SECONDS));
                run("A", a, "SELECT 'A still usable', @@in_transaction");
                OUT.println("   C answered: " + update.get(10, TimeUnit.SECONDS));
                run("A", a, "UNLOCK TABLES");

                OUT.println("-- 4e. SET SESSION lock_wait_timeout = 1 bounds the FTWRL wait");
                update = background("C", c, "UPDATE t SET c = c + SLEEP(3) WHERE id = 1");
                processlistState(w, cId, "User sleep");
                run("A", a, "SET SESSION lock_wait_timeout = 1");
                t0 = System.nanoTime();
                run("A", a, "FLUSH TABLES WITH READ LOCK");
                OUT.println("   after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                OUT.println("   C answered: " + update.get(10, TimeUnit.SECONDS));
                select = background("C", c, "SELECT SLEEP(3) FROM t LIMIT 1");
                processlistState(w, cId, "User sleep");
                t0 = System.nanoTime();
                run("A", a, "FLUSH TABLES WITH READ LOCK");
                OUT.println("   (with a running SELECT) after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                run("A", a, "UNLOCK TABLES");
                OUT.println("   C answered: " + select.get(10, TimeUnit.SECONDS));
                OUT.println("-- 4f. FLUSH LOCAL TABLES (no read lock) with a running SELECT");
                select = background("C", c, "SELECT SLEEP(2) FROM t LIMIT 1");
                processlistState(w, cId, "User sleep");
                t0 = System.nanoTime();
                run("A", a, "FLUSH LOCAL TABLES");
                OUT.println("   after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                OUT.println("   C answered: " + select.get(10, TimeUnit.SECONDS));
                run("A", a, "SET SESSION lock_wait_timeout = DEFAULT");
                OUT.println("-- 4g. an open transaction holding row locks (no statement running)");
                run("C", c, "START TRANSACTION");
                run("C", c, "UPDATE t SET c = c + 1 WHERE id = 2");
                t0 = System.nanoTime();
                run("A", a, "FLUSH TABLES WITH READ LOCK");
                OUT.println("   after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
                Future<String> commit = background("C", c, "COMMIT");
                String cState = settledState(w, cId, commit);
                OUT.println("   C's COMMIT state while A holds FTWRL: " + cState);
                run("A", a, "UNLOCK TABLES");
                OUT.println("   C answered: " + commit.get(10, TimeUnit.SECONDS));
                for (String engine : List.of("MyISAM", "Aria")) {
                    OUT.println("-- 4h. a running long SELECT on a non-transactional " + engine + " table");
                    server.execute("DROP TABLE IF EXISTS facts.nt", "CREATE TABLE facts.nt (id INT PRIMARY KEY) ENGINE=" + engine,
                            "INSERT INTO facts.nt VALUES (1)");
                    select = background("C", c, "SELECT SLEEP(3) FROM nt LIMIT 1");
                    processlistState(w, cId, "User sleep");
                    t0 = System.nanoTime();
                    ftwrl = background("A", a, "FLUSH TABLES WITH READ LOCK");
                    state = settledState(w, aId, ftwrl);
                    OUT.println("   A's FTWRL state while C's SELECT on " + engine + " runs: " + state);
                    OUT.println("   A answered: " + ftwrl.get(10, TimeUnit.SECONDS) + " after "
                            + (System.nanoTime() - t0) / 1_000_000 + " ms");
                    OUT.println("   C answered: " + select.get(10, TimeUnit.SECONDS).replace('\n', ' '));
                    run("A", a, "UNLOCK TABLES");
                }
                server.execute("DROP TABLE IF EXISTS facts.nt");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ 5

    static void fact5Streaming() throws SQLException {
        section("5a. MySQL Connector/J streaming result set (fetchSize Integer.MIN_VALUE)");
        try (Connection c = server.connect(JdbcDriver.MYSQL, db)) {
            Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            s.setFetchSize(Integer.MIN_VALUE);
            ResultSet rs = s.executeQuery("SELECT * FROM big");
            for (int i = 0; i < 10; i++) {
                rs.next();
            }
            OUT.println("   read 10 rows; now another statement on the same connection:");
            attempt("new Statement SELECT 1", () -> {
                try (Statement o = c.createStatement(); ResultSet r = o.executeQuery("SELECT 1")) {
                    r.next();
                    return "ok " + r.getInt(1);
                }
            });
            attempt("same Statement executeQuery SELECT 1 (implicitly closes rs)", () -> {
                try (ResultSet r = s.executeQuery("SELECT 1")) {
                    r.next();
                    return "ok " + r.getInt(1);
                }
            });
            attempt("old rs.next() after that", () -> "" + rs.next());
            ResultSet rs2 = s.executeQuery("SELECT * FROM big");
            int n = 0;
            while (rs2.next()) {
                n++;
            }
            OUT.println("   read all " + n + " rows (next() returned false), ResultSet not closed:");
            attempt("new Statement SELECT 1", () -> {
                try (Statement o = c.createStatement(); ResultSet r = o.executeQuery("SELECT 1")) {
                    r.next();
                    return "ok " + r.getInt(1);
                }
            });
            attempt("c.setAutoCommit(false)", () -> {
                c.setAutoCommit(false);
                c.setAutoCommit(true);
                return "ok";
            });
            ResultSet rs3 = s.executeQuery("SELECT * FROM big");
            rs3.next();
            OUT.println("   streaming again, 1 row read; JDBC calls that talk to the server:");
            attempt("c.setAutoCommit(false)", () -> {
                c.setAutoCommit(false);
                return "ok";
            });
            attempt("c.commit()", () -> {
                c.commit();
                return "ok";
            });
            attempt("c.rollback()", () -> {
                c.rollback();
                return "ok";
            });
            attempt("c.setTransactionIsolation(RR)", () -> {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                return "ok";
            });
            attempt("rs3.close() (drains the rest)", () -> {
                rs3.close();
                return "ok";
            });
            attempt("new Statement SELECT 1 after close", () -> {
                try (Statement o = c.createStatement(); ResultSet r = o.executeQuery("SELECT 1")) {
                    r.next();
                    return "ok " + r.getInt(1);
                }
            });
            s.close();
        }
        section("5b. MariaDB Connector/J with fetchSize 10");
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            Statement s = c.createStatement();
            s.setFetchSize(10);
            ResultSet rs = s.executeQuery("SELECT * FROM big");
            for (int i = 0; i < 10; i++) {
                rs.next();
            }
            OUT.println("   read 10 rows; now another statement on the same connection:");
            attempt("new Statement SELECT 1", () -> {
                try (Statement o = c.createStatement(); ResultSet r = o.executeQuery("SELECT 1")) {
                    r.next();
                    return "ok " + r.getInt(1);
                }
            });
            int rest = 0;
            while (rs.next()) {
                rest++;
            }
            OUT.println("   the first result set still delivers the remaining " + rest + " rows (buffered)");
            rs.close();
            attempt("setFetchSize(Integer.MIN_VALUE)", () -> {
                s.setFetchSize(Integer.MIN_VALUE);
                try (ResultSet r = s.executeQuery("SELECT * FROM big")) {
                    r.next();
                    try (Statement o = c.createStatement(); ResultSet r2 = o.executeQuery("SELECT 1")) {
                        r2.next();
                    }
                    int m = 1;
                    while (r.next()) {
                        m++;
                    }
                    return "accepted; fetch size now " + s.getFetchSize() + ", another statement mid-stream ok, rows " + m;
                }
            });
            s.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ 6

    static void fact6Variables() throws SQLException {
        section("6. Server identity and binlog/GTID variables");
        for (JdbcDriver driver : JdbcDriver.values()) {
            try (Connection c = server.connect(driver, db)) {
                OUT.println("-- driver " + driver + "; DatabaseMetaData: " + c.getMetaData().getDatabaseProductName()
                        + " " + c.getMetaData().getDatabaseProductVersion() + " major="
                        + c.getMetaData().getDatabaseMajorVersion() + " minor=" + c.getMetaData().getDatabaseMinorVersion());
                run("A", c, "SELECT VERSION(), @@version_comment, @@log_bin, @@server_id, @@binlog_format,"
                        + " @@gtid_binlog_pos, @@gtid_strict_mode, @@gtid_domain_id, @@log_slave_updates", true);
                run("A", c, "SELECT @@gtid_mode");
                run("A", c, "SELECT @@GLOBAL.gtid_executed");
                run("A", c, "SELECT @@transaction_isolation, @@tx_isolation, @@in_transaction, @@autocommit,"
                        + " @@lock_wait_timeout, @@innodb_lock_wait_timeout");
                run("A", c, "SHOW VARIABLES LIKE 'have_backup_locks'");
                run("A", c, "LOCK INSTANCE FOR BACKUP");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ 7

    static void fact7GeneralLog() throws SQLException {
        section("7. What the general log shows");
        for (JdbcDriver driver : JdbcDriver.values()) {
            for (String params : List.of("", "useServerPrepStmts=true")) {
                String url = server.url(driver, db);
                url += params.isEmpty() ? "" : (url.contains("?") ? "&" : "?") + params;
                try (Connection c = java.sql.DriverManager.getConnection(url, server.rootUser(), server.rootPassword())) {
                    long thread = MariaDbServer.threadId(c);
                    OUT.println("-- driver " + driver + " " + params + " thread " + thread);
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT 1 /* plain Statement */");
                    }
                    try (PreparedStatement p = c.prepareStatement("SELECT c FROM t WHERE id = ? AND 'x' <> ?")) {
                        p.setInt(1, 1);
                        p.setString(2, "it's");
                        p.executeQuery().close();
                        p.setInt(1, 2);
                        p.executeQuery().close();
                    }
                    c.setAutoCommit(false);
                    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                    c.setReadOnly(true);
                    c.setReadOnly(false);
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT 2");
                    }
                    c.commit();
                    c.rollback();
                    c.setSavepoint("sp1");
                    c.rollback(c.setSavepoint("sp2"));
                    c.setAutoCommit(true);
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT '\uD83D\uDE00 emoji' AS e");
                    }
                    for (GeneralLogEntry e : server.generalLog(thread)) {
                        OUT.println("   " + e);
                    }
                }
            }
        }
        try (Connection c = java.sql.DriverManager.getConnection(server.url(JdbcDriver.MARIADB, db) + "?allowMultiQueries=true",
                server.rootUser(), server.rootPassword())) {
            long thread = MariaDbServer.threadId(c);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT 1; SELECT 2");
                for (int i = 0; i < 50; i++) {
                    s.execute("DO " + i);
                }
            }
            List<GeneralLogEntry> log = server.generalLog(thread);
            OUT.println("-- multi-statement text (allowMultiQueries=true): "
                    + log.stream().filter(e -> e.argument().contains("SELECT 1;")).toList());
            long ties = 0;
            for (int i = 1; i < log.size(); i++) {
                if (log.get(i).eventTime().equals(log.get(i - 1).eventTime())) {
                    ties++;
                }
            }
            OUT.println("-- event_time of 50 consecutive DO statements: " + log.get(log.size() - 50).eventTime()
                    + " .. " + log.get(log.size() - 1).eventTime() + ", equal neighbours: " + ties);
        }
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            run("A", c, "SELECT column_name, column_type FROM information_schema.columns"
                    + " WHERE table_schema = 'mysql' AND table_name = 'general_log'");
            run("A", c, "SELECT engine, table_collation FROM information_schema.tables"
                    + " WHERE table_schema = 'mysql' AND table_name = 'general_log'");
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void section(String title) {
        OUT.println();
        OUT.println("=== " + title);
    }

    private static String[] snapshot(Connection c) throws SQLException {
        String file = null;
        String pos = null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
            while (rs.next()) {
                if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_file")) {
                    file = rs.getString(2);
                } else if (rs.getString(1).equalsIgnoreCase("Binlog_snapshot_position")) {
                    pos = rs.getString(2);
                }
            }
        }
        return new String[] {file, pos};
    }

    static String run(String who, Connection c, String sql) {
        return run(who, c, sql, false);
    }

    /** Runs {@code sql}, prints and returns the answer; with {@code types}, the column labels' JDBC types too. */
    static String run(String who, Connection c, String sql, boolean types) {
        String answer = answer(c, sql, types);
        OUT.println(who + "> " + sql);
        OUT.println(answer.indent(3).stripTrailing());
        return answer;
    }

    private static String answer(Connection c, String sql, boolean types) {
        StringBuilder sb = new StringBuilder();
        try (Statement s = c.createStatement()) {
            boolean hasResult = s.execute(sql);
            if (hasResult) {
                try (ResultSet rs = s.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    List<String> labels = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        labels.add(types ? md.getColumnLabel(i) + " [" + md.getColumnType(i) + " "
                                + md.getColumnTypeName(i) + " " + md.getColumnClassName(i) + "]" : md.getColumnLabel(i));
                    }
                    sb.append(String.join(" | ", labels));
                    int rows = 0;
                    while (rs.next()) {
                        rows++;
                        List<String> values = new ArrayList<>();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            values.add(String.valueOf(rs.getString(i)));
                        }
                        sb.append('\n').append(String.join(" | ", values));
                    }
                    if (rows == 0) {
                        sb.append("\n(no rows)");
                    }
                }
            } else {
                sb.append("OK, ").append(s.getUpdateCount()).append(" rows affected");
            }
            for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
                sb.append("\nwarning ").append(w.getErrorCode()).append(" ").append(w.getMessage());
            }
        } catch (SQLException e) {
            sb.append(describe(e));
        }
        return sb.toString();
    }

    private static String describe(Throwable t) {
        if (t instanceof SQLException e) {
            return "ERROR " + e.getErrorCode() + " (" + e.getSQLState() + ") " + e.getMessage()
                    + " [" + e.getClass().getName() + "]";
        }
        return "EXCEPTION " + t;
    }

    interface Action {
        String run() throws Exception;
    }

    private static void attempt(String what, Action action) {
        String result;
        try {
            result = action.run();
        } catch (Exception e) {
            result = describe(e);
        }
        OUT.println("   " + what + " -> " + result);
    }

    interface Fact {
        void establish() throws Exception;
    }

    private static final List<long[]> RUNNING = new ArrayList<>();
    private static final List<Future<String>> RUNNING_FUTURES = new ArrayList<>();

    private static Future<String> background(String who, Connection c, String sql) throws SQLException {
        OUT.println(who + "> " + sql + "    (in the background)");
        long id = MariaDbServer.threadId(c);
        Future<String> f = BACKGROUND.submit(() -> answer(c, sql, false));
        RUNNING.add(new long[] {id});
        RUNNING_FUTURES.add(f);
        return f;
    }

    /** Kills the connections of background statements still running, so closing the connections cannot hang. */
    private static void killStragglers() {
        for (int i = 0; i < RUNNING.size(); i++) {
            if (!RUNNING_FUTURES.get(i).isDone()) {
                OUT.println("!!! killing connection " + RUNNING.get(i)[0] + " of an unfinished background statement");
                try {
                    server.execute("KILL " + RUNNING.get(i)[0]);
                } catch (RuntimeException e) {
                    OUT.println("    " + e.getMessage());
                }
            }
        }
        RUNNING.clear();
        RUNNING_FUTURES.clear();
        for (Connection c : OPEN) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // killed above
            }
        }
        OPEN.clear();
    }

    private static final List<Connection> OPEN = new ArrayList<>();

    /** A root connection closed by {@link #killStragglers()} after the section, once nothing runs on it. */
    private static Connection open(JdbcDriver driver) throws SQLException {
        Connection c = server.connect(driver, db);
        OPEN.add(c);
        return c;
    }

    /** "finished: answer" if {@code running} ends within {@code seconds}, else the state it is still in. */
    private static String awaitDone(Connection watcher, long id, Future<String> running, int seconds) throws Exception {
        try {
            return "finished: " + running.get(seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return "STILL RUNNING after " + seconds + " s, state '" + stateOf(watcher, id) + "'";
        }
    }

    /** Waits until thread {@code id} is in {@code state} (information_schema.processlist), at most 10 s. */
    private static void processlistState(Connection watcher, long id, String state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (state.equals(stateOf(watcher, id))) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // between polls of server state
        }
        throw new IllegalStateException("thread " + id + " never reached state " + state + "; it is " + stateOf(watcher, id));
    }

    /**
     * The state of thread {@code id} once its statement has been seen in the same non-empty state on three
     * polls 20 ms apart (or "finished: answer" if it completed first).
     */
    private static String settledState(Connection watcher, long id, Future<String> running) throws Exception {
        String last = null;
        int same = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (running.isDone()) {
                return "finished: " + running.get();
            }
            String state = stateOf(watcher, id);
            if (state != null && !state.isEmpty() && state.equals(last)) {
                if (++same >= 3) {
                    return state;
                }
            } else {
                same = 0;
            }
            last = state;
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // between polls of server state
        }
        return last;
    }

    private static String stateOf(Connection watcher, long id) throws SQLException {
        try (Statement s = watcher.createStatement();
             ResultSet rs = s.executeQuery("SELECT state FROM information_schema.processlist WHERE id = " + id)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private ServerFactsProbe() {
    }
}
