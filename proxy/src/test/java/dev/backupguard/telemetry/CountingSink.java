package dev.backupguard.telemetry;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Keeps what it receives and counts how often it was asked whether it wants a type. */
final class CountingSink implements TelemetrySink {

    final List<GuardEvent> events = new CopyOnWriteArrayList<>();
    final AtomicInteger asked = new AtomicInteger();
    private final Set<Class<? extends GuardEvent>> wanted;

    /** Wants every type. */
    CountingSink() {
        this(null);
    }

    CountingSink(Set<Class<? extends GuardEvent>> wanted) {
        this.wanted = wanted;
    }

    @Override
    public boolean wants(Class<? extends GuardEvent> type) {
        asked.incrementAndGet();
        return wanted == null || wanted.contains(type);
    }

    @Override
    public void accept(GuardEvent event) {
        events.add(event);
    }

    List<String> names() {
        return events.stream().map(GuardEvent::name).toList();
    }
}
