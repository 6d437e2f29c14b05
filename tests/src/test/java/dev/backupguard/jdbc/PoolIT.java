package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backupguard.legacy.Bank;
import dev.backupguard.legacy.Dump;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * backup-guard with HikariCP, both ways round: HikariCP pooling {@code BackupGuardDataSource(MariaDbDataSource)}, and
 * {@code BackupGuardDataSource} wrapping a {@code HikariDataSource}. A pooled connection handed back after a backup
 * session holds no snapshot and no lock, logs to the binlog again (sql_log_bin=1) and has the pool's isolation level.
 * The pool has one connection, so the second borrow gets the physical connection the backup used.
 */
@WithMariaDb
class PoolIT {

    private static MariaDbServer server;
    private static String db;
    private static Bank bank;

    @BeforeAll
    static void bank(MariaDbServer s) throws SQLException {
        server = s;
        db = server.createDatabase(MariaDbServer.databaseNameFor(PoolIT.class));
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            bank = Bank.create(c, 100, 1_000, false);
        }
    }

    /**
     * HikariCP never calls close() on the connection it pools; it says "returned" through the JDBC 4.3 request
     * boundaries, which it sends only with {@code com.zaxxer.hikari.enableRequestBoundaries=true} (read when the pool
     * is built). GuardedConnection.endRequest() ends the backup session.
     */
    @Test
    void hikariPoolingTheGuardedDataSourceGetsItsConnectionBackClean() throws Exception {
        MariaDbDataSource driver = new MariaDbDataSource(server.url(JdbcDriver.MARIADB, db));
        driver.setUser(server.rootUser());
        driver.setPassword(server.rootPassword());
        Properties guard = new Properties();
        guard.setProperty("backupguard.scope", db);
        HikariConfig config = poolConfig();
        config.setDataSource(new BackupGuardDataSource(driver, guard));
        String before = System.setProperty("com.zaxxer.hikari.enableRequestBoundaries", "true");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } finally {
            restore("com.zaxxer.hikari.enableRequestBoundaries", before);
        }
        try (pool) {
            GuardedConnection first = backupThenReturn(pool);
            try (Connection c = pool.getConnection()) {
                assertThat(c.unwrap(GuardedConnection.class)).as("the same pooled connection").isSameAs(first);
                assertClean(c);
            }
        }
    }

    @Test
    void guardedDataSourceOverAHikariPoolReleasesBeforeTheConnectionGoesBack() throws Exception {
        HikariConfig config = poolConfig();
        config.setJdbcUrl(server.url(JdbcDriver.MARIADB, db));
        config.setUsername(server.rootUser());
        config.setPassword(server.rootPassword());
        Properties guard = new Properties();
        guard.setProperty("backupguard.scope", db);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            DataSource guarded = new BackupGuardDataSource(pool, guard);
            long backupThread;
            try (Connection c = guarded.getConnection()) {
                assertThat(c).isInstanceOf(GuardedConnection.class);
                backupThread = MariaDbServer.threadId(c);
                Dump dump = LegacyJob.AUTOCOMMIT_LOOP.run(c, LegacyJob.Hooks.NONE, 0);
                assertThat(bank.consistent(dump)).isTrue();
                assertThat(((GuardedConnection) c).protocol().isBackupSession()).isTrue();
            }
            try (Connection c = pool.getConnection()) {
                assertThat(MariaDbServer.threadId(c)).as("the same physical connection").isEqualTo(backupThread);
                assertClean(c);
            }
        }
    }

    private static GuardedConnection backupThenReturn(DataSource pool) throws SQLException {
        try (Connection c = pool.getConnection()) {
            GuardedConnection guarded = c.unwrap(GuardedConnection.class);
            Dump dump = LegacyJob.AUTOCOMMIT_LOOP.run(c, LegacyJob.Hooks.NONE, 0);
            assertThat(bank.consistent(dump)).isTrue();
            assertThat(guarded.protocol().isBackupSession()).isTrue();
            assertThat(variables(c)[1]).as("sql_log_bin during the backup").isEqualTo("0");
            return guarded;
        }
    }

    /** No transaction (snapshot), binlog on, the pool's level; and no lock: another session can write and alter. */
    private static void assertClean(Connection c) throws SQLException {
        String[] v = variables(c);
        assertThat(v[0]).as("@@in_transaction").isEqualTo("0");
        assertThat(v[1]).as("@@sql_log_bin").isEqualTo("1");
        assertThat(v[2]).as("@@tx_isolation: the pool's").isEqualTo("READ-COMMITTED");
        try (Connection other = server.connect(JdbcDriver.MARIADB, db); Statement s = other.createStatement()) {
            s.execute("SET SESSION lock_wait_timeout = 2"); // a global read lock or MDL left behind fails this
            s.execute("UPDATE checking SET balance = balance WHERE id = 1");
            s.execute("ALTER TABLE savings COMMENT = 'altered after the backup'");
        }
    }

    private static String[] variables(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT @@in_transaction, @@sql_log_bin, @@tx_isolation")) {
            rs.next();
            return new String[]{rs.getString(1), rs.getString(2), rs.getString(3)};
        }
    }

    private static HikariConfig poolConfig() {
        HikariConfig config = new HikariConfig();
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(1);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setConnectionTimeout(10_000);
        return config;
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
