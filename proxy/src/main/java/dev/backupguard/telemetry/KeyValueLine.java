package dev.backupguard.telemetry;

import dev.backupguard.telemetry.GuardEvent.RunningQuery;

import java.util.List;

/**
 * One event as a structured log line: {@code event=lock_released conn=12 session=3 lock=global_read_lock
 * hold_us=5210}. Keys as in the JSON trace ({@link EventFields}); a value with a space, a quote, {@code =} or nothing
 * in it is quoted, with {@code "} and {@code \} escaped; lists are {@code [a, b]}.
 */
final class KeyValueLine implements EventFields.Out {

    private final StringBuilder b = new StringBuilder(160);

    static String of(GuardEvent e, boolean redact) {
        KeyValueLine line = new KeyValueLine();
        GuardEvent.Origin o = e.origin();
        line.b.append("event=").append(e.name());
        line.number("conn", o.connectionId());
        line.number("session", o.sessionId());
        EventFields.write(e, line, redact);
        return line.b.toString();
    }

    @Override
    public void text(String key, String value) {
        if (value != null) {
            b.append(' ').append(key).append('=');
            value(value);
        }
    }

    @Override
    public void number(String key, long value) {
        b.append(' ').append(key).append('=').append(value);
    }

    @Override
    public void flag(String key, boolean value) {
        b.append(' ').append(key).append('=').append(value);
    }

    @Override
    public void texts(String key, List<String> values) {
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            list.append(i == 0 ? "" : ", ").append(values.get(i));
        }
        b.append(' ').append(key).append('=');
        value(list.append(']').toString());
    }

    @Override
    public void queries(String key, List<RunningQuery> queries, boolean redact) {
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < queries.size(); i++) {
            RunningQuery q = queries.get(i);
            list.append(i == 0 ? "" : ", ").append("id ").append(q.id()).append(' ').append(q.user()).append('@')
                    .append(q.host()).append(' ').append(q.seconds()).append("s ").append(q.command()).append(": ")
                    .append(q.state()).append(": ").append(EventFields.info(q, redact));
        }
        b.append(' ').append(key).append('=');
        value(list.append(']').toString());
    }

    @Override
    public void absent(String key) {
        // key=value lines leave out what an event does not have
    }

    private void value(String v) {
        boolean quote = v.isEmpty();
        for (int i = 0; i < v.length() && !quote; i++) {
            char c = v.charAt(i);
            quote = c <= ' ' || c == '"' || c == '=' || c == '\\';
        }
        if (!quote) {
            b.append(v);
            return;
        }
        b.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        b.append('"');
    }
}
