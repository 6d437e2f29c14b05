package dev.backupguard.bench;

import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.Mode;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.telemetry.GuardEvent.LockKind;
import dev.backupguard.telemetry.Slf4jSink;
import dev.backupguard.telemetry.Telemetry;
import dev.backupguard.telemetry.TraceFileSink;
import dev.backupguard.telemetry.jfr.JfrEvents;
import dev.backupguard.telemetry.jfr.JfrSink;
import dev.backupguard.telemetry.jmx.BackupGuardStats;
import dev.backupguard.telemetry.jmx.ModeSwitch;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What telemetry costs per event, per sink, on the publishing (backup) thread; and what asking costs when no sink
 * wants an event, which is all that a guarded connection could ever pay outside a backup session (and ordinary
 * connections do not even ask). Run with {@code -prof gc} for bytes per event ({@code gc.alloc.rate.norm}).
 *
 * <pre>java -jar bench/target/benchmarks.jar TelemetryBenchmark -prof gc</pre>
 *
 * <ul>
 *   <li>{@code noSinkWants*}: {@code Telemetry.wants} on an empty hub, and on a hub with the SLF4J sink (level off),
 *       the JFR sink (no recording) and the MXBean sink, for an event type none of them wants; the
 *       {@code ...ThenPublish} variant is the recorder's whole pattern ({@code if (wants) publish(new ...)}).</li>
 *   <li>{@code slf4j*}: the SLF4J sink building its key=value line for an enabled level, handed to a logger that keeps
 *       it (the logging backend's own cost, which the user chooses, is not included).</li>
 *   <li>{@code jfr*}: committing the JFR event while a recording has the type enabled.</li>
 *   <li>{@code jmx*}: updating the MXBean's counters.</li>
 *   <li>{@code traceFilePublish}: handing an event to the trace writer (what the backup thread pays); the writer
 *       thread cannot keep up with a publisher in a tight loop, so this includes the drop-oldest path.</li>
 *   <li>{@code traceFileWriteThrough}: 1000 events published and flushed to disk: the writer's own cost per event
 *       (JSON and the file), measured from the publisher.</li>
 * </ul>
 */
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TelemetryBenchmark {

    private static final GuardEvent.Origin ORIGIN = new GuardEvent.Origin(42, 7, 123_456_789L, 1_763_776_000_123_456L);
    private static final GuardEvent.LockAcquired LOCK_ACQUIRED =
            new GuardEvent.LockAcquired(ORIGIN, LockKind.GLOBAL_READ_LOCK, 1500, 1);
    private static final GuardEvent.StatementStep STEP = new GuardEvent.StatementStep(ORIGIN,
            GuardEvent.StatementStep.Action.PASSED, "SELECT /*!40001 SQL_NO_CACHE */ * FROM `shop`.`orders`",
            "mdl-per-table", 850);
    private static final GuardEvent.SessionSummary SUMMARY = new GuardEvent.SessionSummary(ORIGIN, true, List.of(),
            new BinlogCoordinates("binlog.000042", 987_654_321L, "0-1-4711", BinlogCoordinates.Source.SNAPSHOT_STATUS),
            120, 5_000_000, 1500, 2500, 90_000_000, 41_000, 3, 0, 0, 0, 0, 0, 2, 1800);

    private Telemetry empty;
    private Telemetry installed;
    private Slf4jSink slf4j;
    private Slf4jSink quietSlf4j;
    private KeepingLogger logger;
    private JfrSink jfr;
    private Recording recording;
    private BackupGuardStats stats;
    private Path dir;
    private TraceFileSink trace;
    private TraceFileSink traceThrough;

    @Setup
    public void setUp() throws IOException {
        empty = new Telemetry();
        ModeSwitch noSwitch = new ModeSwitch() {
            @Override
            public Mode current() {
                return null;
            }

            @Override
            public void switchTo(Mode mode) {
            }
        };
        stats = new BackupGuardStats(noSwitch, () -> 0, true);
        jfr = new JfrSink(true);
        quietSlf4j = new Slf4jSink(new KeepingLogger(Level.WARN), true);
        installed = new Telemetry().add(quietSlf4j).add(jfr).add(stats);
        logger = new KeepingLogger(Level.DEBUG);
        slf4j = new Slf4jSink(logger, true);
        recording = new Recording();
        for (Class<?> type : JfrEvents.class.getDeclaredClasses()) {
            if (!Modifier.isAbstract(type.getModifiers())) {
                recording.enable(type.asSubclass(jdk.jfr.Event.class)).withoutStackTrace();
            }
        }
        recording.disable(JfrEvents.TableReadStarted.class); // the "no sink wants it" type while recording
        recording.setToDisk(true);
        recording.setMaxAge(Duration.ofSeconds(10));
        recording.start();
        dir = Files.createTempDirectory("bg-telemetry-bench");
        trace = new TraceFileSink(dir.resolve("trace.jsonl"), 65536, true);
        traceThrough = new TraceFileSink(dir.resolve("trace-through.jsonl"), 65536, true);
    }

    @TearDown
    public void tearDown() throws IOException {
        recording.close();
        trace.close();
        traceThrough.close();
        System.out.println("\ntrace events dropped by the tight-loop publisher: " + trace.dropped());
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    // ------------------------------------------------------------------ no sink wants it

    @Benchmark
    public boolean noSinkWantsEmptyHub() {
        return empty.wants(GuardEvent.TableReadStarted.class);
    }

    @Benchmark
    public boolean noSinkWantsInstalledSinks() {
        return installed.wants(GuardEvent.TableReadStarted.class);
    }

    /** The three sinks' answers one by one (same type, nobody wants it). */
    @Benchmark
    public boolean noSinkWantsSlf4jOnly() {
        return quietSlf4j.wants(GuardEvent.TableReadStarted.class);
    }

    @Benchmark
    public boolean noSinkWantsJfrOnly() {
        return jfr.wants(GuardEvent.TableReadStarted.class);
    }

    @Benchmark
    public boolean noSinkWantsJmxOnly() {
        return stats.wants(GuardEvent.TableReadStarted.class);
    }

    @Benchmark
    public void noSinkWantsThenPublish() {
        if (installed.wants(GuardEvent.TableReadStarted.class)) {
            installed.publish(new GuardEvent.TableReadStarted(Telemetry.origin(42, 7), "shop.orders"));
        }
    }

    // ------------------------------------------------------------------ per sink

    @Benchmark
    public Object slf4jLockAcquired() {
        slf4j.accept(LOCK_ACQUIRED);
        return logger.last;
    }

    @Benchmark
    public Object slf4jStatementStep() {
        slf4j.accept(STEP);
        return logger.last;
    }

    @Benchmark
    public Object slf4jSessionSummary() {
        slf4j.accept(SUMMARY);
        return logger.last;
    }

    @Benchmark
    public void jfrLockAcquired() {
        jfr.accept(LOCK_ACQUIRED);
    }

    @Benchmark
    public void jfrStatementStep() {
        jfr.accept(STEP);
    }

    @Benchmark
    public void jfrSessionSummary() {
        jfr.accept(SUMMARY);
    }

    @Benchmark
    public void jmxLockAcquired() {
        stats.accept(LOCK_ACQUIRED);
    }

    @Benchmark
    public void jmxSessionSummary() {
        stats.accept(SUMMARY);
    }

    @Benchmark
    public void traceFilePublish() {
        trace.accept(STEP);
    }

    @Benchmark
    @OperationsPerInvocation(1000)
    public boolean traceFileWriteThrough() {
        for (int i = 0; i < 1000; i++) {
            traceThrough.accept(STEP);
        }
        return traceThrough.flush(Duration.ofSeconds(30));
    }

    /** A logger with the given threshold that keeps the last message: the sink's cost without a backend's. */
    static final class KeepingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final Level threshold;
        volatile String last;

        KeepingLogger(Level threshold) {
            this.threshold = threshold;
            this.name = "bench";
        }

        @Override
        public boolean isTraceEnabled() {
            return Level.TRACE.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isDebugEnabled() {
            return Level.DEBUG.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isInfoEnabled() {
            return Level.INFO.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isWarnEnabled() {
            return Level.WARN.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String msg, Object[] args, Throwable t) {
            last = msg;
        }
    }
}
