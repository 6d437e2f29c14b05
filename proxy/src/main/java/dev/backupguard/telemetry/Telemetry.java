package dev.backupguard.telemetry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Publishes events to the sinks. Publishing costs nothing when no sink wants the event type: callers ask
 * {@link #wants(Class)} before building an event. A failing sink is logged once and otherwise ignored.
 */
public final class Telemetry {

    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    private final List<TelemetrySink> sinks = new CopyOnWriteArrayList<>();
    private volatile boolean sinkFailureLogged;

    public Telemetry add(TelemetrySink sink) {
        sinks.add(sink);
        return this;
    }

    public boolean remove(TelemetrySink sink) {
        return sinks.remove(sink);
    }

    public List<TelemetrySink> sinks() {
        return List.copyOf(sinks);
    }

    public boolean wants(Class<? extends GuardEvent> type) {
        for (TelemetrySink s : sinks) {
            if (s.wants(type)) {
                return true;
            }
        }
        return false;
    }

    public void publish(GuardEvent event) {
        for (TelemetrySink s : sinks) {
            try {
                if (s.wants(event.getClass())) {
                    s.accept(event);
                }
            } catch (RuntimeException e) {
                if (!sinkFailureLogged) {
                    sinkFailureLogged = true;
                    LOG.warn("backup-guard telemetry sink {} failed; further failures are not logged", s, e);
                }
            }
        }
    }

    public static GuardEvent.Origin origin(long connectionId, long sessionId) {
        long nanos = System.nanoTime();
        java.time.Instant now = java.time.Instant.now();
        return new GuardEvent.Origin(connectionId, sessionId, nanos, now.getEpochSecond() * 1_000_000L + now.getNano() / 1000);
    }
}
