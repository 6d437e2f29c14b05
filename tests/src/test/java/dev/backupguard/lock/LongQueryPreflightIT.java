package dev.backupguard.lock;

import static dev.backupguard.lock.BoundedLockWaitIT.assertNoGlobalLock;
import static dev.backupguard.lock.BoundedLockWaitIT.dump;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.backupguard.jdbc.BackupGuardException;
import dev.backupguard.protocol.Rule;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The preflight before the global read lock: a statement older than lock.long-query-seconds is waited for, then the
 * lock is refused without ever being sent (so no writer queues at all); in kill mode only that statement is killed.
 */
@WithMariaDb
class LongQueryPreflightIT {

    private static final int LONG_WRITE_SECONDS = 6;

    private static String db;
    private MariaDbServer server;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase(MariaDbServer.databaseNameFor(LongQueryPreflightIT.class));
    }

    @BeforeEach
    void server(MariaDbServer server) {
        this.server = server;
    }

    @Test
    void aWriteOlderThanTheThresholdIsWaitedForThenTheLockIsRefusedWithoutBeingSent() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            LockScenario.LongWrite longWrite = s.longWrite(LONG_WRITE_SECONDS);
            s.awaitRunning(longWrite, 1200);
            LockScenario.Writer writer = s.writer();
            Connection backup = s.guarded(Map.of("snapshot.way", "global-lock", "lock.long-query-seconds", "1",
                    "lock.long-query-wait-ms", "1000"));
            long backupId = MariaDbServer.threadId(backup);

            BackupGuardException e = catchThrowableOfType(BackupGuardException.class, () -> dump(backup));
            long longestWriteMs = writer.stop();

            assertThat(e.rule()).isEqualTo(Rule.LONG_QUERY);
            assertThat(e.getSQLState()).isEqualTo("HY000");
            assertThat(e.getMessage()).contains("long-query", "id " + longWrite.threadId() + " (root, ",
                    "UPDATE t SET c = c + SLEEP(?) WHERE id = ?", "waited");
            assertThat(server.queriesOf(backup)).as("no FLUSH reached the server")
                    .noneMatch(q -> q.toUpperCase().contains("FLUSH"));
            assertThat(s.events(GuardEvent.PreflightChecked.class, backupId)).last()
                    .satisfies(p -> {
                        assertThat(p.outcome()).isEqualTo("refused");
                        assertThat(p.longQueries()).extracting(GuardEvent.RunningQuery::id)
                                .containsExactly(longWrite.threadId());
                    });
            assertThat(writer.errors).isEmpty();
            assertThat(longestWriteMs).isLessThan(LONG_WRITE_SECONDS * 1000L / 2);
            assertThat(longWrite.done().isDone()).as("refused while the long write still ran").isFalse();
        }
    }

    @Test
    void aLongSelectDoesNotStopTheBackupOnMariaDbWhereFtwrlDoesNotWaitForIt() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection reader = s.plain();
            long readerId = MariaDbServer.threadId(reader);
            java.util.concurrent.Future<Integer> report = s.inBackground(
                    () -> LockScenario.count(reader, "SELECT SLEEP(" + LONG_WRITE_SECONDS + ") FROM t LIMIT 1"));
            LockScenario.awaitState("the long SELECT to run 1.2 s", () -> s.timeMillis(readerId) >= 1200,
                    java.time.Duration.ofSeconds(30));
            Connection backup = s.guarded(Map.of("snapshot.way", "global-lock", "lock.long-query-seconds", "1",
                    "lock.long-query-wait-ms", "1000"));

            assertThat(dump(backup)).isEqualTo(3);
            assertThat(report.isDone()).as("the backup did not wait for the long SELECT").isFalse();
            assertThat(s.events(GuardEvent.PreflightChecked.class, MariaDbServer.threadId(backup)))
                    .allSatisfy(p -> assertThat(p.outcome()).isEqualTo("clear"));
        }
    }

    @Test
    void killModeKillsOnlyTheLongQueryAndTheBackupProceeds() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            LockScenario.LongWrite longWrite = s.longWrite(LONG_WRITE_SECONDS);
            s.awaitRunning(longWrite, 1200);
            LockScenario.Writer writer = s.writer();
            Connection backup = s.guarded(Map.of("snapshot.way", "global-lock", "lock.long-query-seconds", "1",
                    "lock.kill-long-queries", "true"));
            long backupId = MariaDbServer.threadId(backup);

            int rows = dump(backup);
            SQLException killed = longWrite.outcome();
            writer.stop();

            assertThat(rows).isEqualTo(3);
            assertThat((Object) killed).as("the long write was interrupted").isNotNull();
            assertThat(killed.getErrorCode()).isEqualTo(1317);
            assertThat(s.exists(longWrite.threadId())).as("KILL QUERY, never the connection").isTrue();
            assertThat(s.events(GuardEvent.QueryKilled.class, backupId)).extracting(k -> k.query().id())
                    .containsExactly(longWrite.threadId());
            assertThat(writer.errors).as("the short writes were not killed").isEmpty();
            assertThat(writer.count.get()).isPositive();
            assertThat(server.queriesOf(backup)).contains("FLUSH TABLES WITH READ LOCK", "UNLOCK TABLES");
            assertNoGlobalLock(s);
        }
    }
}
