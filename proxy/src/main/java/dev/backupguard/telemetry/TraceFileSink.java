package dev.backupguard.telemetry;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The JSON-lines trace ({@code backupguard.trace.file}): one JSON object per event and line, appended, written on a
 * daemon thread from a bounded queue ({@code backupguard.trace.queue}). Drops are reported in the file as
 * {@code {"event":"trace_dropped","count":n,"total":t,...}}. Schema: docs/readme/telemetry.md.
 */
public final class TraceFileSink extends BackgroundWriter {

    private final Path file;
    private final boolean redact;
    private final BufferedWriter out;
    private final JsonLine json = new JsonLine();

    public TraceFileSink(Path file, int queueCapacity, boolean redact) throws IOException {
        super("backup-guard-trace-writer " + file.getFileName(), queueCapacity);
        this.file = file;
        this.redact = redact;
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        createOwnerOnly(file);
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        start();
    }

    /**
     * A new trace is readable by its owner only (0600), as the coordinates file is: it names the tables, the
     * statements (their literals redacted) and the binlog coordinates of every backup. An existing file keeps the
     * permissions it has (the operator's choice); a file system without POSIX permissions gets its defaults.
     */
    private static void createOwnerOnly(Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // another writer created it meanwhile: appended to as it is
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: created by the open below with the system's defaults
        }
    }

    public Path file() {
        return file;
    }

    @Override
    void write(GuardEvent event) throws IOException {
        out.write(json.of(event, redact));
        out.newLine();
    }

    @Override
    void writeDrops(long count, long total) throws IOException {
        GuardEvent.Origin now = Telemetry.origin(0, 0);
        json.begin("trace_dropped");
        json.text("time", JsonLine.isoTime(now.epochMicros()));
        json.number("epoch_us", now.epochMicros());
        json.number("mono_us", now.nanos() / 1000);
        json.number("count", count);
        json.number("total", total);
        out.write(json.end());
        out.newLine();
    }

    @Override
    void flushOutput() throws IOException {
        out.flush();
    }

    @Override
    void closeOutput() throws IOException {
        out.close();
    }

    @Override
    public String toString() {
        return "trace file " + file;
    }
}
