package dev.backupguard.lock;

import static dev.backupguard.lock.BoundedLockWaitIT.assertNoGlobalLock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.backupguard.config.Settings;
import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.jdbc.BackupGuardException;
import dev.backupguard.jdbc.ConnectionSource;
import dev.backupguard.jdbc.GuardedConnection;
import dev.backupguard.protocol.Rule;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.testserver.GeneralLogEntry;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Statements that take FLUSH TABLES WITH READ LOCK where the guard used not to see it, against the real server: the
 * guard now sees the lock (its lock events), bounds its hold (the hold limit aborts the connection in enforce mode)
 * and the writer queued behind it goes on. And the reverse: a versioned comment the server skips takes no lock, so
 * the guard must not act as if it did. The server behaviour relied on is fact 10 and 11 of docs/server-facts.md.
 */
@WithMariaDb
class HiddenLockIT {

    /** The job's own FTWRL passes through the lock guard (block mode); the hold limit aborts (enforce for it). */
    private static final Map<String, String> JOB_LOCK_BOUNDED = Map.of("mode", "block", "rule.lock-hold", "enforce",
            "lock.hold-ms", "500");
    private static final String FTWRL_AFTER_BACKSLASH = "SELECT 'a\\'; FLUSH TABLES WITH READ LOCK; SELECT '\\'";
    private static final String FTWRL_AFTER_DOUBLE_QUOTE =
            "SELECT 1 AS \"x\\\"; FLUSH TABLES WITH READ LOCK; SELECT 1 AS \"\\\"";

