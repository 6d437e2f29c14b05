package dev.backupguard.lock;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class HoldWatchTest {

    @Test
    void theConnectionIsLookedForTenTimesPerHoldLimitAtMostASecondApartAndNeverCloserThan10Ms() {
        assertThat(HoldWatch.looksPerLimit(Duration.ofMillis(1000))).isEqualTo(10); // every 100 ms
        assertThat(HoldWatch.looksPerLimit(Duration.ofSeconds(10))).isEqualTo(10); // every second (the default)
        assertThat(HoldWatch.looksPerLimit(Duration.ofSeconds(60))).isEqualTo(60); // still every second
        assertThat(HoldWatch.looksPerLimit(Duration.ofMillis(60_500))).isEqualTo(61);
        assertThat(HoldWatch.looksPerLimit(Duration.ofMillis(50))).isEqualTo(5); // every 10 ms
        assertThat(HoldWatch.looksPerLimit(Duration.ofMillis(5))).isEqualTo(1); // once, at the limit
        for (long ms : new long[]{1, 7, 99, 1000, 1001, 9999, 10_000, 10_001, 86_400_000}) {
            Duration limit = Duration.ofMillis(ms);
            Duration period = limit.dividedBy(HoldWatch.looksPerLimit(limit));
            assertThat(period).as("period for %d ms", ms).isLessThanOrEqualTo(Duration.ofSeconds(1));
            assertThat(period.multipliedBy(HoldWatch.looksPerLimit(limit))).as("the last look is at the limit")
                    .isLessThanOrEqualTo(limit).isGreaterThan(limit.minus(Duration.ofMillis(1)));
        }
    }
}
