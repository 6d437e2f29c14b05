package dev.backupguard.telemetry;

/**
 * Receives events. Implementations must be cheap and must not block: a sink that does I/O hands events to its own
 * thread. Exceptions thrown by a sink are caught by {@link Telemetry} and never reach the backup.
 */
public interface TelemetrySink extends AutoCloseable {

    void accept(GuardEvent event);

    /** Whether this sink wants events of this type at all; asked before an event is built. */
    default boolean wants(Class<? extends GuardEvent> type) {
        return true;
    }

    @Override
    default void close() {
    }
}
