package dev.backupguard.telemetry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TraceFileSinkTest {

    @TempDir
    Path dir;

    @Test
    void everyEventIsOneJsonObjectPerLineWithItsTypeAndFields() throws IOException {
        Path file = dir.resolve("sub/trace.jsonl");
        TraceFileSink sink = new TraceFileSink(file, 1000, true);
        for (GuardEvent e : SampleEvents.all()) {
            sink.accept(e);
        }
        sink.close();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(SampleEvents.all().size());
        List<Map<String, Object>> events = lines.stream().map(JsonText::object).toList();
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i)).containsEntry("event", SampleEvents.all().get(i).name())
                    .containsEntry("time", "2025-11-22T01:46:40.123456Z").containsEntry("epoch_us", 1_763_776_000_123_456L)
                    .containsEntry("mono_us", 123_456_789L).containsEntry("conn", 42L).containsEntry("session", 7L);
        }
        assertThat(events.get(1)).containsEntry("lock", "global_read_lock").containsEntry("wait_us", 1500L)
                .containsEntry("attempts", 2L);
        assertThat(events.get(4)).containsEntry("isolation", "REPEATABLE READ").containsEntry("way", "global_lock")
                .containsEntry("binlog_file", "binlog.000003").containsEntry("binlog_position", 1234L)
                .containsEntry("gtid_position", "0-1-17").containsEntry("obtained_by", "locked_binlog_status")
                .containsEntry("server_id", 1L);
        assertThat(events.get(8)).containsEntry("tables", List.of("shop.orders", "shop.lines"));
        assertThat(events.get(10)).containsEntry("rule", "snapshot-end").containsEntry("outcome", "refused")
                .containsEntry("detail", "a \"quoted\" detail\nwith a newline").containsEntry("position", 12L);
        @SuppressWarnings("unchecked")
        Map<String, Object> query = (Map<String, Object>) ((List<?>) events.get(11).get("long_queries")).get(0);
        assertThat(query).containsEntry("id", 99L).containsEntry("seconds", 75L)
                .containsEntry("info", "UPDATE orders SET note = ? WHERE id = ?");
        assertThat(events.get(15)).containsEntry("noticed_by", "lock_guard")
                .containsEntry("statement", "SELECT * FROM orders").containsEntry("sql_state", "08S01")
                .containsEntry("error_code", 0L).containsEntry("error", "Communications link failure")
                .containsEntry("locks", List.of("global_read_lock")).containsEntry("global_lock_hold_us", 900_000L)
                .containsEntry("snapshot_open", true);
        assertThat(events.get(16)).containsEntry("consistent", true).containsEntry("reasons", List.of())
                .containsEntry("global_lock_wait_us", 1500L).containsEntry("rows_read", 1004L);
        assertThat(String.join("\n", lines)).doesNotContain(SampleEvents.SECRET);
        // Six fraction digits always, so times sort as text.
        assertThat(JsonLine.isoTime(1_763_776_000_000_000L)).isEqualTo("2025-11-22T01:46:40.000000Z");
        assertThat(JsonLine.isoTime(1_763_776_000_100_000L)).isEqualTo("2025-11-22T01:46:40.100000Z");
    }

    @Test
    void aSnapshotWithoutCoordinatesHasNullsNotMissingKeys() throws IOException {
        Path file = dir.resolve("trace.jsonl");
        try (TraceFileSink sink = new TraceFileSink(file, 10, true)) {
            sink.accept(new GuardEvent.SnapshotStarted(SampleEvents.ORIGIN, "READ COMMITTED",
                    dev.backupguard.protocol.SnapshotWay.NO_COORDINATES, null, 0));
        }
        assertThat(JsonText.object(Files.readString(file).strip())).containsEntry("binlog_file", null)
                .containsEntry("binlog_position", null).containsEntry("isolation", "READ COMMITTED");
    }

    @Test
    void aNewTraceIsReadableByItsOwnerOnlyLikeTheCoordinatesFile() throws IOException {
        Path trace = dir.resolve("new/trace.jsonl");
        Path coordinates = dir.resolve("new/coordinates.json");
        try (TraceFileSink sink = new TraceFileSink(trace, 10, true);
             CoordinatesFileSink c = new CoordinatesFileSink(coordinates)) {
            sink.accept(SampleEvents.summary(true));
            c.accept(SampleEvents.all().get(4));
            assertThat(sink.flush(Duration.ofSeconds(10)) && c.flush(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(trace))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(coordinates))).isEqualTo("rw-------");
        // An existing trace keeps the permissions its operator gave it.
        Path shared = dir.resolve("shared.jsonl");
        Files.createFile(shared, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        new TraceFileSink(shared, 10, true).close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rw-r-----");
    }

    @Test
    void linesAreAppendedAcrossWriters() throws IOException {
        Path file = dir.resolve("trace.jsonl");
        try (TraceFileSink sink = new TraceFileSink(file, 10, true)) {
            sink.accept(SampleEvents.summary(true));
        }
        try (TraceFileSink sink = new TraceFileSink(file, 10, true)) {
            sink.accept(SampleEvents.summary(false));
        }
        assertThat(Files.readAllLines(file)).hasSize(2);
    }

    @Test
    void flushWaitsUntilWhatWasPublishedIsOnDisk() throws IOException {
        Path file = dir.resolve("trace.jsonl");
        try (TraceFileSink sink = new TraceFileSink(file, 100, true)) {
            for (int i = 0; i < 50; i++) {
                sink.accept(SampleEvents.summary(true));
            }
            assertThat(sink.flush(Duration.ofSeconds(10))).isTrue();
            assertThat(Files.readAllLines(file)).hasSize(50);
        }
    }

    /** A writer stuck on a slow disk: publishing never waits for it; the oldest events are dropped and counted. */
    @Test
    void aSlowDiskNeverBlocksThePublisherAndDropsAreCountedAndReported() throws Exception {
        CountDownLatch diskBusy = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        StringBuilder out = new StringBuilder();
        BackgroundWriter slow = new BackgroundWriter("slow-test-writer", 4) {
            {
                start();
            }

            @Override
            void write(GuardEvent event) throws IOException {
                writing.countDown();
                try {
                    diskBusy.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.append(((GuardEvent.TableReadFinished) event).rows()).append(' ');
            }

            @Override
            void writeDrops(long count, long total) {
                out.append("dropped ").append(count).append(" of ").append(total).append(' ');
            }

            @Override
            void flushOutput() {
            }

            @Override
            void closeOutput() {
            }
        };
        slow.accept(read(0));
        assertThat(writing.await(30, TimeUnit.SECONDS)).isTrue(); // the writer holds event 0 and waits on the disk
        for (int i = 1; i <= 10; i++) {
            slow.accept(read(i)); // returns at once although the queue holds only 4
        }
        assertThat(slow.dropped()).isEqualTo(6);
        diskBusy.countDown();
        slow.close();
        assertThat(out.toString()).isEqualTo("0 7 8 9 10 dropped 6 of 6 ");
        slow.accept(read(11));
        assertThat(slow.dropped()).as("published after close").isEqualTo(7);
    }

    private static GuardEvent read(long rows) {
        return new GuardEvent.TableReadFinished(SampleEvents.ORIGIN, "t", rows, 1);
    }
}
