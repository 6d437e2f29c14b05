package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mysql.cj.jdbc.MysqlDataSource;
import dev.backupguard.legacy.Bank;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * Settings given with one connection (URL parameters, the DataSource's properties) follow the one configuration
 * policy: an invalid value does not fail the connect; ordinary statements pass and every backup session is refused
 * with an SQLException that carries the error (on-config-error=refuse). And the driver's own options are read with
 * its own rules: a multi-statement text is seen whenever the driver sends one.
 */
@WithMariaDb
class ConnectionSettingsIT {

    private static MariaDbServer server;
    private static String db;

    @BeforeAll
    static void bank(MariaDbServer s) throws SQLException {
        server = s;
        db = server.createDatabase(MariaDbServer.databaseNameFor(ConnectionSettingsIT.class));
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            Bank.create(c, 20, 1_000, false);
        }
    }

    private static String guardedUrl(JdbcDriver driver, String parameters) {
        String url = server.url(driver, db);
        return "jdbc:backupguard:" + url.substring("jdbc:".length()) + (url.contains("?") ? "&" : "?") + parameters;
    }

    /** An ordinary statement passes; the job's first read, which starts its backup session, is refused. */
    private static void assertBackupRefused(Connection c, String... inMessage) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1").close();
        }
        ServerLog log = ServerLog.mark(server, c);
        assertThatThrownBy(() -> LegacyJob.AUTOCOMMIT_LOOP.run(c, LegacyJob.Hooks.NONE, 0))
                .isInstanceOf(SQLException.class)
                .hasMessageStartingWith("backup-guard refuses backup sessions: its configuration has errors: ")
                .hasMessageContainingAll(inMessage)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("HY024"));
        assertThat(log.statements()).as("nothing of the refused session reached the server").isEmpty();
    }

    @Test
    void anInvalidUrlParameterNoLongerFailsTheConnectButRefusesItsBackupSessions() throws SQLException {
        try (Connection c = DriverManager.getConnection(guardedUrl(JdbcDriver.MARIADB, "backupguard.mode=enforse"),
                server.rootUser(), server.rootPassword())) {
            assertBackupRefused(c, "URL parameter backupguard.mode is 'enforse', not enforce, block, audit");
        }
    }

    @Test
    void anUnknownRuleInTheUrlIsIgnoredAndTheBackupIsGuarded() throws SQLException {
        try (Connection c = DriverManager.getConnection(guardedUrl(JdbcDriver.MARIADB,
                "backupguard.rule.no-such-rule=off&backupguard.scope=" + db), server.rootUser(), server.rootPassword())) {
            LegacyJob.AUTOCOMMIT_LOOP.run(c, LegacyJob.Hooks.NONE, 0);
            GuardedConnection guard = c.unwrap(GuardedConnection.class);
            assertThat(guard.protocol().verdict().consistent()).isTrue();
            assertThat(guard.protocol().verdict().tablesRead()).hasSize(Bank.TABLES.size());
        }
    }

    @Test
    void anInvalidDataSourcePropertyNoLongerFailsTheConstructorButRefusesBackupSessions() throws SQLException {
        Properties settings = new Properties();
        settings.setProperty("backupguard.mode", "enforse");
        DataSource ds = new BackupGuardDataSource(new MariaDbDataSource(server.url(JdbcDriver.MARIADB, db)), settings);
        try (Connection c = ds.getConnection(server.rootUser(), server.rootPassword())) {
            assertBackupRefused(c, "connection property backupguard.mode is 'enforse'");
        }
    }

    /** Unbounded, this hold limit made an ArithmeticException escape the FTWRL of the global-lock snapshot. */
    @Test
    void aHoldLimitOutOfBoundsIsAConfigurationErrorNotAnArithmeticException() throws SQLException {
        Properties settings = new Properties();
        settings.setProperty("backupguard.lock.hold-ms", Long.toString(Long.MAX_VALUE));
        settings.setProperty("backupguard.snapshot.way", "global-lock");
        settings.setProperty("backupguard.scope", db);
        DataSource ds = new BackupGuardDataSource(new MariaDbDataSource(server.url(JdbcDriver.MARIADB, db)), settings);
        try (Connection c = ds.getConnection(server.rootUser(), server.rootPassword())) {
            assertBackupRefused(c, "connection property backupguard.lock.hold-ms is '9223372036854775807', not 1 to "
                    + "86400000");
        }
    }

    /**
     * The FTWRL behind {@code SELECT 1;} went to the server as a statement of its own, under the lock guard: the
     * guard saw it. (The global-lock snapshot way makes the guard send the job's FTWRL; on MariaDB the default way
     * absorbs it, the snapshot reporting its own coordinates.)
     */
    private static void assertLockSeen(Connection c) throws SQLException {
        ServerLog log = ServerLog.mark(server, c);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 1; FLUSH TABLES WITH READ LOCK");
            assertThat(c.unwrap(GuardedConnection.class).protocol().isBackupSession()).isTrue();
            s.execute("UNLOCK TABLES");
        }
        assertThat(log.statements()).contains("FLUSH TABLES WITH READ LOCK")
                .doesNotContain("SELECT 1; FLUSH TABLES WITH READ LOCK");
    }

    private static final String GLOBAL_LOCK = "&backupguard.snapshot.way=global-lock";

    private static Properties globalLock() {
        Properties p = new Properties();
        p.setProperty("backupguard.snapshot.way", "global-lock");
        return p;
    }

    @Test
    void theUrlDriverReadsAllowMultiQueriesAsEachDriverDoes() throws SQLException {
        for (String parameters : new String[]{"allowMultiQueries=1", "allowMultiQueries", "ALLOWMULTIQUERIES=TRUE"}) {
            try (Connection c = DriverManager.getConnection(guardedUrl(JdbcDriver.MARIADB, parameters + GLOBAL_LOCK),
                    server.rootUser(), server.rootPassword())) {
                assertLockSeen(c);
            }
        }
        for (String parameters : new String[]{"allowMultiQueries=yes", "allowMultiQueries=YES"}) {
            try (Connection c = DriverManager.getConnection(guardedUrl(JdbcDriver.MYSQL, parameters + GLOBAL_LOCK),
                    server.rootUser(), server.rootPassword())) {
                assertLockSeen(c);
            }
        }
    }

    @Test
    void theDataSourceReadsAllowMultiQueriesFromItsTarget() throws SQLException {
        MariaDbDataSource mariadb = new MariaDbDataSource(server.url(JdbcDriver.MARIADB, db) + "?allowMultiQueries=1");
        try (Connection c = new BackupGuardDataSource(mariadb, globalLock()).getConnection(server.rootUser(), server.rootPassword())) {
            assertLockSeen(c);
        }
        MysqlDataSource mysql = new MysqlDataSource();
        mysql.setURL(server.url(JdbcDriver.MYSQL, db));
        mysql.setAllowMultiQueries(true); // a setter, not the URL
        try (Connection c = new BackupGuardDataSource(mysql, globalLock()).getConnection(server.rootUser(), server.rootPassword())) {
            assertLockSeen(c);
        }
        mysql.setURL(server.url(JdbcDriver.MYSQL, db) + "&allowMultiQueries=yes");
        mysql.setAllowMultiQueries(false); // the URL takes precedence over the setter in MysqlDataSource
        try (Connection c = new BackupGuardDataSource(mysql, globalLock()).getConnection(server.rootUser(), server.rootPassword())) {
            assertLockSeen(c);
        }
    }
}
