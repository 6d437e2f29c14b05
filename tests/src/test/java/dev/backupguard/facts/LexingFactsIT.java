package dev.backupguard.facts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fact 10 of docs/server-facts.md, as assertions: how MariaDB 11.4 reads text, which the guard must read the same
 * way: the sql_mode flags that move where strings end, executable comments judged against the server's version, the
 * sql_mode changing from one statement of a multi-statement text to the next, dynamic SQL and compound statements
 * running FLUSH TABLES WITH READ LOCK, and the server version the drivers hand out without a query.
 */
@WithMariaDb
class LexingFactsIT {

    private static String db;
    private final List<Connection> connections = new ArrayList<>();
    private MariaDbServer server;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase(MariaDbServer.databaseNameFor(LexingFactsIT.class));
        server.execute("CREATE TABLE " + db + ".t (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE PROCEDURE " + db + ".take_lock() FLUSH TABLES WITH READ LOCK");
    }

    @BeforeEach
    void server(MariaDbServer server) {
        this.server = server;
    }

    @AfterEach
    void close() throws SQLException {
        for (Connection c : connections) {
            c.close();
        }
    }

    // ------------------------------------------------------------------------------------------ versioned comments

    /**
     * {@code SELECT 10 <comment> AS r}: 11 when the comment's {@code +1} is SQL, 10 when the server skips it. Five
     * digits, or six when a sixth follows; {@code /*!} versions 50700 to 99999 are skipped as MySQL-only, {@code /*M!}
     * ones are not; fewer than five digits are SQL themselves (a syntax error here).
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "/*!99999 +1 */ | 10", "/*!50700 +1 */ | 10", "/*!80000 +1 */ | 10", "/*!50699 +1 */ | 11",
        "/*!40101 +1 */ | 11", "/*!100000 +1 */ | 11", "/*!110405 +1 */ | 11", "/*!110406 +1 */ | 10",
        "/*!401011 +1 */ | 10", "/*!110405+1 */ | 11", "/*!00000 +1 */ | 11",
        "/*M!99999 +1 */ | 11", "/*M!50700 +1 */ | 11", "/*M!110405 +1 */ | 11", "/*M!110406 +1 */ | 10",
        "/*M!999999 +1 */ | 10", "/*! +1 */ | 11", "/*M! +1 */ | 11", "/*m! +1 */ | 10",
        "/*!99999 /* nested */ +1 */ | 10", "/*!99999 ' */ +1 /* ' */ | 11",
        "/*!1234 +1 */ | syntax error", "/*!1104051 */ | syntax error"})
    void mariadbJudgesVersionedCommentsByFiveOrSixDigits(String comment, String expected) throws SQLException {
        for (JdbcDriver driver : JdbcDriver.values()) {
            assertThat(valueOrError(open(driver), "SELECT 10 " + comment + " AS r")).as(driver.name())
                    .isEqualTo(expected);
        }
    }

    // ------------------------------------------------------------------------------------------ sql_mode

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void underNoBackslashEscapesABackslashEndsNoString(JdbcDriver driver) throws SQLException {
        Connection c = open(driver, true);
        exec(c, "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'");

        assertThat(valueOrError(c, "SELECT 'a\\'")).isEqualTo("a\\");
        assertThat(results(c, "SELECT 'a\\'; SELECT 2; SELECT '\\'")).containsExactly("a\\", "2", "\\");
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void underAnsiQuotesADoubleQuotedTokenIsANameWithoutBackslashEscapes(JdbcDriver driver) throws SQLException {
        Connection c = open(driver, true);
        exec(c, "SET SESSION sql_mode = 'ANSI_QUOTES'");

        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 AS \"a\\\"")) {
            assertThat(rs.getMetaData().getColumnLabel(1)).isEqualTo("a\\");
        }
        assertThat(results(c, "SELECT 1 AS \"x\\\"; SELECT 2; SELECT 3 AS \"\\\"")).containsExactly("1", "2", "3");
    }

    @Test
    void theServerReadsEachStatementOfMultiStatementTextUnderTheSqlModeTheOnesBeforeItSet() throws SQLException {
        Connection c = open(JdbcDriver.MARIADB, true);

        assertThat(results(c, "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'; SELECT 'a\\'; SELECT '\\'"))
                .containsExactly("a\\", "\\");
    }

    @Test
    void combinationModesIncludeAnsiQuotesAndAnEnumeratedValueMayBeABareWord() throws SQLException {
        Connection c = open(JdbcDriver.MARIADB);
        for (String mode : List.of("ANSI", "ORACLE", "DB2", "MSSQL", "POSTGRESQL", "MAXDB")) {
            exec(c, "SET SESSION sql_mode = '" + mode + "'");
            assertThat(valueOrError(c, "SELECT @@SESSION.sql_mode")).as(mode).contains("ANSI_QUOTES");
        }
        exec(c, "SET SESSION sql_mode = NO_BACKSLASH_ESCAPES");
        assertThat(valueOrError(c, "SELECT @@SESSION.sql_mode")).isEqualTo("NO_BACKSLASH_ESCAPES");
        exec(c, "SET SESSION sql_mode = 4");
        assertThat(valueOrError(c, "SELECT @@SESSION.sql_mode")).as("a number is a bit set").isEqualTo("ANSI_QUOTES");
    }

    // ------------------------------------------------------------------------------------------ what runs FTWRL

    /** Each of these takes the global read lock, as {@code @@GLOBAL.read_only} never shows (it stays 0). */
    @ParameterizedTest
    @ValueSource(strings = {"EXECUTE IMMEDIATE 'FLUSH TABLES WITH READ LOCK'",
        "EXECUTE IMMEDIATE 'FLUSH\\tTABLES WITH READ LOCK'", "CALL take_lock()",
        "BEGIN NOT ATOMIC FLUSH TABLES WITH READ LOCK; END", "IF 1 THEN FLUSH TABLES WITH READ LOCK; END IF"})
    void dynamicSqlAndCompoundStatementsRunFtwrl(String sql) throws SQLException {
        Connection c = open(JdbcDriver.MARIADB);
        exec(c, sql);

        assertThat(errorCode(c, "INSERT INTO t VALUES (1)")).as("1223: this session holds the lock").isEqualTo(1223);
        assertThat(valueOrError(c, "SELECT @@GLOBAL.read_only")).isEqualTo("0");
        exec(c, "UNLOCK TABLES");
    }

    @Test
    void preparedTextComesFromALiteralOrAUserVariableAndAFailedPrepareDeallocatesTheName() throws SQLException {
        Connection c = open(JdbcDriver.MARIADB);
        exec(c, "SET @v = 'FLUSH TABLES WITH READ LOCK'");
        exec(c, "PREPARE s FROM @v");
        exec(c, "EXECUTE s");
        assertThat(errorCode(c, "INSERT INTO t VALUES (1)")).isEqualTo(1223);
        exec(c, "UNLOCK TABLES");

        assertThat(errorCode(c, "PREPARE s FROM 'SELECT 1; SELECT 2'")).as("one statement only").isEqualTo(1064);
        assertThat(errorCode(c, "EXECUTE s")).as("Unknown prepared statement handler").isEqualTo(1243);
        assertThat(errorCode(c, "EXECUTE IMMEDIATE 'EXECUTE IMMEDIATE ''SELECT 1'''")).isEqualTo(1295);
        assertThat(errorCode(c, "PREPARE s FROM 'BEGIN NOT ATOMIC SELECT 1; END'")).as("prepared").isEqualTo(0);
        exec(c, "DROP PREPARE s");
        assertThat(errorCode(c, "EXECUTE s")).isEqualTo(1243);
    }

    // ------------------------------------------------------------------------------------------ the handshake

    /** Both drivers answer the server version from the handshake: no statement reaches the general log. */
    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void theDriversKnowTheServerVersionWithoutAQuery(JdbcDriver driver) throws SQLException {
        Connection c = open(driver);
        int before = server.generalLog(c).size();

        String version = c.getMetaData().getDatabaseProductVersion();

        assertThat(version).isEqualTo(valueOrError(open(JdbcDriver.MARIADB), "SELECT VERSION()"));
        assertThat(server.generalLog(c)).hasSize(before);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private Connection open(JdbcDriver driver) throws SQLException {
        return open(driver, false);
    }

    private Connection open(JdbcDriver driver, boolean multiStatements) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", server.rootUser());
        p.setProperty("password", server.rootPassword());
        p.setProperty("allowMultiQueries", String.valueOf(multiStatements));
        Connection c = DriverManager.getConnection(server.url(driver, db), p);
        connections.add(c);
        return c;
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The first column of the first row, or "syntax error" for error 1064. */
    static String valueOrError(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            if (e.getErrorCode() == 1064) {
                return "syntax error";
            }
            throw e;
        }
    }

    /** The first value of each result set of (multi-statement) text. */
    private static List<String> results(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            boolean rows = s.execute(sql);
            while (rows || s.getUpdateCount() != -1) {
                if (rows) {
                    try (ResultSet rs = s.getResultSet()) {
                        rs.next();
                        out.add(rs.getString(1));
                    }
                }
                rows = s.getMoreResults();
            }
        }
        return out;
    }

    /** The vendor code of the error {@code sql} fails with, 0 when it succeeds. */
    static int errorCode(Connection c, String sql) {
        try {
            exec(c, sql);
            return 0;
        } catch (SQLException e) {
            return e.getErrorCode();
        }
    }
}