    private static String db;
    private MariaDbServer server;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase(MariaDbServer.databaseNameFor(HiddenLockIT.class));
        server.execute("CREATE PROCEDURE " + db + ".take_lock() FLUSH TABLES WITH READ LOCK",
                "CREATE PROCEDURE " + db + ".commit_it() COMMIT",
                "CREATE PROCEDURE " + db + ".restart_snapshot() BEGIN COMMIT; "
                        + "START TRANSACTION WITH CONSISTENT SNAPSHOT; END",
                "GRANT EXECUTE ON `" + db + "`.* TO '" + MariaDbServer.APP_USER + "'@'%'");
    }

    @BeforeEach
    void server(MariaDbServer server) {
        this.server = server;
    }

    // ------------------------------------------------------------------------------------------ dynamic SQL

    /** The job's statements, one after the other (separated by {@code |}). */
    @ParameterizedTest
    @ValueSource(strings = {"EXECUTE IMMEDIATE 'FLUSH TABLES WITH READ LOCK'",
        "PREPARE s FROM 'FLUSH TABLES WITH READ LOCK' | EXECUTE s",
        "SET @v = 'FLUSH TABLES WITH READ LOCK' | EXECUTE IMMEDIATE @v"})
    void ftwrlRunByDynamicSqlIsGuarded(String statements) throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection backup = s.guarded(JOB_LOCK_BOUNDED);
            for (String sql : statements.split(" \\| ")) {
                LockScenario.exec(backup, sql);
            }
            assertTheLockIsSeenAndBounded(s, backup);
        }
    }

    // ------------------------------------------------------------------------------------------ sql_mode

    @ParameterizedTest
    @ValueSource(strings = {"NO_BACKSLASH_ESCAPES", "ANSI_QUOTES"})
    void multiStatementTextUnderTheSessionsSqlModeIsSplitAsTheServerSplitsIt(String mode) throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection backup = s.guarded(JOB_LOCK_BOUNDED, multiStatements());
            LockScenario.exec(backup, "SET SESSION sql_mode = '" + mode + "'");
            LockScenario.exec(backup, mode.equals("ANSI_QUOTES") ? FTWRL_AFTER_DOUBLE_QUOTE : FTWRL_AFTER_BACKSLASH);
            assertTheLockIsSeenAndBounded(s, backup);
        }
    }

    /** The sql_mode was set before the guard wrapped the connection: one query learns it, once. */
    @Test
    void anSqlModeTheGuardDidNotSeeSetIsLearnedWhenATextDependsOnIt() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection raw = s.plain(multiStatements());
            LockScenario.exec(raw, "SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'");
            Map<String, String> settings = new HashMap<>();
            JOB_LOCK_BOUNDED.forEach((k, v) -> settings.put("backupguard." + k, v));
            ConnectionSource side = () -> java.sql.DriverManager.getConnection(server.url(
                    dev.backupguard.testserver.JdbcDriver.MARIADB, db), server.rootUser(), server.rootPassword());
            Connection backup = BackupGuard.wrap(raw, Settings.from(settings), side, "root", true);
            server.clearGeneralLog();

            LockScenario.exec(backup, "SELECT 'it\\'");
            LockScenario.exec(backup, FTWRL_AFTER_BACKSLASH);

            assertTheLockIsSeenAndBounded(s, backup);
            assertThat(server.generalLog(MariaDbServer.threadId(raw))).extracting(GeneralLogEntry::argument)
                    .filteredOn(q -> q.contains("@@SESSION.sql_mode")).as("learned once, then with the facts")
                    .containsExactly("/* backup-guard probe */ SELECT VERSION(), @@SESSION.sql_mode",
                            "/* backup-guard probe */ SELECT @@SESSION.tx_isolation, @@GLOBAL.gtid_binlog_pos, "
                                    + "@@SESSION.sql_mode");
        }
    }

    // ------------------------------------------------------------------------------------------ opaque statements

    @ParameterizedTest
    @ValueSource(strings = {"CALL take_lock()", "BEGIN NOT ATOMIC FLUSH TABLES WITH READ LOCK; END"})
    void inEnforceModeALockTakenInsideAnOpaqueStatementIsFoundAdoptedAndBounded(String sql) throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection backup = s.guarded(Map.of("session", "backup", "lock.hold-ms", "500"));

            LockScenario.exec(backup, sql);

            assertThat(backup.unwrap(GuardedConnection.class).protocol().holdsGlobalLock())
                    .as("the server's answer is in the model").isTrue();
            assertTheLockIsSeenAndBounded(s, backup);
        }
    }

    @Test
    void inBlockModeABackupSessionRefusesAnOpaqueStatementAndNoLockIsTaken() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection backup = s.guarded(Map.of("session", "backup", "mode", "block"));

            BackupGuardException e = catchThrowableOfType(BackupGuardException.class,
                    () -> LockScenario.exec(backup, "CALL take_lock()"));

            assertThat(e.rule()).isEqualTo(Rule.OPAQUE_STATEMENT);
            assertThat(e.getSQLState()).isEqualTo("25000");
            assertThat(e.getMessage()).contains("opaque-statement", "backupguard.rule.opaque-statement=enforce");
            assertNoGlobalLock(s);
        }
    }

    /** An ordinary connection is never refused; a lock it may have been left is released when it goes back. */
    @Test
    void anOrdinaryConnectionReleasesALockAnOpaqueStatementLeftWhenItIsReturned() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection app = s.guarded(Map.of("role", "guardrail", "mode", "block"));
            LockScenario.exec(app, "CALL take_lock()");

            app.endRequest(); // a pool takes it back: the physical connection stays open

            assertThat(s.exists(MariaDbServer.threadId(app))).isTrue();
            assertNoGlobalLock(s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"commit_it", "restart_snapshot"})
    void aSnapshotAnOpaqueStatementEndedIsSeenEndedAndTheNextReadRefused(String procedure) throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            // The application user has no BINLOG ADMIN: binary logging stays on, so enforce mode lets the CALL run.
            Connection backup = s.guarded(Map.of("session", "backup"), server.appUser(), server.appPassword());
            LockScenario.count(backup, "SELECT * FROM t");
            server.execute("UPDATE " + db + ".t SET c = c + 1 WHERE id = 3"); // a commit after the snapshot

            LockScenario.exec(backup, "CALL " + procedure + "()");

            BackupGuardException e = catchThrowableOfType(BackupGuardException.class,
                    () -> LockScenario.count(backup, "SELECT c FROM t WHERE id = 3"));
            assertThat(e.rule()).isEqualTo(Rule.SNAPSHOT_START);
            assertThat(e.getMessage()).contains("ended by CALL " + procedure + "()");
        }
    }

    // ------------------------------------------------------------------------------------------ the reverse error

    @ParameterizedTest
    @ValueSource(strings = {"/*!99999 FLUSH TABLES WITH READ LOCK */", "/*!110406 FLUSH TABLES WITH READ LOCK */",
        "/*M!999999 FLUSH TABLES WITH READ LOCK */", "/*!401011 FLUSH TABLES WITH READ LOCK */"})
    void aVersionedCommentTheServerSkipsTakesNoLockAndTheGuardActsOnNone(String sql) throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection backup = s.guarded(JOB_LOCK_BOUNDED);

            LockScenario.exec(backup, sql);

            assertThat(backup.unwrap(GuardedConnection.class).protocol().isBackupSession()).isFalse();
            assertThat(s.events(GuardEvent.LockRequested.class, MariaDbServer.threadId(backup))).isEmpty();
            assertNoGlobalLock(s);
            assertThat(LockScenario.count(backup, "SELECT 1")).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private Properties multiStatements() {
        Properties p = new Properties();
        p.setProperty("user", server.rootUser());
        p.setProperty("password", server.rootPassword());
        p.setProperty("allowMultiQueries", "true");
        return p;
    }

    /**
     * The guard saw the lock: it timed it, the hold limit aborted the backup connection (so the server is writable
     * again), and a writer that queued behind the lock went on. Waits on the guard's events and the server's state.
     */
    private void assertTheLockIsSeenAndBounded(LockScenario s, Connection backup) throws Exception {
        long backupId = MariaDbServer.threadId(backup);
        Connection writer = s.plain();
        Future<?> write = s.inBackground(() -> {
            LockScenario.exec(writer, "UPDATE t SET c = c + 1 WHERE id = 2");
            return null;
        });
        // The lock guard's hold-limit event is published at once (the others wait for the release).
        LockScenario.awaitState("the guard to bound the lock", () -> !s.events(GuardEvent.LockHoldExceeded.class,
                backupId).isEmpty(), Duration.ofSeconds(30));

        write.get(30, TimeUnit.SECONDS);

        assertThat(s.events(GuardEvent.LockHoldExceeded.class, backupId)).singleElement().satisfies(h -> {
            assertThat(h.action()).isEqualTo("aborted");
            assertThat(h.heldMicros()).isGreaterThanOrEqualTo(h.limitMicros());
        });
        LockScenario.awaitState("the backup connection to be closed", () -> !s.exists(backupId), Duration.ofSeconds(10));
        assertThat(LockScenario.count(writer, "SELECT * FROM t WHERE id = 2 AND c = 1")).as("the write went through")
                .isEqualTo(1);
        assertNoGlobalLock(s);
    }
}
