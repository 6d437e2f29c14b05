package dev.backupguard.harness.report;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How times and durations of a session are written: wall-clock for a log, offsets for a recording. */
final class Durations {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter TIME_MICROS = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Durations() {
    }

    /** A duration measured with this resolution: {@code 1.2 ms}, {@code 3.4 s}, {@code < 1 s}. */
    static String duration(long micros, long resolutionMicros) {
        if (resolutionMicros <= 0) {
            return "? (no times in the log)";
        }
        if (resolutionMicros >= 1_000_000) {
            return micros < 1_000_000 ? "< 1 s" : "~" + micros / 1_000_000 + " s";
        }
        if (micros < 1_000) {
            return micros + " µs";
        }
        if (micros < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
        }
        return String.format(Locale.ROOT, "%.2f s", micros / 1_000_000.0);
    }

    /** A point in time: {@code 01:30:05.123456} for a log, {@code +12.3 ms} from {@code origin} for a recording. */
    static String time(long micros, boolean wallClock, long resolutionMicros, long origin) {
        if (!wallClock) {
            return "+" + duration(Math.max(0, micros - origin), resolutionMicros);
        }
        if (micros < 0) {
            return "?";
        }
        LocalDateTime t = dateTime(micros);
        return (resolutionMicros >= 1_000_000 ? TIME : TIME_MICROS).format(t);
    }

    static String dateTime(long micros, boolean wallClock) {
        if (!wallClock || micros < 0) {
            return "";
        }
        return DATE_TIME.format(dateTime(micros));
    }

    private static LocalDateTime dateTime(long micros) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
    }
}
