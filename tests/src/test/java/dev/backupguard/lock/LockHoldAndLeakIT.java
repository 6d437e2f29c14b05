package dev.backupguard.lock;

import static dev.backupguard.lock.BoundedLockWaitIT.assertNoGlobalLock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.backupguard.jdbc.BackupGuardDataSource;
import dev.backupguard.jdbc.BackupGuardException;
import dev.backupguard.protocol.Rule;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What happens to a global read lock a backup holds: the hold limit, the sessions waiting on it, and leak safety
 * when the connection is killed, closed, returned to a pool or abandoned. The jobs hold FTWRL themselves (block
 * mode passes their FLUSH TABLES WITH READ LOCK through the lock guard and keeps it until their UNLOCK TABLES).
 */
@WithMariaDb
class LockHoldAndLeakIT {

    private static final Map<String, String> JOB_HOLDS_LOCK = Map.of("mode", "block", "lock.hold-ms", "60000");

    private static String db;
    private MariaDbServer server;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase(MariaDbServer.databaseNameFor(LockHoldAndLeakIT.class));
    }

    @BeforeEach
    void server(MariaDbServer server) {
        this.server = server;
    }

    @Test
    void aBackupKilledMidLockLeavesNoLockAndNoSideConnection() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            int threadsBefore = threads();
            Connection backup = s.guarded(JOB_HOLDS_LOCK);
            long backupId = MariaDbServer.threadId(backup);
            LockScenario.exec(backup, "FLUSH TABLES WITH READ LOCK");
            assertWriteWaitsForTheLock(s);
            LockScenario.awaitState("the backup and the lock guard's side connection",
                    () -> threads() == threadsBefore + 2, Duration.ofSeconds(10));

            server.execute("KILL " + backupId);

            assertNoGlobalLock(s);
            backup.close();
            LockScenario.awaitState("the side connection to close", () -> threads() == threadsBefore,
                    Duration.ofSeconds(10));
        }
    }

    @Test
    void aLockHeldPastTheHoldLimitAbortsTheBackupInEnforceModeWithAClearError() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection backup = s.guarded(Map.of("mode", "block", "rule.lock-hold", "enforce", "lock.hold-ms",
                    "1000"));
            long backupId = MariaDbServer.threadId(backup);
            LockScenario.exec(backup, "FLUSH TABLES WITH READ LOCK");

            LockScenario.awaitState("the guard to abort the backup", () -> !s.exists(backupId), Duration.ofSeconds(15));
            BackupGuardException e = catchThrowableOfType(BackupGuardException.class,
                    () -> LockScenario.exec(backup, "SELECT 1"));

            assertThat(e.rule()).isEqualTo(Rule.LOCK_HOLD);
            assertThat(e.getMessage()).contains("lock-hold", "longer than backupguard.lock.hold-ms=1000", "aborted");
            assertThat(s.events(GuardEvent.LockHoldExceeded.class, backupId)).singleElement()
                    .satisfies(h -> {
                        assertThat(h.action()).isEqualTo("aborted");
                        assertThat(h.heldMicros()).isGreaterThanOrEqualTo(1_000_000);
                    });
            assertNoGlobalLock(s);
        }
    }

    @Test
    void aLockHeldPastTheHoldLimitIsReportedInBlockModeAndTheBackupGoesOn() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection backup = s.guarded(Map.of("mode", "block", "lock.hold-ms", "1000"));
            long backupId = MariaDbServer.threadId(backup);
            LockScenario.exec(backup, "FLUSH TABLES WITH READ LOCK");

            LockScenario.awaitState("the hold limit report",
                    () -> !s.events(GuardEvent.LockHoldExceeded.class, backupId).isEmpty(), Duration.ofSeconds(15));
            LockScenario.exec(backup, "UNLOCK TABLES");

            assertThat(s.events(GuardEvent.LockHoldExceeded.class, backupId)).singleElement()
                    .satisfies(h -> assertThat(h.action()).isEqualTo("reported"));
            assertThat(s.exists(backupId)).isTrue();
            assertNoGlobalLock(s);
        }
    }

    @Test
    void atReleaseTheSessionsThatWaitedOnOurLockAreCounted() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection backup = s.guarded(JOB_HOLDS_LOCK);
            long backupId = MariaDbServer.threadId(backup);
            LockScenario.exec(backup, "FLUSH TABLES WITH READ LOCK");
            Connection writer = s.plain();
            long writerId = MariaDbServer.threadId(writer);
            Future<?> write = s.inBackground(() -> {
                LockScenario.exec(writer, "UPDATE t SET c = c + 1 WHERE id = 2");
                return null;
            });
            LockScenario.awaitState("the write to queue behind the lock",
                    () -> "Waiting for backup lock".equals(s.state(writerId)), Duration.ofSeconds(10));
            LockScenario.awaitState("the write to have waited 100 ms", () -> s.timeMillis(writerId) >= 100,
                    Duration.ofSeconds(10));

            LockScenario.exec(backup, "UNLOCK TABLES");
            write.get(30, TimeUnit.SECONDS);

            assertThat(s.events(GuardEvent.Collateral.class, backupId)).singleElement().satisfies(c -> {
                assertThat(c.kind()).isEqualTo(GuardEvent.LockKind.GLOBAL_READ_LOCK);
                assertThat(c.waitingSessions()).isEqualTo(1);
                assertThat(c.longestWaitMicros()).isGreaterThanOrEqualTo(100_000);
            });
        }
    }

    @Test
    void closingAConnectionThatHoldsTheLockSendsUnlockTablesFirst() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection backup = s.guarded(JOB_HOLDS_LOCK);
            long backupId = MariaDbServer.threadId(backup);
            LockScenario.exec(backup, "FLUSH TABLES WITH READ LOCK");

            backup.close();

            List<String> sent = server.generalLog(backupId).stream().filter(g -> g.isQuery())
                    .map(g -> g.argument()).toList();
            assertThat(sent.subList(sent.indexOf("FLUSH TABLES WITH READ LOCK"), sent.size()))
                    .contains("UNLOCK TABLES");
            assertNoGlobalLock(s);
        }
    }

    @Test
    void aGuardedConnectionOverAPoolReleasesTheLockAndTheBackupStageWhenReturned() throws Exception {
        try (LockScenario s = new LockScenario(server, db); HikariDataSource pool = pool(null)) {
            BackupGuardDataSource guarded = new BackupGuardDataSource(pool, properties(JOB_HOLDS_LOCK));
            // The pool holds one connection, the backup's: side connections must come from elsewhere.
            guarded.setSideConnections(() -> server.connect(JdbcDriver.MARIADB, db));
            long physical;
            try (Connection c = guarded.getConnection()) {
                physical = MariaDbServer.threadId(c);
                LockScenario.exec(c, "FLUSH TABLES WITH READ LOCK");
                assertWriteWaitsForTheLock(s);
            }
            assertNoGlobalLock(s);
            assertThat(s.exists(physical)).as("the pooled connection is still open").isTrue();

            try (Connection c = guarded.getConnection()) {
                assertThat(MariaDbServer.threadId(c)).isEqualTo(physical);
                LockScenario.exec(c, "BACKUP STAGE START");
                LockScenario.exec(c, "BACKUP STAGE BLOCK_DDL");
                assertDdlBlocked(s);
            }
            assertDdlWorks(s);
            assertThat(s.exists(physical)).isTrue();
        }
    }

    @Test
    void aPoolOverGuardedConnectionsReleasesTheLockAtItsRequestBoundary() throws Exception {
        String key = "com.zaxxer.hikari.enableRequestBoundaries";
        String before = System.getProperty(key);
        System.setProperty(key, "true"); // read when the pool is created
        try (LockScenario s = new LockScenario(server, db);
             HikariDataSource pool = pool(new BackupGuardDataSource(driverDataSource(),
                     properties(JOB_HOLDS_LOCK)))) {
            long physical;
            try (Connection c = pool.getConnection()) {
                physical = MariaDbServer.threadId(c);
                LockScenario.exec(c, "FLUSH TABLES WITH READ LOCK");
                assertWriteWaitsForTheLock(s);
            }
            assertNoGlobalLock(s);
            assertThat(s.exists(physical)).as("the pooled connection is still open").isTrue();
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    @Test
    void anAbandonedConnectionThatHoldsTheLockIsReleasedWhenItIsCollected() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            long abandoned = takeLockAndDropTheConnection();
            assertWriteWaitsForTheLock(s);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (s.exists(abandoned) && System.nanoTime() < deadline) {
                System.gc();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }

            assertThat(s.exists(abandoned)).as("the abandoned connection was released and closed").isFalse();
            List<String> sent = server.generalLog(abandoned).stream().filter(g -> g.isQuery())
                    .map(g -> g.argument()).toList();
            assertThat(sent.get(sent.size() - 1)).isEqualTo("UNLOCK TABLES");
            assertNoGlobalLock(s);
        }
    }

    /** Takes the lock on a guarded connection that nothing references afterwards; returns its thread id. */
    private long takeLockAndDropTheConnection() throws SQLException {
        Properties p = properties(JOB_HOLDS_LOCK);
        p.setProperty("user", server.rootUser());
        p.setProperty("password", server.rootPassword());
        Connection c = DriverManager.getConnection("jdbc:backupguard:"
                + server.url(JdbcDriver.MARIADB, db).substring("jdbc:".length()), p);
        LockScenario.exec(c, "FLUSH TABLES WITH READ LOCK");
        return MariaDbServer.threadId(c);
    }

    private HikariDataSource pool(javax.sql.DataSource dataSource) {
        HikariConfig config = new HikariConfig();
        if (dataSource != null) {
            config.setDataSource(dataSource);
        } else {
            config.setJdbcUrl(server.url(JdbcDriver.MARIADB, db));
            config.setUsername(server.rootUser());
            config.setPassword(server.rootPassword());
        }
        config.setMaximumPoolSize(1);
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    private javax.sql.DataSource driverDataSource() throws SQLException {
        org.mariadb.jdbc.MariaDbDataSource ds = new org.mariadb.jdbc.MariaDbDataSource(server.url(JdbcDriver.MARIADB, db));
        ds.setUser(server.rootUser());
        ds.setPassword(server.rootPassword());
        return ds;
    }

    private static Properties properties(Map<String, String> settings) {
        Properties p = new Properties();
        settings.forEach((k, v) -> p.setProperty("backupguard." + k, v));
        return p;
    }

    private int threads() {
        return Integer.parseInt(server.queryString("SELECT COUNT(*) FROM information_schema.PROCESSLIST"));
    }

    /** The lock is really held: a write with lock_wait_timeout=1 fails with 1205. */
    private static void assertWriteWaitsForTheLock(LockScenario s) throws SQLException {
        try (Connection c = s.plain()) {
            LockScenario.exec(c, "SET SESSION lock_wait_timeout = 1");
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> LockScenario.exec(c, "UPDATE t SET c = c + 1 WHERE id = 3"));
            assertThat(e.getErrorCode()).isEqualTo(1205);
        }
    }

    private static void assertDdlBlocked(LockScenario s) throws SQLException {
        try (Connection c = s.plain()) {
            LockScenario.exec(c, "SET SESSION lock_wait_timeout = 1");
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> LockScenario.exec(c, "ALTER TABLE t ADD COLUMN d1 INT"));
            assertThat(e.getErrorCode()).isEqualTo(1205);
        }
    }

    private static void assertDdlWorks(LockScenario s) throws SQLException {
        try (Connection c = s.plain()) {
            LockScenario.exec(c, "SET SESSION lock_wait_timeout = 1");
            LockScenario.exec(c, "ALTER TABLE t ADD COLUMN d2 INT");
        }
    }
}
