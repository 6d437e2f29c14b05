package dev.backupguard.telemetry;

import dev.backupguard.protocol.BinlogCoordinates;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The coordinates file ({@code backupguard.coordinates.file}): the binlog file, position and GTID position of the
 * last backup snapshot, the server id, the time and how they were obtained, so a legacy job that never asked for them
 * still has the position it needs to build a replica or do point-in-time recovery. Written when the snapshot starts,
 * and again with the verdict ({@code consistent}, {@code reasons}) when the session ends. Each write replaces the
 * file atomically (a temporary file renamed over it), on a daemon thread.
 */
public final class CoordinatesFileSink extends BackgroundWriter {

    private final Path file;
    private final JsonLine json = new JsonLine();
    /** Snapshots whose session has not ended yet, by session id (writer thread only). */
    private final Map<Long, GuardEvent.SnapshotStarted> open = new HashMap<>();

    public CoordinatesFileSink(Path file) throws IOException {
        super("backup-guard-coordinates-writer " + file.getFileName(), 256);
        this.file = file;
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        start();
    }

    public Path file() {
        return file;
    }

    @Override
    public boolean wants(Class<? extends GuardEvent> type) {
        return type == GuardEvent.SnapshotStarted.class || type == GuardEvent.SessionSummary.class;
    }

    @Override
    void write(GuardEvent event) throws IOException {
        if (event instanceof GuardEvent.SnapshotStarted s && s.coordinates() != null) {
            open.put(s.origin().sessionId(), s);
            replace(s, s.coordinates(), null);
        } else if (event instanceof GuardEvent.SessionSummary s && s.coordinates() != null) {
            GuardEvent.SnapshotStarted started = open.remove(s.origin().sessionId());
            replace(started, s.coordinates(), s);
        }
    }

    private void replace(GuardEvent.SnapshotStarted started, BinlogCoordinates c, GuardEvent.SessionSummary summary)
            throws IOException {
        GuardEvent.Origin o = started != null ? started.origin() : summary.origin();
        json.start();
        json.text("binlog_file", c.file());
        json.number("binlog_position", c.position());
        json.text("gtid_position", c.gtid());
        json.number("server_id", started != null ? started.serverId() : 0);
        json.text("time", JsonLine.isoTime(o.epochMicros()));
        json.number("epoch_us", o.epochMicros());
        json.text("obtained_by", EventFields.lower(c.source()));
        json.text("how", how(c.source()));
        json.text("snapshot_way", started != null ? EventFields.lower(started.way()) : null);
        json.text("isolation", started != null ? started.isolation() : null);
        json.number("connection_id", o.connectionId());
        json.number("session_id", o.sessionId());
        if (summary == null) {
            json.absent("consistent");
            json.texts("reasons", List.of());
        } else {
            json.flag("consistent", summary.consistent());
            json.texts("reasons", summary.reasons());
        }
        json.text("change_master", "CHANGE MASTER TO MASTER_LOG_FILE='" + c.file().replace("'", "''")
                + "', MASTER_LOG_POS=" + c.position() + ";");
        String text = json.end() + System.lineSeparator();
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String how(BinlogCoordinates.Source source) {
        return switch (source) {
            case SNAPSHOT_STATUS -> "SHOW STATUS LIKE 'binlog_snapshot_%' inside the consistent snapshot (no global "
                    + "lock; the server reports the snapshot's own position); on MariaDB the GTID position is "
                    + "BINLOG_GTID_POS of that file and position";
            case LOCKED_BINLOG_STATUS -> "SHOW MASTER STATUS while FLUSH TABLES WITH READ LOCK was held, after START "
                    + "TRANSACTION WITH CONSISTENT SNAPSHOT (nothing could commit in between); on MariaDB the GTID "
                    + "position is BINLOG_GTID_POS of that file and position, read after UNLOCK TABLES";
        };
    }

    @Override
    void flushOutput() {
        // every write replaces the file whole
    }

    @Override
    void closeOutput() {
        // nothing held open
    }

    @Override
    public String toString() {
        return "coordinates file " + file;
    }
}
