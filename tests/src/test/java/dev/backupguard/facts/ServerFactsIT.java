package dev.backupguard.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server behaviour backup-guard relies on, as assertions (docs/server-facts.md explains each, with the
 * transcript of {@link ServerFactsProbe}). When the server artifact is upgraded and one of these fails, the protocol
 * code that cites it needs another look.
 */
@WithMariaDb
class ServerFactsIT {

    private static String db;
    private final ExecutorService background = Executors.newCachedThreadPool();
    private final List<Connection> connections = new ArrayList<>();
    private final List<Future<?>> running = new ArrayList<>();
    private final List<Long> runningThreads = new ArrayList<>();
    private MariaDbServer server;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase(MariaDbServer.databaseNameFor(ServerFactsIT.class));
    }

    @BeforeEach
    void tables(MariaDbServer server) {
        this.server = server;
        server.execute("DROP TABLE IF EXISTS " + db + ".t", "DROP TABLE IF EXISTS " + db + ".t2",
                "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, c INT NOT NULL) ENGINE=InnoDB",
                "INSERT INTO " + db + ".t VALUES (1, 0), (2, 0), (3, 0)",
                "CREATE TABLE " + db + ".t2 (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO " + db + ".t2 VALUES (1)");
    }

    @AfterEach
    void cleanUp() {
        // Kill what still runs before closing: closing a connection that another thread uses blocks.
        for (int i = 0; i < running.size(); i++) {
            if (!running.get(i).isDone()) {
                server.execute("KILL " + runningThreads.get(i));
            }
        }
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // killed
            }
        }
        background.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------ 1

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void showMasterStatusAndShowBinlogStatusWorkShowBinaryLogStatusDoesNot(JdbcDriver driver) throws SQLException {
        Connection a = open(driver);
        for (String sql : List.of("SHOW MASTER STATUS", "SHOW BINLOG STATUS")) {
            try (Statement s = a.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                ResultSetMetaData md = rs.getMetaData();
                assertThat(md.getColumnCount()).isEqualTo(4);
                assertThat(List.of(md.getColumnLabel(1), md.getColumnLabel(2), md.getColumnLabel(3), md.getColumnLabel(4)))
                        .containsExactly("File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB");
                assertThat(md.getColumnType(1)).isEqualTo(Types.VARCHAR);
                assertThat(md.getColumnType(2)).isEqualTo(Types.BIGINT);
                assertThat(md.getColumnTypeName(2)).isEqualTo("BIGINT UNSIGNED");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("File")).startsWith("binlog.");
            }
        }
        assertThat(errorCode(a, "SHOW BINARY LOG STATUS")).isEqualTo(1064);
        assertThat(errorCode(a, "SELECT @@gtid_mode")).isEqualTo(1193);
    }

    // ------------------------------------------------------------------------------------------------ 2

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void snapshotCoordinatesStayFixedWhileOthersCommit(JdbcDriver driver) throws SQLException {
        Connection a = open(driver);
        Connection b = open(driver);
        exec(a, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        exec(a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        List<String> snapshot = snapshotStatus(a);
        assertThat(snapshot).hasSize(2);
        assertThat(query(a, "SELECT COUNT(*) FROM t")).isEqualTo("3");
        exec(b, "INSERT INTO t VALUES (10, 0)");

        assertThat(snapshotStatus(a)).isEqualTo(snapshot);
        assertThat(server.binlogPosition().position()).isGreaterThan(Long.parseLong(snapshot.get(1)));
        String snapshotGtid = query(a, "SELECT BINLOG_GTID_POS('" + snapshot.get(0) + "', " + snapshot.get(1) + ")");
        assertThat(snapshotGtid).matches("0-1-\\d+").isNotEqualTo(query(a, "SELECT @@gtid_binlog_pos"));
        assertThat(query(a, "SELECT COUNT(*) FROM t")).isEqualTo("3");
        exec(a, "COMMIT");
    }

    @Test
    void consistentSnapshotUnderReadCommittedIsIgnoredWithWarning138ButFreezesTheCoordinates() throws SQLException {
        Connection a = open(JdbcDriver.MARIADB);
        Connection b = open(JdbcDriver.MARIADB);
        exec(a, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
        try (Statement s = a.createStatement()) {
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            SQLWarning warning = s.getWarnings();
            assertThat(warning != null).as("a warning").isTrue();
            assertThat(warning.getErrorCode()).isEqualTo(138);
            assertThat(warning.getMessage()).contains("WITH CONSISTENT SNAPSHOT was ignored");
        }
        List<String> snapshot = snapshotStatus(a);
        assertThat(query(a, "SELECT COUNT(*) FROM t")).isEqualTo("3");
        exec(b, "INSERT INTO t VALUES (10, 0)");
        assertThat(query(a, "SELECT COUNT(*) FROM t")).as("READ COMMITTED sees the commit").isEqualTo("4");
        assertThat(snapshotStatus(a)).as("but the 'snapshot' coordinates did not move").isEqualTo(snapshot);
        exec(a, "COMMIT");
    }

    // ------------------------------------------------------------------------------------------------ 3

    @ParameterizedTest
    @ValueSource(strings = {"FLUSH TABLES WITH READ LOCK", "FLUSH LOCAL TABLES", "FLUSH LOGS", "LOCK TABLES t2 READ",
            "BACKUP STAGE START", "BEGIN", "START TRANSACTION WITH CONSISTENT SNAPSHOT"})
    void statementThatEndsTheSnapshotSilently(String statement) throws SQLException {
        Connection a = open(JdbcDriver.MARIADB);
        Connection b = open(JdbcDriver.MARIADB);
        exec(a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        assertThat(query(a, "SELECT COUNT(*) FROM t")).isEqualTo("3");
        exec(b, "INSERT INTO t VALUES (10, 0)");
        exec(a, statement); // no error
        exec(a, statement.startsWith("BACKUP") ? "BACKUP STAGE END" : "UNLOCK TABLES");
        assertThat(query(a, "SELECT COUNT(*) FROM t")).as("the snapshot is gone").isEqualTo("4");
        exec(a, "ROLLBACK");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHOW MASTER STATUS", "SAVEPOINT sp", "SET autocommit = 1",
            "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", "CREATE TEMPORARY TABLE tmp1 (x INT)"})
    void statementThatKeepsTheSnapshot(String statement) throws SQLException {
        Connection a = open(JdbcDriver.MARIADB);
        Connection b = open(JdbcDriver.MARIADB);
        exec(a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        assertThat(query(a, "SELECT COUNT(*) FROM t")).isEqualTo("3");
        exec(b, "INSERT INTO t VALUES (10, 0)");
        exec(a, statement);
        assertThat(query(a, "SELECT COUNT(*) FROM t")).isEqualTo("3");
        assertThat(query(a, "SELECT @@in_transaction")).isEqualTo("1");
        exec(a, "ROLLBACK");
    }

    @Test
    void unlockTablesAfterFtwrlAndStartTransactionKeepsTheSnapshot() throws SQLException {
        Connection a = open(JdbcDriver.MARIADB);
        Connection b = open(JdbcDriver.MARIADB);
        exec(a, "FLUSH LOCAL TABLES");
        exec(a, "FLUSH TABLES WITH READ LOCK");
        exec(a, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        exec(a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        String position = String.valueOf(server.binlogPosition().position());
        assertThat(snapshotStatus(a).get(1)).isEqualTo(position);
        exec(a, "UNLOCK TABLES");
        exec(b, "INSERT INTO t VALUES (10, 0)");
        assertThat(query(a, "SELECT COUNT(*) FROM t")).isEqualTo("3");
        assertThat(query(a, "SELECT @@in_transaction")).isEqualTo("1");
        exec(a, "COMMIT");
    }

    @Test
    void rollbackToSavepointKeepsTheMetadataLockWhileTheSessionWritesTheBinlog() throws Exception {
        Connection a = open(JdbcDriver.MARIADB);
        Connection c = open(JdbcDriver.MARIADB);
        exec(a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        exec(a, "SAVEPOINT sp");
        query(a, "SELECT COUNT(*) FROM t2");
        Future<?> alter = inBackground(c, "ALTER TABLE t2 ADD COLUMN d INT");
        awaitState(c, "Waiting for table metadata lock");
        exec(a, "ROLLBACK TO SAVEPOINT sp");
        // A bounded negative: the ALTER is expected to keep waiting.
        assertThatThrownBy(() -> alter.get(1, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(stateOf(c)).isEqualTo("Waiting for table metadata lock");
        exec(a, "COMMIT");
        alter.get(10, TimeUnit.SECONDS);
    }

    @Test
    void rollbackToSavepointReleasesTheMetadataLockWithSqlLogBinOff() throws Exception {
        Connection a = open(JdbcDriver.MARIADB);
        Connection c = open(JdbcDriver.MARIADB);
        exec(a, "SET SESSION sql_log_bin = 0");
        exec(a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        exec(a, "SAVEPOINT sp");
        query(a, "SELECT COUNT(*) FROM t2");
        Future<?> alter = inBackground(c, "ALTER TABLE t2 ADD COLUMN d INT");
        awaitState(c, "Waiting for table metadata lock");
        exec(a, "ROLLBACK TO SAVEPOINT sp");
        alter.get(10, TimeUnit.SECONDS);
        assertThat(query(a, "SELECT @@in_transaction")).isEqualTo("1");
        exec(a, "COMMIT");

        Connection app = server.connectAsApp(JdbcDriver.MARIADB, db);
        connections.add(app);
        assertThat(errorCode(app, "SET SESSION sql_log_bin = 0")).as("needs BINLOG ADMIN").isEqualTo(1227);
    }

    @Test
    void ddlAfterTheSnapshotStartedBreaksTheReadOrChangesItSilently() throws SQLException {
        Connection a = open(JdbcDriver.MARIADB);
        Connection c = open(JdbcDriver.MARIADB);
        exec(a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        query(a, "SELECT COUNT(*) FROM t2");
        exec(c, "TRUNCATE TABLE t");
        assertThat(errorCode(a, "SELECT * FROM t")).isEqualTo(1412);
        assertThat(query(a, "SELECT @@in_transaction")).as("1412 does not end the transaction").isEqualTo("1");
        exec(a, "ROLLBACK");

        exec(a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        query(a, "SELECT COUNT(*) FROM t2");
        exec(c, "INSERT INTO t VALUES (1, 0)");
        exec(c, "ALTER TABLE t ADD COLUMN e INT"); // INSTANT: no table rebuild
        try (Statement s = a.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM t")) {
            assertThat(rs.getMetaData().getColumnCount()).as("the new definition").isEqualTo(3);
        }
        exec(a, "ROLLBACK");
    }

    // ------------------------------------------------------------------------------------------------ 4

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void ftwrlDoesNotWaitForARunningSelectButForARunningUpdate(JdbcDriver driver) throws Exception {
        Connection a = open(driver);
        Connection c = open(driver);
        Future<?> select = inBackground(c, "SELECT SLEEP(2) FROM t LIMIT 1");
        awaitState(c, "User sleep");
        exec(a, "FLUSH TABLES WITH READ LOCK");
        // FTWRL returned while the SELECT still sleeps: it did not wait for it.
        assertThat(select.isDone()).isFalse();
        exec(a, "UNLOCK TABLES");
        select.get(10, TimeUnit.SECONDS);

        Future<?> update = inBackground(c, "UPDATE t SET c = c + SLEEP(2) WHERE id = 1");
        awaitState(c, "User sleep");
        Future<?> ftwrl = inBackground(a, "FLUSH TABLES WITH READ LOCK");
        awaitState(a, "Waiting for backup lock");
        update.get(10, TimeUnit.SECONDS);
        ftwrl.get(10, TimeUnit.SECONDS);
        exec(a, "UNLOCK TABLES");
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void waitingFtwrlIsCancelledByKillQueryWith1317AndBoundedByLockWaitTimeoutWith1205(JdbcDriver driver)
            throws Exception {
        Connection a = open(driver);
        Connection c = open(driver);
        Future<?> update = inBackground(c, "UPDATE t SET c = c + SLEEP(2) WHERE id = 1");
        awaitState(c, "User sleep");
        Future<SQLException> ftwrl = background.submit(() -> {
            try (Statement s = a.createStatement()) {
                s.execute("FLUSH TABLES WITH READ LOCK");
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
        awaitState(a, "Waiting for backup lock");
        server.execute("KILL QUERY " + MariaDbServer.threadId(a));
        SQLException killed = ftwrl.get(10, TimeUnit.SECONDS);
        assertThat(killed != null).as("FTWRL failed").isTrue();
        assertThat(killed.getErrorCode()).isEqualTo(1317);
        assertThat(killed.getSQLState()).isEqualTo("70100");
        assertThat(query(a, "SELECT @@in_transaction")).isEqualTo("0");
        update.get(10, TimeUnit.SECONDS);

        update = inBackground(c, "UPDATE t SET c = c + SLEEP(2) WHERE id = 1");
        awaitState(c, "User sleep");
        exec(a, "SET SESSION lock_wait_timeout = 1");
        try (Statement s = a.createStatement()) {
            assertThatThrownBy(() -> s.execute("FLUSH TABLES WITH READ LOCK")).isInstanceOf(SQLException.class)
                    .satisfies(e -> {
                        assertThat(((SQLException) e).getErrorCode()).isEqualTo(1205);
                        // Connector/J rewrites the server's HY000 to 40001; MariaDB Connector/J passes it on.
                        assertThat(((SQLException) e).getSQLState())
                                .isEqualTo(driver == JdbcDriver.MYSQL ? "40001" : "HY000");
                    });
        }
        update.get(10, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------------------------------------ 5

    @Test
    void connectorJRefusesStatementsWhileAStreamIsUnreadButNotOnceItIsExhausted() throws SQLException {
        server.execute("INSERT INTO " + db + ".t SELECT seq, 0 FROM " + db + ".seq_10_to_1000");
        Connection c = open(JdbcDriver.MYSQL);
        try (Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            s.setFetchSize(Integer.MIN_VALUE);
            ResultSet rs = s.executeQuery("SELECT * FROM t");
            rs.next();
            assertThatThrownBy(() -> query(c, "SELECT 1")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("Streaming result set").hasMessageContaining("is still active");
            while (rs.next()) {
                // drain
            }
            assertThat(query(c, "SELECT 1")).isEqualTo("1"); // rs is exhausted, not closed
            rs.close();
        }
    }

    @Test
    void mariadbConnectorBuffersTheRestOfAStreamAndRejectsMinValueFetchSize() throws SQLException {
        server.execute("INSERT INTO " + db + ".t SELECT seq, 0 FROM " + db + ".seq_10_to_1000");
        Connection c = open(JdbcDriver.MARIADB);
        try (Statement s = c.createStatement()) {
            s.setFetchSize(10);
            try (ResultSet rs = s.executeQuery("SELECT * FROM t")) {
                rs.next();
                assertThat(query(c, "SELECT 1")).isEqualTo("1");
                int rest = 0;
                while (rs.next()) {
                    rest++;
                }
                assertThat(rest).isEqualTo(3 + 991 - 1);
            }
            assertThatThrownBy(() -> s.setFetchSize(Integer.MIN_VALUE)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("invalid fetch size");
        }
    }

    // ------------------------------------------------------------------------------------------------ 7

    @Test
    void mariadbConnectorSendsNoCommitWhenNoTransactionIsOpenConnectorJAlwaysDoes() throws SQLException {
        for (JdbcDriver driver : JdbcDriver.values()) {
            Connection c = open(driver);
            c.setAutoCommit(false);
            query(c, "SELECT 2");
            c.commit();
            c.setAutoCommit(true);
            List<String> queries = server.queriesOf(c);
            if (driver == JdbcDriver.MARIADB) {
                assertThat(queries).containsSubsequence("set autocommit=0", "SELECT 2", "set autocommit=1")
                        .doesNotContain("COMMIT");
            } else {
                assertThat(queries).containsSubsequence("SET autocommit=0", "SELECT 2", "COMMIT", "SET autocommit=1");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void preparedStatementsAreLoggedWithTheirValues(JdbcDriver driver) throws SQLException {
        Connection plain = open(driver);
        try (var p = plain.prepareStatement("SELECT c FROM t WHERE id = ?")) {
            p.setInt(1, 2);
            p.executeQuery().close();
        }
        assertThat(server.queriesOf(plain)).contains("SELECT c FROM t WHERE id = 2");

        Connection serverSide = java.sql.DriverManager.getConnection(
                server.url(driver, db) + (driver == JdbcDriver.MYSQL ? "&" : "?") + "useServerPrepStmts=true",
                server.rootUser(), server.rootPassword());
        connections.add(serverSide);
        try (var p = serverSide.prepareStatement("SELECT c FROM t WHERE id = ?")) {
            p.setInt(1, 3);
            p.executeQuery().close();
        }
        assertThat(server.generalLog(serverSide))
                .extracting(e -> e.commandType() + ": " + e.argument())
                .containsSubsequence("Prepare: SELECT c FROM t WHERE id = ?", "Execute: SELECT c FROM t WHERE id = 3");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Connection open(JdbcDriver driver) throws SQLException {
        Connection c = server.connect(driver, db);
        connections.add(c);
        return c;
    }

    private Future<?> inBackground(Connection c, String sql) throws SQLException {
        runningThreads.add(MariaDbServer.threadId(c));
        Future<?> f = background.submit(() -> {
            exec(c, sql);
            return null;
        });
        running.add(f);
        return f;
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static int errorCode(Connection c, String sql) {
        try {
            exec(c, sql);
            return 0;
        } catch (SQLException e) {
            return e.getErrorCode();
        }
    }

    private static List<String> snapshotStatus(Connection c) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
            while (rs.next()) {
                values.add(rs.getString("Value"));
            }
        }
        return values;
    }

    private String stateOf(Connection c) throws SQLException {
        return server.queryString("SELECT state FROM information_schema.processlist WHERE id = "
                + MariaDbServer.threadId(c));
    }

    /** Waits (at most 10 s) until the server reports {@code state} for {@code c}'s thread. */
    private void awaitState(Connection c, String state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String last = null;
        while (System.nanoTime() < deadline) {
            last = stateOf(c);
            if (state.equals(last)) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // between polls of server state
        }
        throw new AssertionError("thread never reached state '" + state + "', last seen '" + last + "'");
    }
}
