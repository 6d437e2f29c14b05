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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
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
    static Stream<Arguments> driverShape() {
        List<Arguments> out = new ArrayList<>();
        for (JdbcDriver d : JdbcDriver.values()) {
            for (LegacyJob job : List.of(LegacyJob.AUTOCOMMIT_LOOP, LegacyJob.PLAIN_TRANSACTION,
                    LegacyJob.READ_COMMITTED, LegacyJob.WRONG_ORDER_GLOBAL_LOCK, LegacyJob.COMMIT_IN_THE_MIDDLE)) {
                out.add(Arguments.of(d, job));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("driverShape")
    void hikariPoolingTheGuardedDataSourceGetsItsConnectionBackClean(JdbcDriver driverKind, LegacyJob job)
            throws Exception {
        Properties guard = new Properties();
        guard.setProperty("backupguard.scope", db);
        HikariConfig config = poolConfig();
        config.setDataSource(new BackupGuardDataSource(driverDataSource(driverKind), guard));
        String before = System.setProperty("com.zaxxer.hikari.enableRequestBoundaries", "true");
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } finally {
            restore("com.zaxxer.hikari.enableRequestBoundaries", before);
        }
        try (pool) {
            GuardedConnection first = backupThenReturn(pool, job);
            try (Connection c = pool.getConnection()) {
                assertThat(c.unwrap(GuardedConnection.class)).as("the same pooled connection").isSameAs(first);
                assertClean(c);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("driverShape")
    void guardedDataSourceOverAHikariPoolReleasesBeforeTheConnectionGoesBack(JdbcDriver driverKind, LegacyJob job)
            throws Exception {
        HikariConfig config = poolConfig();
        config.setJdbcUrl(server.url(driverKind, db));
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
                Dump dump = job.run(c, LegacyJob.Hooks.NONE, 0);
                assertThat(bank.consistent(dump)).isTrue();
                assertThat(((GuardedConnection) c).protocol().isBackupSession()).isTrue();
            }
            try (Connection c = pool.getConnection()) {
                assertThat(MariaDbServer.threadId(c)).as("the same physical connection").isEqualTo(backupThread);
                assertClean(c);
            }
        }
    }

    private static DataSource driverDataSource(JdbcDriver kind) throws SQLException {
        if (kind == JdbcDriver.MARIADB) {
            MariaDbDataSource ds = new MariaDbDataSource(server.url(kind, db));
            ds.setUser(server.rootUser());
            ds.setPassword(server.rootPassword());
            return ds;
        }
        com.mysql.cj.jdbc.MysqlDataSource ds = new com.mysql.cj.jdbc.MysqlDataSource();
        ds.setUrl(server.url(kind, db));
        ds.setUser(server.rootUser());
        ds.setPassword(server.rootPassword());
        return ds;
    }

    private static GuardedConnection backupThenReturn(DataSource pool, LegacyJob job) throws SQLException {
        try (Connection c = pool.getConnection()) {
            GuardedConnection guarded = c.unwrap(GuardedConnection.class);
            Dump dump = job.run(c, LegacyJob.Hooks.NONE, 0);
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
