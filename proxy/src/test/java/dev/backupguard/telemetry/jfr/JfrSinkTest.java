package dev.backupguard.telemetry.jfr;

import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.SnapshotWay;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.telemetry.GuardEvent.LockKind;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JfrSinkTest {

    private static final GuardEvent.Origin ORIGIN = new GuardEvent.Origin(42, 7, 1, 1_763_776_000_123_456L);

    @TempDir
    Path dir;

    @Test
    void eventsAreCommittedInCategoryBackupGuardOnlyWhenARecordingWantsThem() throws IOException {
        JfrSink sink = new JfrSink(true);
        // No recording yet: nothing is wanted, so no event is ever built.
        assertThat(sink.wants(GuardEvent.LockAcquired.class)).isFalse();
        Path file = dir.resolve("test.jfr");
        try (Recording r = new Recording()) {
            r.enable(JfrEvents.LockAcquired.class);
            r.enable(JfrEvents.SnapshotStarted.class);
            r.enable(JfrEvents.QueryKilled.class);
            r.disable(JfrEvents.StatementStep.class); // custom events are on by default; this recording turns one off
            r.start();
            assertThat(sink.wants(GuardEvent.LockAcquired.class)).isTrue();
            assertThat(sink.wants(GuardEvent.StatementStep.class)).as("not enabled in this recording").isFalse();
            sink.accept(new GuardEvent.LockAcquired(ORIGIN, LockKind.GLOBAL_READ_LOCK, 1500, 2));
            sink.accept(new GuardEvent.SnapshotStarted(ORIGIN, "REPEATABLE READ", SnapshotWay.SNAPSHOT_STATUS,
                    new BinlogCoordinates("binlog.000001", 77, "0-1-3", BinlogCoordinates.Source.SNAPSHOT_STATUS), 5));
            sink.accept(new GuardEvent.QueryKilled(ORIGIN, new GuardEvent.RunningQuery(9, "app", "h", "db", "Query",
                    90, "Updating", "UPDATE t SET secret = 'xyzzy'")));
            sink.accept(new GuardEvent.StatementStep(ORIGIN, GuardEvent.StatementStep.Action.PASSED, "SELECT 1",
                    null, 1));
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertThat(events).extracting(e -> e.getEventType().getName())
                .containsExactly("backupguard.LockAcquired", "backupguard.SnapshotStarted", "backupguard.QueryKilled");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getEventType().getCategoryNames()).containsExactly("backup-guard");
            assertThat(e.getStackTrace()).isNull();
            assertThat(e.getLong("connectionId")).isEqualTo(42);
            assertThat(e.getLong("sessionId")).isEqualTo(7);
            assertThat(e.getInstant("happenedAt")).isEqualTo(Instant.ofEpochMilli(1_763_776_000_123L));
        });
        assertThat(events.get(0).getString("lock")).isEqualTo("global_read_lock");
        assertThat(events.get(0).getDuration("wait")).isEqualTo(Duration.ofNanos(1_500_000));
        assertThat(events.get(0).getInt("attempts")).isEqualTo(2);
        assertThat(events.get(1).getString("binlogFile")).isEqualTo("binlog.000001");
        assertThat(events.get(1).getLong("binlogPosition")).isEqualTo(77);
        assertThat(events.get(1).getString("obtainedBy")).isEqualTo("snapshot_status");
        assertThat(events.get(1).getLong("serverId")).isEqualTo(5);
        assertThat(events.get(2).getString("info")).isEqualTo("UPDATE t SET secret = ?");
    }

    @Test
    void aLostConnectionIsOneEventWithTheDriversErrorAndTheLocksItHeld() throws IOException {
        JfrSink sink = new JfrSink(true);
        Path file = dir.resolve("lost.jfr");
        try (Recording r = new Recording()) {
            r.enable(JfrEvents.ConnectionLost.class);
            r.start();
            assertThat(sink.wants(GuardEvent.ConnectionLost.class)).isTrue();
            sink.accept(new GuardEvent.ConnectionLost(ORIGIN, GuardEvent.ConnectionLost.NoticedBy.LOCK_GUARD,
                    "SELECT * FROM t", "08S01", 0, "Communications link failure",
                    List.of(LockKind.GLOBAL_READ_LOCK, LockKind.BACKUP_STAGE), 900_000, true));
            r.stop();
            r.dump(file);
        }
        RecordedEvent e = RecordingFile.readAllEvents(file).stream()
                .filter(x -> x.getEventType().getName().equals("backupguard.ConnectionLost")).findFirst().orElseThrow();
        assertThat(e.getString("noticedBy")).isEqualTo("lock_guard");
        assertThat(e.getString("statement")).isEqualTo("SELECT * FROM t");
        assertThat(e.getString("sqlState")).isEqualTo("08S01");
        assertThat(e.getString("error")).isEqualTo("Communications link failure");
        assertThat(e.getString("locks")).isEqualTo("global_read_lock, backup_stage");
        assertThat(e.getDuration("globalLockHold")).isEqualTo(Duration.ofMillis(900));
        assertThat(e.getBoolean("snapshotOpen")).isTrue();
        assertThat(e.getLong("connectionId")).isEqualTo(42);
    }

    @Test
    void everyEventTypeHasAJfrTypeInTheCategory() {
        List<Class<?>> types = List.of(JfrEvents.class.getDeclaredClasses()).stream()
                .filter(c -> !Modifier.isAbstract(c.getModifiers())).toList();
        assertThat(types).hasSize(GuardEvent.class.getPermittedSubclasses().length);
        for (Class<?> t : types) {
            assertThat(t.getAnnotation(jdk.jfr.Name.class).value()).startsWith("backupguard.");
        }
        assertThat(JfrEvents.Base.class.getAnnotation(jdk.jfr.Category.class).value()).containsExactly("backup-guard");
    }
}
