package dev.backupguard.telemetry;

import dev.backupguard.telemetry.GuardEvent.RunningQuery;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * One event as one JSON object on one line: {@code event}, {@code time} (ISO-8601 UTC, microseconds),
 * {@code epoch_us}, {@code mono_us} (the monotonic clock, for durations between events), {@code conn},
 * {@code session}, then the event's own fields ({@link EventFields}). Not thread-safe: one per writer thread.
 */
final class JsonLine implements EventFields.Out {

    private final StringBuilder b = new StringBuilder(256);
    private boolean first;

    /** The event as a JSON object, without the line break. */
    String of(GuardEvent e, boolean redact) {
        begin(e.name());
        GuardEvent.Origin o = e.origin();
        text("time", isoTime(o.epochMicros()));
        number("epoch_us", o.epochMicros());
        number("mono_us", o.nanos() / 1000);
        number("conn", o.connectionId());
        number("session", o.sessionId());
        EventFields.write(e, this, redact);
        return end();
    }

    /** A line of the writer's own, not an event of a session: {@code {"event": name, ...}}. */
    JsonLine begin(String event) {
        start();
        text("event", event);
        return this;
    }

    /** An object of other fields. */
    JsonLine start() {
        b.setLength(0);
        b.append('{');
        first = true;
        return this;
    }

    String end() {
        b.append('}');
        return b.toString();
    }

    @Override
    public void text(String key, String value) {
        key(key);
        string(value);
    }

    @Override
    public void number(String key, long value) {
        key(key);
        b.append(value);
    }

    @Override
    public void flag(String key, boolean value) {
        key(key);
        b.append(value);
    }

    @Override
    public void texts(String key, List<String> values) {
        key(key);
        b.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            string(values.get(i));
        }
        b.append(']');
    }

    @Override
    public void queries(String key, List<RunningQuery> queries, boolean redact) {
        key(key);
        b.append('[');
        for (int i = 0; i < queries.size(); i++) {
            RunningQuery q = queries.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"id\":").append(q.id()).append(",\"user\":");
            string(q.user());
            b.append(",\"host\":");
            string(q.host());
            b.append(",\"db\":");
            string(q.db());
            b.append(",\"command\":");
            string(q.command());
            b.append(",\"seconds\":").append(q.seconds()).append(",\"state\":");
            string(q.state());
            b.append(",\"info\":");
            string(EventFields.info(q, redact));
            b.append('}');
        }
        b.append(']');
    }

    @Override
    public void absent(String key) {
        key(key);
        b.append("null");
    }

    private void key(String key) {
        if (!first) {
            b.append(',');
        }
        first = false;
        b.append('"').append(key).append("\":");
    }

    private void string(String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** ISO-8601 UTC with exactly six fraction digits, so times sort as text: {@code 2025-11-22T01:46:40.123456Z}. */
    static String isoTime(long epochMicros) {
        return ISO_MICROS.format(Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L),
                Math.floorMod(epochMicros, 1_000_000L) * 1000L));
    }

    private static final DateTimeFormatter ISO_MICROS = DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
}
