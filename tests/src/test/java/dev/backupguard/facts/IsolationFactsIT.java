package dev.backupguard.facts;

import static dev.backupguard.facts.SessionSql.errorCode;
import static dev.backupguard.facts.SessionSql.exec;
import static dev.backupguard.facts.SessionSql.query;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the session protocol's judge needs to know about a session's isolation level, sql_log_bin and malformed
 * savepoint statements when it judges a general log, where it does not see which statements failed
 * (docs/server-facts.md, fact 13). Each isolation case is decided by behaviour: after the statements, session A
 * reads, B commits a row, A reads again; a REPEATABLE READ snapshot does not see B's row.
 */
@WithMariaDb
class IsolationFactsIT {

    private static String db;
    private Connection a;
    private Connection b;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase(MariaDbServer.databaseNameFor(IsolationFactsIT.class));
    }

    @BeforeEach
    void connect(MariaDbServer server) throws SQLException {
        server.execute("DROP TABLE IF EXISTS " + db + ".t", "DROP TABLE IF EXISTS " + db + ".t3",
                "CREATE TABLE " + db + ".t (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO " + db + ".t VALUES ()");
        a = server.connect(JdbcDriver.MARIADB, db);
        b = server.connect(JdbcDriver.MARIADB, db);
    }

    @AfterEach
    void close() throws SQLException {
        a.close();
        b.close();
    }

    static Stream<Arguments> levels() {
        String sessionRc = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
        String sessionRr = "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ";
        String nextRc = "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";
        String nextRr = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";
        return Stream.of(
                // The next-transaction level applies to the next transaction, however it starts.
                Arguments.of(List.of(sessionRc, nextRr, "START TRANSACTION"), true, -1, 0),
                Arguments.of(List.of(nextRc, "START TRANSACTION"), false, -1, 0),
                Arguments.of(List.of(nextRc, "BEGIN"), false, -1, 0),
                Arguments.of(List.of(nextRc, "SET autocommit = 0"), false, -1, 0),
                // A SESSION level set between transactions replaces a pending next-transaction level.
                Arguments.of(List.of(nextRr, sessionRc, "START TRANSACTION"), false, -1, 0),
                Arguments.of(List.of(nextRc, sessionRr, "START TRANSACTION"), true, -1, 0),
                // Under autocommit = 0 the transaction starts at the first table read, not at SELECT 1, SHOW CREATE
                // TABLE or SAVEPOINT: a level set after those is the one it runs at.
                Arguments.of(List.of("SET autocommit = 0", "SELECT 1", nextRc), false, -1, 0),
                Arguments.of(List.of("SET autocommit = 0", "SHOW CREATE TABLE t", nextRc), false, -1, 0),
                Arguments.of(List.of("SET autocommit = 0", "SAVEPOINT sp", sessionRc), false, -1, 0),
                // Inside a transaction in progress the next-transaction level is refused (1568) and changes nothing.
                Arguments.of(List.of(sessionRc, "START TRANSACTION", nextRr, "COMMIT",
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT"), false, 2, 1568),
                // LOCK TABLES under autocommit = 0 starts a transaction: the next-transaction level is refused.
                Arguments.of(List.of(sessionRc, "SET autocommit = 0", "LOCK TABLES t READ", nextRr,
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT"), false, 3, 1568),
                // A write refused under the global read lock starts no transaction: the level stays pending.
                Arguments.of(List.of("SET autocommit = 0", "FLUSH TABLES WITH READ LOCK", nextRc,
                        "INSERT INTO t VALUES ()", "UNLOCK TABLES", "START TRANSACTION WITH CONSISTENT SNAPSHOT"),
                        false, 3, 1223),
                // COMMIT, ROLLBACK and implicit commits set a pending level back to the session's, even with no
                // transaction in progress; UNLOCK TABLES without table locks, SET autocommit = 1 that commits nothing,
                // SELECT 1, SHOW CREATE TABLE and SAVEPOINT leave it.
                Arguments.of(List.of(sessionRc, nextRr, "COMMIT", "START TRANSACTION WITH CONSISTENT SNAPSHOT"),
                        false, -1, 0),
                Arguments.of(List.of(sessionRc, nextRr, "ROLLBACK", "START TRANSACTION WITH CONSISTENT SNAPSHOT"),
                        false, -1, 0),
                Arguments.of(List.of(sessionRc, nextRr, "FLUSH TABLES", "START TRANSACTION WITH CONSISTENT SNAPSHOT"),
                        false, -1, 0),
                Arguments.of(List.of(sessionRc, nextRr, "CREATE TABLE IF NOT EXISTS t3 (x INT)",
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT"), false, -1, 0),
                Arguments.of(List.of(sessionRc, nextRr, "LOCK TABLES t READ",
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT"), false, -1, 0),
                Arguments.of(List.of(sessionRc, nextRr, "UNLOCK TABLES", "START TRANSACTION WITH CONSISTENT SNAPSHOT"),
                        true, -1, 0),
                Arguments.of(List.of(sessionRc, "SET autocommit = 0", nextRr, "SET autocommit = 1",
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT"), true, -1, 0),
                Arguments.of(List.of(sessionRc, nextRr, "SELECT 1", "SHOW CREATE TABLE t", "SAVEPOINT sp",
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT"), true, -1, 0),
                // An autocommit statement that reads or writes a table runs in its own transaction: it takes the level.
                Arguments.of(List.of(sessionRc, nextRr, "SELECT COUNT(*) FROM t",
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT"), false, -1, 0),
                Arguments.of(List.of(sessionRc, nextRr, "INSERT INTO t VALUES ()",
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT"), false, -1, 0),
                // The end of a transaction in progress sets the level back to the session's (changed inside it).
                Arguments.of(List.of(sessionRc, "START TRANSACTION", sessionRr,
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT"), true, -1, 0));
    }

    @ParameterizedTest
    @MethodSource("levels")
    void theTransactionRunsAtTheLevelTheStatementsLeave(List<String> statements, boolean repeatable, int refused,
                                                        int error) throws SQLException {
        exec(a, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        for (int i = 0; i < statements.size(); i++) {
            assertThat(errorCode(a, statements.get(i))).as(statements.get(i)).isEqualTo(i == refused ? error : 0);
        }
        long first = count(a);
        exec(b, "INSERT INTO t VALUES ()");
        assertThat(count(a)).as("the second read sees B's commit: %s", repeatable ? "no" : "yes")
                .isEqualTo(repeatable ? first : first + 1);
        exec(a, "COMMIT");
    }

    @Test
    void sqlLogBinIsASessionVariableDefaultingToOnAndFrozenInsideATransaction() throws SQLException {
        exec(a, "SET @@session.sql_log_bin = OFF");
        assertThat(query(a, "SELECT @@sql_log_bin")).isEqualTo("0");
        exec(a, "SET sql_log_bin = DEFAULT");
        assertThat(query(a, "SELECT @@sql_log_bin")).isEqualTo("1");
        assertThat(errorCode(a, "SET GLOBAL sql_log_bin = 0")).as("no global value").isEqualTo(1238);
        assertThat(query(a, "SELECT @@sql_log_bin")).isEqualTo("1");
        exec(a, "SET autocommit = 0");
        exec(a, "SELECT 1");
        exec(a, "SET SESSION sql_log_bin = 0"); // no transaction in progress yet
        assertThat(query(a, "SELECT COUNT(*) FROM t")).isNotNull();
        assertThat(errorCode(a, "SET SESSION sql_log_bin = 1")).as("inside a transaction").isEqualTo(1694);
        exec(a, "COMMIT");
        exec(a, "SET SESSION sql_log_bin = 1");
    }

    @Test
    void namelessSavepointStatementsAreSyntaxErrorsAndAnUnknownSavepointIsRefused() throws SQLException {
        exec(a, "START TRANSACTION");
        for (String sql : List.of("SAVEPOINT", "SAVEPOINT 'sp'", "ROLLBACK TO", "RELEASE SAVEPOINT", "USE")) {
            assertThat(errorCode(a, sql)).as(sql).isEqualTo(1064);
        }
        assertThat(errorCode(a, "ROLLBACK TO SAVEPOINT nowhere")).isEqualTo(1305);
        // Read as ROLLBACK TO a savepoint named SAVEPOINT, which does not exist.
        assertThat(errorCode(a, "ROLLBACK TO SAVEPOINT")).isEqualTo(1305);
        assertThat(errorCode(a, "SAVEPOINT ``")).as("an empty name is a name").isZero();
        assertThat(errorCode(a, "ROLLBACK TO SAVEPOINT ``")).isZero();
        assertThat(query(a, "SELECT @@in_transaction")).isEqualTo("1");
        exec(a, "ROLLBACK");
    }

    private static long count(Connection c) throws SQLException {
        return Long.parseLong(query(c, "SELECT COUNT(*) FROM t"));
    }
}
