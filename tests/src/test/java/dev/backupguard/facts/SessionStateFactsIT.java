package dev.backupguard.facts;

import static dev.backupguard.facts.LexingFactsIT.errorCode;
import static dev.backupguard.facts.LexingFactsIT.exec;
import static dev.backupguard.facts.LexingFactsIT.valueOrError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fact 11 of docs/server-facts.md, as assertions: what tells, on MariaDB 11.4, that a session holds the global read
 * lock and that its snapshot is still open, after a statement the guard could not see into. The lock check is the
 * guard's own ({@code /* backup-guard probe *}{@code /} UPDATE of a readable table naming no column) run as a user
 * with nothing but SELECT: it needs no write privilege and changes nothing.
 */
@WithMariaDb
class SessionStateFactsIT {

    private static final String READER = "bg_reader";
    private static final String READER_PASSWORD = "bgReader-" + Long.toHexString(System.nanoTime());
    /** The check ServerStateProbe sends on MariaDB (its lockQuery, for the table t). */
    private static final String LOCK_CHECK = "SET STATEMENT lock_wait_timeout = 0 FOR UPDATE t AS a, t AS b "
            + "SET a.backup_guard_no_such_column = 0 WHERE FALSE";
    private static final String SNAPSHOT_POSITION = "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
            + "WHERE VARIABLE_NAME = 'BINLOG_SNAPSHOT_POSITION'";

