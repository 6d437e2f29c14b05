package dev.backupguard.telemetry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetryTest {

    private static final GuardEvent EVENT = SampleEvents.summary(true);

    @Test
    void nothingIsWantedWithoutSinksOrWhenNoSinkWantsTheType() {
        Telemetry hub = new Telemetry();
        assertThat(hub.wants(GuardEvent.SessionSummary.class)).isFalse();
        CountingSink picky = new CountingSink(Set.of(GuardEvent.LockAcquired.class));
        hub.add(picky);
        assertThat(hub.wants(GuardEvent.SessionSummary.class)).isFalse();
        assertThat(hub.wants(GuardEvent.LockAcquired.class)).isTrue();
        hub.publish(EVENT);
        assertThat(picky.events).isEmpty();
    }

    @Test
    void aFailingSinkNeitherStopsTheOthersNorReachesThePublisher() {
        Telemetry hub = new Telemetry();
        CountingSink after = new CountingSink();
        hub.add(new TelemetrySink() {
            @Override
            public void accept(GuardEvent event) {
                throw new IllegalStateException("broken sink");
            }
        }).add(after);
        hub.publish(EVENT);
        hub.publish(EVENT);
        assertThat(after.events).hasSize(2);
    }

    @Test
    void anOverlayReplacesSomeSinksAndSeesSinksAddedLater() {
        Telemetry hub = new Telemetry();
        CountingSink shared = new CountingSink();
        CountingSink replaced = new CountingSink();
        hub.add(shared).add(replaced);
        CountingSink own = new CountingSink();
        AtomicInteger released = new AtomicInteger();
        Telemetry overlay = hub.overlay(List.of(own), Set.of(replaced), released::incrementAndGet);
        overlay.publish(EVENT);
        assertThat(shared.events).hasSize(1);
        assertThat(own.events).hasSize(1);
        assertThat(replaced.events).isEmpty();

        CountingSink later = new CountingSink();
        hub.add(later);
        overlay.publish(EVENT);
        assertThat(later.events).hasSize(1);
        assertThat(hub.remove(later)).isTrue();
        assertThat(hub.remove(later)).isFalse();

        // A nested overlay (the lock guard's view of a connection) keeps the replacement.
        CountingSink counter = new CountingSink();
        overlay.overlay(List.of(counter), Set.of(), null).publish(EVENT);
        assertThat(replaced.events).isEmpty();
        assertThat(counter.events).hasSize(1);
        assertThat(own.events).hasSize(3);

        overlay.release();
        overlay.release();
        hub.release();
        assertThat(released).hasValue(1);
    }

    @Test
    void anOverlayWantsOnlyWhatItsVisibleSinksWant() {
        Telemetry hub = new Telemetry();
        CountingSink hidden = new CountingSink();
        hub.add(hidden);
        Telemetry overlay = hub.overlay(List.of(), Set.of(hidden), null);
        assertThat(overlay.wants(GuardEvent.SessionSummary.class)).isFalse();
        assertThat(hub.wants(GuardEvent.SessionSummary.class)).isTrue();
    }

    @Test
    void anOriginInThePastKeepsItsWallClockTimeConsistent() {
        long start = System.nanoTime();
        long then = start - 5_000_000_000L;
        GuardEvent.Origin now = Telemetry.origin(1, 2);
        GuardEvent.Origin past = Telemetry.origin(1, 2, then);
        long elapsedMicros = (System.nanoTime() - start) / 1000;
        assertThat(past.nanos()).isEqualTo(then);
        // 5 s apart, plus however long the two calls took (a stalled machine must not fail this); 1 ms of rounding.
        assertThat(now.epochMicros() - past.epochMicros()).isBetween(4_999_000L, 5_001_000L + elapsedMicros);
    }
}
