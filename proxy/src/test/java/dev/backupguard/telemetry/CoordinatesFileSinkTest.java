package dev.backupguard.telemetry;

import dev.backupguard.protocol.SnapshotWay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CoordinatesFileSinkTest {

    @TempDir
    Path dir;

    @Test
    void theSnapshotsCoordinatesAreWrittenThenCompletedWithTheVerdict() throws IOException {
        Path file = dir.resolve("coordinates.json");
        try (CoordinatesFileSink sink = new CoordinatesFileSink(file)) {
            assertThat(sink.wants(GuardEvent.SnapshotStarted.class)).isTrue();
            assertThat(sink.wants(GuardEvent.StatementStep.class)).isFalse();
            sink.accept(SampleEvents.all().get(4));
            assertThat(sink.flush(Duration.ofSeconds(10))).isTrue();
            Map<String, Object> started = JsonText.object(Files.readString(file));
            assertThat(started).containsEntry("binlog_file", "binlog.000003").containsEntry("binlog_position", 1234L)
                    .containsEntry("gtid_position", "0-1-17").containsEntry("server_id", 1L)
                    .containsEntry("time", "2025-11-22T01:46:40.123456Z").containsEntry("obtained_by", "locked_binlog_status")
                    .containsEntry("snapshot_way", "global_lock").containsEntry("isolation", "REPEATABLE READ")
                    .containsEntry("connection_id", 42L).containsEntry("session_id", 7L).containsEntry("consistent", null)
                    .containsEntry("change_master", "CHANGE MASTER TO MASTER_LOG_FILE='binlog.000003', MASTER_LOG_POS=1234;");
            assertThat((String) started.get("how")).contains("FLUSH TABLES WITH READ LOCK");

            sink.accept(SampleEvents.summary(false));
        }
        Map<String, Object> ended = JsonText.object(Files.readString(file));
        assertThat(ended).containsEntry("consistent", false).containsEntry("server_id", 1L)
                .containsEntry("reasons", List.of("snapshot-end: COMMIT ended the snapshot"));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("coordinates.json");
        }
    }

    @Test
    void aSessionWithoutCoordinatesLeavesTheFileAlone() throws IOException {
        Path file = dir.resolve("coordinates.json");
        try (CoordinatesFileSink sink = new CoordinatesFileSink(file)) {
            sink.accept(new GuardEvent.SnapshotStarted(SampleEvents.ORIGIN, "REPEATABLE READ",
                    SnapshotWay.NO_COORDINATES, null, 1));
        }
        assertThat(file).doesNotExist();
    }
}
