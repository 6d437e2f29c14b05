package dev.backupguard.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Proves the fixture: a real server with a binlog, a general log per connection, accounts and the dump tool. */
@WithMariaDb
class MariaDbServerIT {

    static String db;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase(MariaDbServer.databaseNameFor(MariaDbServerIT.class));
        server.execute("CREATE TABLE " + db + ".t (id INT PRIMARY KEY, c INT NOT NULL) ENGINE=InnoDB");
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void connectsThroughEachDriverToTheRealServer(JdbcDriver driver, MariaDbServer server) throws SQLException {
        try (Connection c = server.connect(driver, db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT VERSION(), @@log_bin, @@binlog_format, @@general_log, @@log_output,"
                     + " @@default_storage_engine, @@bind_address, DATABASE()")) {
            assertThat(c.getMetaData().getDriverName())
                    .contains(driver == JdbcDriver.MARIADB ? "MariaDB Connector/J" : "MySQL Connector/J");
            rs.next();
            assertThat(rs.getString(1)).startsWith(MariaDbServer.VERSION).contains("MariaDB");
            assertThat(rs.getInt(2)).isEqualTo(1);
            assertThat(rs.getString(3)).isEqualTo("ROW");
            assertThat(rs.getInt(4)).isEqualTo(1);
            assertThat(rs.getString(5)).isEqualTo("TABLE");
            assertThat(rs.getString(6)).isEqualTo("InnoDB");
            assertThat(rs.getString(7)).isEqualTo("127.0.0.1");
            assertThat(rs.getString(8)).isEqualTo(db);
        }
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void binlogPositionMovesAfterAWriteButNotAfterARead(JdbcDriver driver, MariaDbServer server) throws SQLException {
        int id = 100 + driver.ordinal();
        try (Connection c = server.connect(driver, db); Statement s = c.createStatement()) {
            BinlogPosition start = server.binlogPosition();
            s.executeQuery("SELECT COUNT(*) FROM t").close();
            assertThat(server.binlogPosition()).isEqualTo(start);

            s.executeUpdate("INSERT INTO t VALUES (" + id + ", 1)");
            BinlogPosition afterWrite = server.binlogPosition();
            assertThat(afterWrite.isAfter(start)).as("%s after %s", afterWrite, start).isTrue();
            assertThat(server.gtidBinlogPos()).matches("0-1-\\d+");
        }
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void generalLogShowsTheStatementsOfOneConnectionInTheOrderSent(JdbcDriver driver, MariaDbServer server)
            throws SQLException {
        int id = 200 + driver.ordinal();
        List<String> sent = List.of(
                "INSERT INTO t VALUES (" + id + ", 1)",
                "UPDATE t SET c = c + 1 WHERE id = " + id,
                "SELECT c FROM t WHERE id = " + id,
                "/* marker */ SELECT 'Ünïcödé', 1",
                "DELETE FROM t WHERE id = " + id);
        try (Connection c = server.connect(driver, db); Connection other = server.connect(driver, db);
             Statement s = c.createStatement(); Statement o = other.createStatement()) {
            long thread = MariaDbServer.threadId(c);
            try (ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
                rs.next();
                assertThat(rs.getLong(1)).as("threadId() agrees with the server").isEqualTo(thread);
            }
            for (String sql : sent) {
                s.execute(sql);
                o.execute("SELECT 'other connection'"); // interleaved, must not show up under c's thread id
            }

            List<GeneralLogEntry> log = server.generalLog(thread);
            assertThat(log).allMatch(e -> e.threadId() == thread);
            assertThat(log.get(0).commandType()).isEqualTo("Connect");
            assertThat(log).extracting(GeneralLogEntry::eventTime).isSorted();
            assertThat(log).extracting(GeneralLogEntry::sequence).isSorted();
            // The driver's own statements are in the log too: at connect, and Connector/J 9 against MariaDB sends
            // SELECT @@session.transaction_read_only before each non-SELECT Statement.execute(). So the test's
            // statements are a subsequence, in order, and the last one is the last query.
            List<String> queries = server.queriesOf(c);
            assertThat(queries).containsSubsequence(sent).endsWith(sent.get(sent.size() - 1));
            assertThat(queries).doesNotContain("SELECT 'other connection'");
            assertThat(server.queriesOf(other)).contains("SELECT 'other connection'").doesNotContainAnyElementsOf(sent);
            // event_time keeps microseconds
            assertThat(log).anyMatch(e -> e.eventTime().getNano() % 1_000_000 != 0);
        }
    }

    @Test
    void generalLogCanBeClearedWhileLoggingIsOnAndHoldsNothingOfTheFixtureItself(MariaDbServer server)
            throws SQLException {
        server.createDatabase("t_fixture_scratch");
        server.clearGeneralLog();
        assertThat(server.generalLog()).isEmpty();
        try (Connection c = server.connect(JdbcDriver.MARIADB, db); Statement s = c.createStatement()) {
            s.execute("SELECT 42");
            assertThat(server.queriesOf(c)).endsWith("SELECT 42");
        }
        assertThat(server.generalLog()).noneMatch(e -> e.argument().contains("t_fixture_scratch"));
        assertThat(server.generalLog()).noneMatch(e -> e.argument().contains(server.rootPassword()));
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void appUserCanReadAndWriteButHasNoServerPrivileges(JdbcDriver driver, MariaDbServer server) throws SQLException {
        assertThat(server.rootPassword()).hasSizeGreaterThanOrEqualTo(20).isNotEqualTo(server.appPassword());
        assertThatThrownBy(() -> DriverManager.getConnection(server.url(driver, db), "root", "").close())
                .as("root without its password").isInstanceOf(SQLException.class).hasMessageContaining("Access denied");
        try (Connection c = server.connectAsApp(driver, db); Statement s = c.createStatement()) {
            int id = 300 + driver.ordinal();
            s.executeUpdate("INSERT INTO t VALUES (" + id + ", 1)");
            s.executeUpdate("DELETE FROM t WHERE id = " + id);
            for (String privileged : List.of("FLUSH TABLES WITH READ LOCK", "FLUSH LOGS", "SHOW BINLOG STATUS",
                    "LOCK TABLES t READ", "SHOW FULL PROCESSLIST")) {
                if (privileged.startsWith("SHOW FULL")) {
                    // without PROCESS a user sees only its own threads
                    try (ResultSet rs = s.executeQuery(privileged)) {
                        while (rs.next()) {
                            assertThat(rs.getString("User")).isEqualTo(MariaDbServer.APP_USER);
                        }
                    }
                    continue;
                }
                assertThatThrownBy(() -> s.execute(privileged)).as(privileged)
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isIn(1044, 1227));
            }
        }
    }

    @Test
    void bundledMariadbDumpRunsAgainstTheServer(MariaDbServer server) throws IOException, InterruptedException {
        assertThat(server.mariadbDump()).isExecutable();
        assertThat(run(server.mariadbDumpCommand("--version"))).contains("11.4.5-MariaDB");

        server.execute("INSERT INTO " + db + ".t VALUES (900, 9) ON DUPLICATE KEY UPDATE c = 9");
        String dump = run(server.mariadbDumpCommand("--single-transaction", "--master-data=2", "--skip-comments",
                "--databases", db));
        assertThat(dump).contains("CHANGE MASTER TO MASTER_LOG_FILE='binlog.", "CREATE TABLE `t`", "(900,9)");
        server.execute("DELETE FROM " + db + ".t WHERE id = 900");

        assertThat(run(server.mariadbClientCommand("-N", "-e", "SELECT CURRENT_USER()"))).contains("root@");
    }

    private static String run(ProcessBuilder builder) throws IOException, InterruptedException {
        Process p = builder.redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }
}
