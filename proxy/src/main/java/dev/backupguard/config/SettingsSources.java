package dev.backupguard.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where settings come from, lowest precedence first: defaults, the properties file ({@code backupguard.config.file}),
 * {@code BACKUPGUARD_*} environment variables, {@code backupguard.*} system properties, the agent's arguments, and
 * finally the connection's own URL or properties. Environment names map mechanically: {@code BACKUPGUARD_LOCK_WAIT_MS}
 * is {@code backupguard.lock.wait-ms}. An underscore cannot tell '.' from '-', so keys are matched in a normalised
 * form (lower case, with '.', '-' and '_' equal); no two keys collide in it.
 */
public final class SettingsSources {

    private static volatile Map<String, String> agentArguments = Map.of();

    private SettingsSources() {
    }

    /** Set once by the agent's premain. */
    public static void agentArguments(Map<String, String> args) {
        agentArguments = Map.copyOf(args);
    }

    /** The process-wide settings (no connection properties). */
    public static Map<String, String> global() {
        return merge(System.getenv(), System.getProperties(), agentArguments);
    }

    /** Process-wide settings overridden by {@code backupguard.*} connection properties. */
    public static Settings resolve(Properties connection) {
        Map<String, String> all = global();
        if (connection != null) {
            all.putAll(prefixed(connection));
        }
        return Settings.from(all);
    }

    static Map<String, String> merge(Map<String, String> env, Properties system, Map<String, String> agent) {
        Map<String, String> out = new HashMap<>();
        String file = firstNonEmpty(agent.get(Settings.PREFIX + "config.file"),
                system.getProperty(Settings.PREFIX + "config.file"), env.get("BACKUPGUARD_CONFIG_FILE"));
        if (file != null) {
            out.putAll(prefixed(load(Path.of(file))));
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith("BACKUPGUARD_")) {
                out.put(canonical(e.getKey().substring("BACKUPGUARD_".length())), e.getValue());
            }
        }
        out.putAll(prefixed(system));
        for (Map.Entry<String, String> e : agent.entrySet()) {
            out.put(canonical(strip(e.getKey())), e.getValue());
        }
        return out;
    }

    /** The {@code backupguard.*} entries of a Properties object, keys canonical. */
    public static Map<String, String> prefixed(Properties p) {
        Map<String, String> out = new HashMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.toLowerCase(Locale.ROOT).startsWith(Settings.PREFIX)) {
                out.put(canonical(strip(name)), p.getProperty(name));
            }
        }
        return out;
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + Settings.PREFIX + "config.file " + file + ": " + e.getMessage(), e);
        }
        return p;
    }

    private static String strip(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.startsWith(Settings.PREFIX) ? k.substring(Settings.PREFIX.length()) : k;
    }

    /**
     * The known key whose normalised form equals {@code key}'s ({@code LOCK_WAIT_MS}, {@code lock.wait-ms} and
     * {@code lock_wait_ms} are one key); rule overrides keep their id. Unknown keys stay as given, so
     * {@link Settings#from} reports them.
     */
    static String canonical(String key) {
        String norm = normalise(key);
        if (norm.startsWith("rule_")) {
            return Settings.PREFIX + "rule." + key.substring(5).toLowerCase(Locale.ROOT).replace('_', '-');
        }
        for (String known : Settings.KEYS.keySet()) {
            if (normalise(known).equals(norm)) {
                return Settings.PREFIX + known;
            }
        }
        return Settings.PREFIX + key.toLowerCase(Locale.ROOT);
    }

    private static String normalise(String key) {
        return key.toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
