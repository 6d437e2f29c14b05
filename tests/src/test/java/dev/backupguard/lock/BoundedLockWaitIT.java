package dev.backupguard.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.backupguard.jdbc.BackupGuardException;
import dev.backupguard.protocol.Rule;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Seeds 004 on the real server: a long write runs, a backup needs the global read lock. MariaDB's FTWRL waits for
 * running writes (not SELECTs, fact 4), and every write queues behind the waiting FTWRL. With the guard no write
 * waits anywhere near the long write: the FTWRL is cancelled after lock.wait-ms, then refused or retried once the
 * long write is over. (The figures with a 20 s write, with and without the guard, come from LockStallBenchmark.)
 */
@WithMariaDb
class BoundedLockWaitIT {

    /** The long write: long enough that "under half of it" separates a bounded wait from the unbounded one. */
    private static final int LONG_WRITE_SECONDS = 6;
    private static final long HALF_OF_LONG_WRITE_MS = LONG_WRITE_SECONDS * 1000L / 2;

    private static String db;
    private MariaDbServer server;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase(MariaDbServer.databaseNameFor(BoundedLockWaitIT.class));
    }

    @BeforeEach
    void server(MariaDbServer server) {
        this.server = server;
    }

    @Test
    void ftwrlBehindALongWriteIsCancelledWithinTheBoundAndRefusedWhileTheWriteStillRuns() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            LockScenario.LongWrite longWrite = s.longWrite(LONG_WRITE_SECONDS);
            LockScenario.Writer writer = s.writer();
            Connection backup = s.guarded(Map.of("snapshot.way", "global-lock", "lock.wait-ms", "1000",
                    "lock.retry-backoff-ms", "200", "lock.long-query-wait-ms", "2000"));
            long backupId = MariaDbServer.threadId(backup);

            BackupGuardException e = catchThrowableOfType(BackupGuardException.class, () -> dump(backup));
            long longestWriteMs = writer.stop();

            assertThat(e.rule()).isEqualTo(Rule.LOCK_WAIT);
            assertThat(e.getSQLState()).isEqualTo("HYT00");
            assertThat(e.getMessage()).contains("lock-wait", "id " + longWrite.threadId(),
                    "UPDATE t SET c = c + SLEEP(?) WHERE id = ?");
            assertThat(s.events(GuardEvent.LockWaitCancelled.class, backupId)).hasSize(1)
                    .allSatisfy(c -> assertThat(c.state()).isEqualTo("Waiting for backup lock"));
            assertThat(writer.errors).isEmpty();
            assertThat(longestWriteMs).as("longest wait of a concurrent write, ms").isLessThan(HALF_OF_LONG_WRITE_MS);
            assertThat((Object) longWrite.outcome()).as("the long write is never killed without kill mode").isNull();
            assertThat(query(backup, "SELECT @@SESSION.lock_wait_timeout")).as("restored").isEqualTo("30");
            assertNoGlobalLock(s);
        }
    }

    @Test
    void ftwrlBehindALongWriteIsRetriedOnceTheWriteEndsAndTheBackupProceeds() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            LockScenario.LongWrite longWrite = s.longWrite(LONG_WRITE_SECONDS);
            LockScenario.Writer writer = s.writer();
            Connection backup = s.guarded(Map.of("snapshot.way", "global-lock", "lock.wait-ms", "1000",
                    "lock.retry-backoff-ms", "200"));
            long backupId = MariaDbServer.threadId(backup);

            int rows = dump(backup);
            long longestWriteMs = writer.stop();

            assertThat(rows).isEqualTo(3);
            assertThat((Object) longWrite.outcome()).isNull();
            assertThat(longWrite.done().isDone()).isTrue();
            assertThat(s.events(GuardEvent.LockWaitCancelled.class, backupId)).hasSize(1);
            assertThat(s.events(GuardEvent.LockAcquired.class, backupId)).hasSize(1);
            assertThat(server.queriesOf(backup)).filteredOn(q -> q.equals("FLUSH TABLES WITH READ LOCK")).hasSize(2);
            assertThat(writer.errors).isEmpty();
            assertThat(longestWriteMs).as("longest wait of a concurrent write, ms").isLessThan(HALF_OF_LONG_WRITE_MS);
            assertNoGlobalLock(s);
        }
    }

    @Test
    void withoutASideConnectionLockWaitTimeoutStillBoundsTheWait() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            LockScenario.LongWrite longWrite = s.longWrite(LONG_WRITE_SECONDS);
            Connection raw = s.plain();
            Connection backup = dev.backupguard.jdbc.BackupGuard.wrap(raw, dev.backupguard.config.Settings.from(
                    Map.of("backupguard.snapshot.way", "global-lock", "backupguard.lock.wait-ms", "1000",
                            "backupguard.lock.retries", "0")),
                    dev.backupguard.jdbc.ConnectionSource.NONE, null, false);

            BackupGuardException e = catchThrowableOfType(BackupGuardException.class, () -> dump(backup));

            assertThat(e.rule()).isEqualTo(Rule.LOCK_WAIT);
            assertThat(e.getCause()).isInstanceOf(SQLException.class);
            assertThat(((SQLException) e.getCause()).getErrorCode()).as("lock_wait_timeout").isEqualTo(1205);
            assertThat(longWrite.done().isDone()).as("refused before the long write ended").isFalse();
            assertThat(query(backup, "SELECT @@SESSION.lock_wait_timeout")).as("restored").isEqualTo("30");
        }
    }

    /** A backup job of the simplest shape: read the table (the guard starts the snapshot before it). */
    static int dump(Connection c) throws SQLException {
        return LockScenario.count(c, "SELECT * FROM t");
    }

    static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A write with lock_wait_timeout=1 succeeds: no global read lock is left anywhere. */
    static void assertNoGlobalLock(LockScenario s) throws SQLException {
        try (Connection c = s.plain()) {
            LockScenario.exec(c, "SET SESSION lock_wait_timeout = 1");
            LockScenario.exec(c, "UPDATE t SET c = c + 1 WHERE id = 3");
        }
    }
}
