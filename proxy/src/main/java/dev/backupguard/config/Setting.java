package dev.backupguard.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code backupguard.*} setting: its name, default, the values it accepts and what it does. {@link Settings#KEYS}
 * lists them all; the validation, the start-up line and README's configuration table come from these definitions.
 * Parsing is a switch over a few kinds, not a function per key: the agent reads the settings in premain, where each
 * lambda's first use costs start-up time.
 *
 * @param name        the key without the {@code backupguard.} prefix
 * @param fallback    the default, as text ("" for none)
 * @param accepts     the values it accepts, in words, for the table and for the error that names a bad value
 * @param kind        how its text is read
 * @param choices     for {@link Kind#CHOICE}: each accepted text (lower case) and its value, which may be null
 * @param min         for {@link Kind#NUMBER}: the least value
 * @param max         for {@link Kind#NUMBER}: the greatest value
 * @param description what it does
 */
public record Setting<T>(String name, String fallback, String accepts, Kind kind, Map<String, ?> choices, long min,
                         long max, String description) {

    /** How a setting's text is read. */
    public enum Kind {
        /** backup-guard's own booleans (not the drivers', see {@link Connector}). */
        FLAG,
        /** One of named values, in any case. */
        CHOICE,
        /** A whole number within bounds. */
        NUMBER,
        /** Comma-separated names; empty parts are dropped. */
        LIST,
        /** A file path, or empty for none. */
        FILE,
        /** A properties file that can be read, or empty for none. */
        PROPERTIES_FILE
    }

    /** The value of {@code text} (trimmed), or IllegalArgumentException when the setting does not accept it. */
    @SuppressWarnings("unchecked")
    public T parse(String text) {
        String t = text.trim();
        return (T) switch (kind) {
            case FLAG -> bool(t);
            case CHOICE -> {
                String key = t.toLowerCase(Locale.ROOT);
                if (!choices.containsKey(key)) {
                    throw new IllegalArgumentException(t);
                }
                yield choices.get(key);
            }
            case NUMBER -> number(t);
            case LIST -> t.isEmpty() ? List.of() : Arrays.stream(t.split(",")).map(String::trim)
                    .filter(s -> !s.isEmpty()).toList();
            case FILE -> path(t);
            case PROPERTIES_FILE -> {
                Path file = path(t);
                if (file != null) {
                    SettingsSources.load(file);
                }
                yield file;
            }
        };
    }

    /** The default value. */
    public T fallbackValue() {
        return parse(fallback);
    }

    /** The environment variable of this key: upper case, {@code BACKUPGUARD_} prefix, '.' and '-' become '_'. */
    public String environmentName() {
        return environmentName(name);
    }

    static String environmentName(String key) {
        return "BACKUPGUARD_" + key.replace("<id>", "<ID>").toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** true or false, with yes/no, on/off and 1/0 accepted as well, in any case. */
    static Setting<Boolean> flag(String name, boolean fallback, String description) {
        return new Setting<>(name, Boolean.toString(fallback), "true or false (also yes/no, on/off, 1/0)", Kind.FLAG,
                Map.of(), 0, 0, description);
    }

    static boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(text);
        };
    }

    /** One of {@code values}, matched in any case; {@code accepts} says so in words. */
    static <E> Setting<E> choice(String name, String fallback, String accepts, Map<String, E> values,
                                 String description) {
        return new Setting<>(name, fallback, accepts, Kind.CHOICE,
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values)), 0, 0, description);
    }

    /** One of {@code values}, matched in any case, listed in their order. */
    static <E> Setting<E> choice(String name, String fallback, Map<String, E> values, String description) {
        return choice(name, fallback, String.join(", ", values.keySet()), values, description);
    }

    /**
     * A whole number within bounds. The bounds keep every later computation in range: a duration in nanoseconds, a
     * queue capacity in an int, a doubled back-off.
     */
    static Setting<Long> number(String name, long fallback, long min, long max, String description) {
        return new Setting<>(name, Long.toString(fallback), min + " to " + max, Kind.NUMBER, Map.of(), min, max,
                description);
    }

    static Setting<List<String>> list(String name, String description) {
        return new Setting<>(name, "", "comma-separated names", Kind.LIST, Map.of(), 0, 0, description);
    }

    static Setting<Path> path(String name, String description) {
        return new Setting<>(name, "", "a file path", Kind.FILE, Map.of(), 0, 0, description);
    }

    private long number(String text) {
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text, e);
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(text);
        }
        return v;
    }

    private static Path path(String text) {
        try {
            return text.isEmpty() ? null : Path.of(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
