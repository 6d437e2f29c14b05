package dev.backupguard.telemetry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes events to the sinks. Publishing costs nothing when no sink wants the event type: callers ask
 * {@link #wants(Class)} before building an event. A failing sink is logged once and otherwise ignored.
 *
 * <p>The process-wide hub is {@code BackupGuard.telemetry()}. A connection whose own settings name other sinks (a
 * trace file of its own, say) publishes through an {@linkplain #overlay overlay}: the process-wide sinks minus the
 * ones it replaces, plus its own. Sinks are kept in an array replaced on change, so publishing never locks.
 */
public final class Telemetry {

    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);
    private static final TelemetrySink[] NONE = {};
    private static final AtomicBoolean SINK_FAILURE_LOGGED = new AtomicBoolean();

    private final Telemetry parent;
    /** Sinks of the parent (and its ancestors) this hub does not publish to; null for none. */
    private final Set<TelemetrySink> hidden;
    private final Runnable onRelease;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile TelemetrySink[] sinks = NONE;

    public Telemetry() {
        this(null, null, null);
    }

    private Telemetry(Telemetry parent, Set<TelemetrySink> hidden, Runnable onRelease) {
        this.parent = parent;
        this.hidden = hidden == null || hidden.isEmpty() ? null : Set.copyOf(hidden);
        this.onRelease = onRelease;
    }

    public synchronized Telemetry add(TelemetrySink sink) {
        TelemetrySink[] now = Arrays.copyOf(sinks, sinks.length + 1);
        now[now.length - 1] = sink;
        sinks = now;
        return this;
    }

    public synchronized boolean remove(TelemetrySink sink) {
        TelemetrySink[] now = sinks;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == sink) {
                TelemetrySink[] less = new TelemetrySink[now.length - 1];
                System.arraycopy(now, 0, less, 0, i);
                System.arraycopy(now, i + 1, less, i, now.length - i - 1);
                sinks = less;
                return true;
            }
        }
        return false;
    }

    /** This hub's own sinks (not its parent's). */
    public List<TelemetrySink> sinks() {
        return List.of(sinks);
    }

    /**
     * A hub that publishes to this hub's sinks except {@code hide}, and to {@code own}. Sinks added to this hub later
     * are seen by the overlay too. {@code onRelease} runs once when the overlay is {@linkplain #release released}
     * (its connection closed).
     */
    public Telemetry overlay(List<TelemetrySink> own, Set<TelemetrySink> hide, Runnable onRelease) {
        Telemetry t = new Telemetry(this, hide, onRelease);
        for (TelemetrySink s : own) {
            t.add(s);
        }
        return t;
    }

    /**
     * Whether {@link #release} has work to do (an overlay that opened files of its own): a connection that is dropped
     * without being closed must still be released, or the files' writer threads live on.
     */
    public boolean needsRelease() {
        return onRelease != null;
    }

    /** The connection using this hub is closed: an overlay gives back the sinks it opened. */
    public void release() {
        if (onRelease != null && released.compareAndSet(false, true)) {
            onRelease.run();
        }
    }

    public boolean wants(Class<? extends GuardEvent> type) {
        return wants(type, null);
    }

    private boolean wants(Class<? extends GuardEvent> type, Set<TelemetrySink> hide) {
        for (TelemetrySink s : sinks) {
            if ((hide == null || !hide.contains(s)) && s.wants(type)) {
                return true;
            }
        }
        return parent != null && parent.wants(type, merge(hide, hidden));
    }

    public void publish(GuardEvent event) {
        publish(event, null);
    }

    private void publish(GuardEvent event, Set<TelemetrySink> hide) {
        Class<? extends GuardEvent> type = event.getClass();
        for (TelemetrySink s : sinks) {
            if (hide != null && hide.contains(s)) {
                continue;
            }
            try {
                if (s.wants(type)) {
                    s.accept(event);
                }
            } catch (RuntimeException e) {
                if (SINK_FAILURE_LOGGED.compareAndSet(false, true)) {
                    LOG.warn("backup-guard telemetry sink {} failed; further failures are not logged", s, e);
                }
            }
        }
        if (parent != null) {
            parent.publish(event, merge(hide, hidden));
        }
    }

    private static Set<TelemetrySink> merge(Set<TelemetrySink> a, Set<TelemetrySink> b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        Set<TelemetrySink> both = new HashSet<>(a);
        both.addAll(b);
        return both;
    }

    /** The origin of an event happening now. */
    public static GuardEvent.Origin origin(long connectionId, long sessionId) {
        long nanos = System.nanoTime();
        Instant now = Instant.now();
        return new GuardEvent.Origin(connectionId, sessionId, nanos, now.getEpochSecond() * 1_000_000L + now.getNano() / 1000);
    }

    /** The origin of an event that happened at {@code nanos} ({@link System#nanoTime()}), earlier than now. */
    public static GuardEvent.Origin origin(long connectionId, long sessionId, long nanos) {
        long nowNanos = System.nanoTime();
        Instant now = Instant.now();
        long epochMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000 - (nowNanos - nanos) / 1000;
        return new GuardEvent.Origin(connectionId, sessionId, nanos, epochMicros);
    }
}
