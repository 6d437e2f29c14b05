package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.legacy.Bank;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.SnapshotWay;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.telemetry.TelemetrySink;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * I5 on MariaDB with the binary log on (docs/server-facts.md, fact 3d): ROLLBACK TO SAVEPOINT releases the metadata
 * lock of a dumped table only for a session with sql_log_bin=0, which the guard sets for the snapshot (root has
 * BINLOG ADMIN). A concurrent ALTER of a table already dumped finishes while the dump goes on; an ALTER of the table
 * being read waits (processlist) until the job moves to the next table.
 */
@WithMariaDb
class MetadataLockIT {

    private static MariaDbServer server;
    private static String db;
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @BeforeAll
    static void bank(MariaDbServer s) throws SQLException {
        server = s;
        db = server.createDatabase(MariaDbServer.databaseNameFor(MetadataLockIT.class));
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            Bank.create(c, 100, 1_000, false);
        }
    }

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void alterOfAnAlreadyDumpedTableIsNotBlockedUntilTheEndOfTheDump(JdbcDriver driver) throws Exception {
        try (Connection job = DriverManager.getConnection(GuardedUrls.guarded(server, driver, db, "enforce",
                SnapshotWay.AUTO), server.rootUser(), server.rootPassword());
             Connection ddl = server.connect(JdbcDriver.MARIADB, db);
             Connection waiter = server.connect(JdbcDriver.MARIADB, db)) {
            bound(ddl);
            bound(waiter);
            readAll(job, "checking");
            readAll(job, "savings");

            // checking was dumped: its metadata lock went with the ROLLBACK TO SAVEPOINT before savings.
            try (Statement s = ddl.createStatement()) {
                s.execute("ALTER TABLE checking COMMENT = 'altered during the dump'");
            }
            // savings is the table the job read last: an ALTER of it waits for its metadata lock...
            long waiterThread = MariaDbServer.threadId(waiter);
            Future<?> alter = background.submit(() -> {
                try (Statement s = waiter.createStatement()) {
                    s.execute("ALTER TABLE savings COMMENT = 'altered during the dump'");
                }
                return null;
            });
            awaitState(waiterThread, "Waiting for table metadata lock");
            // ...until the job moves on to the next table.
            readAll(job, "transfers");
            alter.get(10, TimeUnit.SECONDS);

            GuardedConnection guarded = job.unwrap(GuardedConnection.class);
            assertThat(guarded.protocol().inSnapshot()).as("the dump is still running").isTrue();
            assertThat(value(job, "SELECT @@sql_log_bin")).as("sql_log_bin during the backup").isEqualTo("0");
        }
    }

    /**
     * The unprivileged user has no BINLOG ADMIN: the guard goes on without sql_log_bin=0 (the savepoint then cannot
     * release metadata locks on MariaDB) and says so with the mdl-per-table rule.
     */
    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void withoutBinlogAdminTheBackupGoesOnAndReportsTheHeldMetadataLocks(JdbcDriver driver) throws Exception {
        List<GuardEvent.RuleApplied> rules = new CopyOnWriteArrayList<>();
        TelemetrySink sink = new TelemetrySink() {
            @Override
            public void accept(GuardEvent event) {
                rules.add((GuardEvent.RuleApplied) event);
            }

            @Override
            public boolean wants(Class<? extends GuardEvent> type) {
                return type == GuardEvent.RuleApplied.class;
            }
        };
        BackupGuard.telemetry().add(sink);
        try (Connection job = DriverManager.getConnection(GuardedUrls.guarded(server, driver, db, "enforce",
                SnapshotWay.AUTO), server.appUser(), server.appPassword())) {
            ServerLog log = ServerLog.mark(server, job);
            readAll(job, "checking");
            readAll(job, "savings");
            long thread = log.threadId();

            assertThat(job.unwrap(GuardedConnection.class).protocol().inSnapshot()).isTrue();
            assertThat(log.statements()).contains(JobShape.SKIP_BINLOG, JobShape.START)
                    .doesNotContain(JobShape.ROLLBACK_TO);
            assertThat(rules).filteredOn(r -> r.origin().connectionId() == thread)
                    .extracting(r -> r.finding().rule()).contains(Rule.MDL_PER_TABLE);
        } finally {
            BackupGuard.telemetry().remove(sink);
        }
    }

    private static void readAll(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            while (rs.next()) {
                rs.getLong(1);
            }
        }
    }

    private static void bound(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION lock_wait_timeout = 10"); // a bug fails the test instead of hanging the build
        }
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void awaitState(long thread, String state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!state.equals(server.queryString("SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = "
                + thread))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("thread " + thread + " never showed '" + state + "'");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }
}
