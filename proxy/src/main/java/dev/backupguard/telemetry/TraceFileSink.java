package dev.backupguard.telemetry;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

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
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        start();
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
