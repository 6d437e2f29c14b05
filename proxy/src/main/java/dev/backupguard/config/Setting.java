package dev.backupguard.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One {@code backupguard.*} setting: its name, default, the values it accepts and what it does. {@link Settings#KEYS}
 * lists them all; the validation, the start-up line and README's configuration table come from these definitions.
 *
 * @param name        the key without the {@code backupguard.} prefix
 * @param fallback    the default, as text ("" for none)
 * @param accepts     the values it accepts, in words, for the table and for the error that names a bad value
 * @param parser      text to value; throws IllegalArgumentException for text it does not accept
 * @param description what it does
 */
public record Setting<T>(String name, String fallback, String accepts, Function<String, T> parser,
                         String description) {

    /** The value of {@code text} (trimmed), or IllegalArgumentException when the setting does not accept it. */
    public T parse(String text) {
        return parser.apply(text.trim());
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

    /**
     * backup-guard's own booleans (not the drivers', see {@link Connector}): true or false, with yes/no, on/off
     * and 1/0 accepted as well, in any case.
     */
    static Setting<Boolean> flag(String name, boolean fallback, String description) {
        return new Setting<>(name, Boolean.toString(fallback), "true or false (also yes/no, on/off, 1/0)", Setting::bool,
                description);
    }

    static boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException(text);
        };
    }

    /** One of named values, matched without regard to case. */
    static <E> Setting<E> choice(String name, String fallback, Map<String, E> values, String description) {
        Map<String, E> copy = new LinkedHashMap<>(values);
        return new Setting<>(name, fallback, String.join(", ", copy.keySet()), text -> {
            E v = copy.get(text.toLowerCase(Locale.ROOT));
            if (v == null) {
                throw new IllegalArgumentException(text);
            }
            return v;
        }, description);
    }

    /**
     * A whole number within bounds. The bounds keep every later computation in range: a duration in nanoseconds, a
     * queue capacity in an int, a doubled back-off.
     */
    static Setting<Long> number(String name, long fallback, long min, long max, String description) {
        return new Setting<>(name, Long.toString(fallback), min + " to " + max, text -> {
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
        }, description);
    }

    /** Comma-separated names; empty parts are dropped. */
    static Setting<List<String>> list(String name, String description) {
        return new Setting<>(name, "", "comma-separated names", text -> text.isEmpty() ? List.of()
                : Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(), description);
    }

    /** A file; empty for none. */
    static Setting<Path> path(String name, String description) {
        return new Setting<>(name, "", "a file path", text -> {
            try {
                return text.isEmpty() ? null : Path.of(text);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(text, e);
            }
        }, description);
    }
}