    private static String db;
    private final List<Connection> connections = new ArrayList<>();
    private final ExecutorService background = Executors.newCachedThreadPool();
    private MariaDbServer server;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase(MariaDbServer.databaseNameFor(SessionStateFactsIT.class));
        server.execute("CREATE TABLE " + db + ".t (id INT PRIMARY KEY, c INT) ENGINE=InnoDB",
                "INSERT INTO " + db + ".t VALUES (1, 0)",
                "CREATE TABLE " + db + ".t2 (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE PROCEDURE " + db + ".commit_it() COMMIT",
                "CREATE PROCEDURE " + db + ".take_lock() FLUSH TABLES WITH READ LOCK",
                "CREATE USER IF NOT EXISTS '" + READER + "'@'%' IDENTIFIED BY '" + READER_PASSWORD + "'",
                "GRANT SELECT, EXECUTE ON `" + db + "`.* TO '" + READER + "'@'%'",
                "GRANT RELOAD ON *.* TO '" + READER + "'@'%'");
    }

    @AfterAll
    static void dropReader(MariaDbServer server) {
        server.execute("DROP USER IF EXISTS '" + READER + "'@'%'");
    }

    @BeforeEach
    void server(MariaDbServer server) {
        this.server = server;
    }

    @AfterEach
    void close() throws SQLException {
        background.shutdownNow();
        for (Connection c : connections) {
            c.close();
        }
    }

    @Test
    void theLockCheckIsRefusedWith1223OnlyInTheSessionHoldingTheGlobalReadLock() throws SQLException {
        for (JdbcDriver driver : JdbcDriver.values()) {
            Connection reader = reader(driver);
            assertThat(errorCode(reader, "UPDATE t SET c = 1")).as("no write privilege").isEqualTo(1142);

            assertThat(errorCode(reader, LOCK_CHECK)).as("no lock: unknown column").isEqualTo(1054);
            exec(reader, "FLUSH TABLES WITH READ LOCK");
            assertThat(errorCode(reader, LOCK_CHECK)).as("holding FTWRL").isEqualTo(1223);
            assertThat(valueOrError(reader, "SELECT @@GLOBAL.read_only")).as("read_only does not tell").isEqualTo("0");
            exec(reader, "UNLOCK TABLES");
            assertThat(errorCode(reader, LOCK_CHECK)).isEqualTo(1054);
        }
    }

    @Test
    void theLockCheckDoesNotWaitBehindAnotherSessionsLock() throws Exception {
        Connection holder = reader(JdbcDriver.MARIADB);
        Connection reader = reader(JdbcDriver.MARIADB);
        exec(holder, "FLUSH TABLES WITH READ LOCK");

        Future<Integer> check = background.submit(() -> errorCode(reader, LOCK_CHECK));

        assertThat(check.get(30, TimeUnit.SECONDS)).as("lock_wait_timeout = 0: at once, not this session's")
                .isEqualTo(1205);
        exec(holder, "UNLOCK TABLES");
    }

    @Test
    void theLockCheckLeavesTheSnapshotOpenAndChangesNothing() throws SQLException {
        Connection reader = reader(JdbcDriver.MARIADB);
        exec(reader, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        String before = valueOrError(reader, "SELECT COUNT(*) FROM t");
        var logged = server.binlogPosition();

        assertThat(errorCode(reader, LOCK_CHECK)).isEqualTo(1054);

        assertThat(valueOrError(reader, "SELECT @@in_transaction")).isEqualTo("1");
        assertThat(valueOrError(reader, "SELECT COUNT(*) FROM t")).isEqualTo(before);
        assertThat(server.binlogPosition()).as("nothing logged").isEqualTo(logged);
        exec(reader, "ROLLBACK");
    }

    /** A replica runs with read_only=1: the check still tells (its user has no privilege the flag would stop). */
    @Test
    void onAReadOnlyServerTheLockCheckStillTells() throws SQLException {
        Connection reader = reader(JdbcDriver.MARIADB);
        server.execute("SET GLOBAL read_only = 1");
        try {
            assertThat(errorCode(reader, LOCK_CHECK)).isEqualTo(1054);
            exec(reader, "FLUSH TABLES WITH READ LOCK");
            assertThat(errorCode(reader, LOCK_CHECK)).isEqualTo(1223);
            exec(reader, "UNLOCK TABLES");
        } finally {
            server.execute("SET GLOBAL read_only = 0");
        }
    }

    @Test
    void inAReadOnlyTransactionTheLockCheckCannotTell() throws SQLException {
        Connection reader = reader(JdbcDriver.MARIADB);
        exec(reader, "START TRANSACTION READ ONLY");
        assertThat(errorCode(reader, LOCK_CHECK)).isEqualTo(1792);
        exec(reader, "ROLLBACK");
        exec(reader, "FLUSH TABLES WITH READ LOCK");
        exec(reader, "START TRANSACTION READ ONLY");
        assertThat(errorCode(reader, LOCK_CHECK)).isEqualTo(1792);
        exec(reader, "ROLLBACK");
        exec(reader, "UNLOCK TABLES");
    }

    @Test
    void writesThatDoNotTell() throws SQLException {
        Connection root = DriverManager.getConnection(server.url(JdbcDriver.MARIADB, db), server.rootUser(),
                server.rootPassword());
        connections.add(root);
        exec(root, "CREATE TEMPORARY TABLE tmp (i INT)");
        exec(root, "FLUSH TABLES WITH READ LOCK");

        assertThat(errorCode(root, "DELETE FROM no_such_table")).as("existence is checked first").isEqualTo(1146);
        assertThat(errorCode(root, "INSERT INTO tmp VALUES (1)")).as("temporary tables are not blocked").isZero();
        exec(root, "UNLOCK TABLES");
        exec(root, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        assertThat(errorCode(root, "BACKUP STAGE FLUSH")).as("no backup stage started").isEqualTo(4146);
        assertThat(valueOrError(root, "SELECT @@in_transaction")).as("yet it committed").isEqualTo("0");
    }

    /**
     * FLUSH TABLES WITH READ LOCK, with or without a table list, directly or inside a procedure, is refused while the
     * session holds LOCK TABLES locks (1192), after committing: the table locks stay, and no global read lock is
     * taken. The lock check cannot tell then (1100: its aliases are not locked).
     */
    @Test
    void theGlobalReadLockIsRefusedWhileTheSessionHoldsTableLocks() throws SQLException {
        Connection root = DriverManager.getConnection(server.url(JdbcDriver.MARIADB, db), server.rootUser(),
                server.rootPassword());
        connections.add(root);
        root.setAutoCommit(false);
        exec(root, "LOCK TABLES t READ");
        assertThat(valueOrError(root, "SELECT @@in_transaction")).as("LOCK TABLES under autocommit=0").isEqualTo("1");

        assertThat(errorCode(root, "FLUSH TABLES WITH READ LOCK")).isEqualTo(1192);
        assertThat(valueOrError(root, "SELECT @@in_transaction")).as("committed before it was refused").isEqualTo("0");
        assertThat(errorCode(root, "CALL take_lock()")).isEqualTo(1192);
        assertThat(errorCode(root, "FLUSH TABLES t2 WITH READ LOCK")).isEqualTo(1192);
        assertThat(errorCode(root, LOCK_CHECK)).as("the check cannot tell").isEqualTo(1100);
        assertThat(errorCode(root, "SELECT COUNT(*) FROM t2")).as("the table locks stay").isEqualTo(1100);

        exec(root, "UNLOCK TABLES");
        assertThat(errorCode(root, LOCK_CHECK)).as("no global read lock was taken").isEqualTo(1054);
        root.rollback();
    }

    @Test
    void noSessionReadableTableNamesTheGlobalReadLockHolder() throws SQLException {
        Connection reader = reader(JdbcDriver.MARIADB);

        assertThat(errorCode(reader, "SELECT * FROM information_schema.METADATA_LOCK_INFO"))
                .as("the metadata_lock_info plugin is not installed").isEqualTo(1109);
        assertThat(valueOrError(reader, "SELECT @@performance_schema")).as("performance_schema is off").isEqualTo("0");
    }

    @Test
    void inTransactionAndTheFrozenSnapshotPositionTellWhetherTheSnapshotIsTheSame() throws SQLException {
        Connection reader = reader(JdbcDriver.MARIADB);
        exec(reader, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        String snapshot = valueOrError(reader, SNAPSHOT_POSITION);
        server.execute("INSERT INTO " + db + ".t2 VALUES (" + System.nanoTime() % 1_000_000 + ")");

        assertThat(valueOrError(reader, SNAPSHOT_POSITION)).as("frozen while others commit").isEqualTo(snapshot);
        assertThat(valueOrError(reader, "SELECT @@in_transaction")).isEqualTo("1");

        exec(reader, "CALL commit_it()");
        assertThat(valueOrError(reader, "SELECT @@in_transaction")).as("a procedure's COMMIT ends it").isEqualTo("0");

        exec(reader, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        assertThat(valueOrError(reader, "SELECT @@in_transaction")).isEqualTo("1");
        assertThat(valueOrError(reader, SNAPSHOT_POSITION)).as("a new snapshot after a commit elsewhere")
                .isNotEqualTo(snapshot);
        exec(reader, "ROLLBACK");
    }

    @Test
    void ftwrlInsideAProcedureCommitsTheSnapshot() throws SQLException {
        Connection reader = reader(JdbcDriver.MARIADB);
        exec(reader, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        exec(reader, "SELECT COUNT(*) FROM t");

        exec(reader, "CALL take_lock()");

        assertThat(valueOrError(reader, "SELECT @@in_transaction")).isEqualTo("0");
        assertThat(errorCode(reader, LOCK_CHECK)).isEqualTo(1223);
        exec(reader, "UNLOCK TABLES");
    }

    @Test
    void inTransactionStaysZeroUnderAutocommitOffUntilATableIsRead() throws SQLException {
        Connection reader = reader(JdbcDriver.MARIADB);
        reader.setAutoCommit(false);
        exec(reader, "SELECT COUNT(*) FROM t");
        exec(reader, "COMMIT");

        assertThat(valueOrError(reader, "SELECT @@in_transaction")).isEqualTo("0");
        exec(reader, "SELECT COUNT(*) FROM t");
        assertThat(valueOrError(reader, "SELECT @@in_transaction")).isEqualTo("1");
        reader.rollback();
    }

    private Connection reader(JdbcDriver driver) throws SQLException {
        Connection c = DriverManager.getConnection(server.url(driver, db), READER, READER_PASSWORD);
        connections.add(c);
        return c;
    }
}
