package dev.backupguard.telemetry;

import dev.backupguard.config.Settings;
import dev.backupguard.telemetry.jfr.JfrSink;
import dev.backupguard.telemetry.jmx.BackupGuardStats;
import dev.backupguard.telemetry.jmx.ModeSwitch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Installs the sinks the settings name into a hub, once, lazily and thread-safely: the URL driver, the DataSource
 * wrapper and the agent all reach it through {@code BackupGuard}, so they are configured by the same
 * {@code backupguard.*} keys.
 *
 * <p>Process-wide sinks come from the process-wide settings (properties file, environment, system properties, agent
 * arguments): SLF4J always (its levels decide), JFR when {@code jfr=true}, the MXBean when {@code jmx=true}, the
 * trace file and the coordinates file when named.
 *
 * <p>A connection whose own {@code backupguard.*} properties name a different trace file, coordinates file, or turn
 * JFR or JMX on or off, publishes through an {@linkplain Telemetry#overlay overlay}: its events go to <em>its</em>
 * files instead of the process-wide ones (and to every other process-wide sink). Connections naming the same file
 * share one writer; the writer is closed (flushed) when the last connection using it closes.
 */
public final class TelemetrySetup {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetrySetup.class);

    private final Telemetry hub;
    private final Supplier<Settings> processSettings;
    private final ModeSwitch modeSwitch;

    private volatile Installed installed;
    // Guarded by this.
    private final Map<Path, Shared> files = new HashMap<>();
    private JfrSink jfr;
    private BackupGuardStats stats;
    private boolean jmxTried;
    private Thread shutdownHook;
    private final AtomicLong closedDrops = new AtomicLong();

    /** What was installed into the hub from the process-wide settings. */
    private record Installed(Settings.TelemetrySettings settings, TelemetrySink trace, TelemetrySink coordinates,
                             TelemetrySink jfr, TelemetrySink jmx) {
    }

    /** A file writer shared by the connections naming its file. */
    private static final class Shared {
        final BackgroundWriter writer;
        int users;

        Shared(BackgroundWriter writer) {
            this.writer = writer;
        }
    }

    public TelemetrySetup(Telemetry hub, Supplier<Settings> processSettings, ModeSwitch modeSwitch) {
        this.hub = hub;
        this.processSettings = processSettings;
        this.modeSwitch = modeSwitch;
    }

    /** Installs the process-wide sinks on the first call. */
    public void ensureInstalled() {
        if (installed == null) {
            install();
        }
    }

    /**
     * The hub for a connection with these settings: the process-wide hub itself when they name the same sinks (no
     * cost at all), otherwise an overlay that the connection {@linkplain Telemetry#release releases} when it closes.
     */
    public Telemetry forConnection(Settings.TelemetrySettings t) {
        ensureInstalled();
        Installed in = installed;
        Path trace = normalise(t.traceFile());
        Path coordinates = normalise(t.coordinatesFile());
        Settings.TelemetrySettings g = in.settings();
        if (Objects.equals(trace, normalise(g.traceFile())) && Objects.equals(coordinates, normalise(g.coordinatesFile()))
                && t.jfr() == g.jfr() && t.jmx() == g.jmx()) {
            return hub;
        }
        List<TelemetrySink> own = new ArrayList<>(4);
        Set<TelemetrySink> hide = new HashSet<>();
        List<Path> acquired = new ArrayList<>(2);
        synchronized (this) {
            if (!Objects.equals(trace, normalise(g.traceFile()))) {
                if (in.trace() != null) {
                    hide.add(in.trace());
                }
                if (trace != null) {
                    BackgroundWriter w = acquire(trace, () -> new TraceFileSink(trace, t.traceQueueCapacity(), t.redact()));
                    if (w != null) {
                        own.add(w);
                        acquired.add(trace);
                    }
                }
            }
            if (!Objects.equals(coordinates, normalise(g.coordinatesFile()))) {
                if (in.coordinates() != null) {
                    hide.add(in.coordinates());
                }
                if (coordinates != null) {
                    BackgroundWriter w = acquire(coordinates, () -> new CoordinatesFileSink(coordinates));
                    if (w != null) {
                        own.add(w);
                        acquired.add(coordinates);
                    }
                }
            }
            if (t.jfr() != g.jfr()) {
                if (in.jfr() != null) {
                    hide.add(in.jfr());
                } else if (t.jfr() && jfrSink(t.redact()) != null) {
                    own.add(jfr);
                }
            }
            if (t.jmx() != g.jmx()) {
                if (in.jmx() != null) {
                    hide.add(in.jmx());
                } else if (t.jmx() && statsSink(t.redact()) != null) {
                    own.add(stats);
                }
            }
        }
        return hub.overlay(own, hide, acquired.isEmpty() ? null : () -> release(acquired));
    }

    /** The MXBean's counters, or null when JMX is off everywhere so far. */
    public synchronized BackupGuardStats stats() {
        return stats;
    }

    /** Events dropped by every trace writer so far. */
    public long traceDrops() {
        long sum = closedDrops.get();
        synchronized (this) {
            for (Shared s : files.values()) {
                if (s.writer instanceof TraceFileSink) {
                    sum += s.writer.dropped();
                }
            }
        }
        return sum;
    }

    /** Waits until every file writer wrote what was published before the call (for tests and tools). */
    public boolean flush(Duration timeout) {
        List<BackgroundWriter> writers = new ArrayList<>();
        synchronized (this) {
            for (Shared s : files.values()) {
                writers.add(s.writer);
            }
        }
        boolean all = true;
        for (BackgroundWriter w : writers) {
            all &= w.flush(timeout);
        }
        return all;
    }

    /** Closes every file writer (written and flushed first); runs on JVM shutdown. */
    public void closeFiles() {
        List<BackgroundWriter> writers = new ArrayList<>();
        synchronized (this) {
            for (Shared s : files.values()) {
                writers.add(s.writer);
                if (s.writer instanceof TraceFileSink) {
                    closedDrops.addAndGet(s.writer.dropped());
                }
            }
            files.clear();
        }
        for (BackgroundWriter w : writers) {
            w.close();
        }
    }

    private synchronized void install() {
        if (installed != null) {
            return;
        }
        Settings.TelemetrySettings t;
        try {
            t = processSettings.get().telemetry();
        } catch (RuntimeException e) {
            LOG.error("backup-guard: the process-wide settings are invalid ({}); telemetry uses the defaults",
                    e.getMessage());
            t = Settings.defaults().telemetry();
        }
        hub.add(new Slf4jSink(t.redact()));
        TelemetrySink trace = null;
        TelemetrySink coordinates = null;
        Path traceFile = normalise(t.traceFile());
        if (traceFile != null) {
            Settings.TelemetrySettings ts = t;
            trace = acquire(traceFile, () -> new TraceFileSink(traceFile, ts.traceQueueCapacity(), ts.redact()));
        }
        Path coordinatesFile = normalise(t.coordinatesFile());
        if (coordinatesFile != null) {
            coordinates = acquire(coordinatesFile, () -> new CoordinatesFileSink(coordinatesFile));
        }
        TelemetrySink jfrInstalled = t.jfr() ? jfrSink(t.redact()) : null;
        TelemetrySink jmxInstalled = t.jmx() ? statsSink(t.redact()) : null;
        for (TelemetrySink s : new TelemetrySink[]{trace, coordinates, jfrInstalled, jmxInstalled}) {
            if (s != null) {
                hub.add(s);
            }
        }
        shutdownHook = new Thread(this::closeFiles, "backup-guard-telemetry-shutdown");
        try {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
        installed = new Installed(t, trace, coordinates, jfrInstalled, jmxInstalled);
        LOG.debug("backup-guard telemetry: {}", hub.sinks());
    }

    @FunctionalInterface
    private interface Opener {
        BackgroundWriter open() throws IOException;
    }

    /** The shared writer of {@code file}, opened on first use; null (logged) when it cannot be opened. */
    private BackgroundWriter acquire(Path file, Opener opener) {
        Shared s = files.get(file);
        if (s == null) {
            try {
                s = new Shared(opener.open());
            } catch (IOException | RuntimeException e) {
                LOG.error("backup-guard cannot open {}: {}; its events are not written", file, e.toString());
                return null;
            }
            files.put(file, s);
        }
        s.users++;
        return s.writer;
    }

    private void release(List<Path> paths) {
        List<BackgroundWriter> close = new ArrayList<>(2);
        synchronized (this) {
            for (Path p : paths) {
                Shared s = files.get(p);
                if (s != null && --s.users == 0) {
                    files.remove(p);
                    close.add(s.writer);
                    if (s.writer instanceof TraceFileSink) {
                        closedDrops.addAndGet(s.writer.dropped());
                    }
                }
            }
        }
        for (BackgroundWriter w : close) {
            w.close(); // writes what is queued and flushes: the file is complete when the connection's close returns
        }
    }

    private JfrSink jfrSink(boolean redact) {
        if (jfr == null) {
            try {
                jfr = new JfrSink(redact);
            } catch (LinkageError e) {
                // A runtime without the jdk.jfr module (a jlink image): no JFR events.
                LOG.info("backup-guard: JFR is not available in this runtime ({}); no JFR events", e.toString());
            }
        }
        return jfr;
    }

    private BackupGuardStats statsSink(boolean redact) {
        if (!jmxTried) {
            jmxTried = true;
            BackupGuardStats s = new BackupGuardStats(modeSwitch, this::traceDrops, redact);
            try {
                if (s.register()) {
                    stats = s;
                } else {
                    LOG.info("backup-guard: {} is already registered (another copy of backup-guard in this JVM); "
                            + "this copy's counters are not published", BackupGuardStats.OBJECT_NAME);
                }
            } catch (Exception | LinkageError e) {
                LOG.warn("backup-guard could not register {}: {}", BackupGuardStats.OBJECT_NAME, e.toString());
            }
        }
        return stats;
    }

    private static Path normalise(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize();
    }
}
