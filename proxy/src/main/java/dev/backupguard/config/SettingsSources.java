package dev.backupguard.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where settings come from, lowest precedence first: defaults, the properties file ({@code backupguard.config.file}),
 * {@code BACKUPGUARD_*} environment variables, {@code backupguard.*} system properties, the agent's arguments, and
 * finally the connection's own URL parameters and properties (see {@link ConnectionIdentity}). Environment names
 * map mechanically: {@code BACKUPGUARD_LOCK_WAIT_MS} is {@code backupguard.lock.wait-ms} (see {@link KeyNames}).
 *
 * <p>The URL driver, the DataSource and the agent resolve through here, so one policy ({@link SettingsResolution})
 * applies to all three. What it finds wrong is logged here, each line once per process: the process-wide settings
 * are resolved again for every connection, and one bad environment variable must not print a line per connect.
 */
public final class SettingsSources {

    private static final Logger LOG = LoggerFactory.getLogger("dev.backupguard.config");
    private static final int LINES_LOGGED = 256;
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
    private static volatile Map<String, String> agentArguments = Map.of();

    private SettingsSources() {
    }

    /** Set once by the agent's premain. */
    public static void agentArguments(Map<String, String> args) {
        agentArguments = Map.copyOf(args);
    }

    /** The process-wide settings (no connection's own), with what was wrong with them logged. */
    public static Settings process() {
        return logged(SettingsResolution.of(given(System.getenv(), System.getProperties(), agentArguments)));
    }

    /** Process-wide settings overridden by a connection's own {@code backupguard.*} values; problems are logged. */
    public static Settings forConnection(List<Source.Given> connection) {
        List<Source.Given> all = given(System.getenv(), System.getProperties(), agentArguments);
        all.addAll(connection);
        return logged(SettingsResolution.of(all));
    }

    /** The process-wide values, lowest precedence first. */
    static List<Source.Given> given(Map<String, String> env, Properties system, Map<String, String> agent) {
        List<Source.Given> given = processWide(env, system, agent);
        Source.Given file = null;
        for (Source.Given g : given) {
            if (g.key().equals(Settings.CONFIG_FILE.name()) && !g.value().isBlank()) {
                file = g;
            }
        }
        if (file == null) {
            return given;
        }
        List<Source.Given> out = new ArrayList<>(file(file));
        out.addAll(given);
        return out;
    }

    private static List<Source.Given> processWide(Map<String, String> env, Properties system,
                                                  Map<String, String> agent) {
        List<Source.Given> out = new ArrayList<>();
        TreeMap<String, String> ours = new TreeMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith("BACKUPGUARD_")) {
                ours.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : ours.entrySet()) {
            out.add(new Source.Given(KeyNames.canonical(e.getKey().substring("BACKUPGUARD_".length())), e.getValue(),
                    Source.ENVIRONMENT, e.getKey()));
        }
        out.addAll(prefixed(system, Source.SYSTEM_PROPERTY, ""));
        for (Map.Entry<String, String> e : agent.entrySet()) {
            String name = e.getKey();
            out.add(new Source.Given(KeyNames.canonical(name), e.getValue(), Source.AGENT_ARGUMENT,
                    name.toLowerCase(Locale.ROOT).startsWith(Settings.PREFIX) ? name.substring(Settings.PREFIX.length())
                            : name));
        }
        return out;
    }

    /**
     * The {@code backupguard.*} entries of a Properties object (defaults included, as {@code getProperty} sees
     * them), in name order so that precedence never depends on hashing.
     */
    public static List<Source.Given> prefixed(Properties p, Source source, String namePrefix) {
        TreeMap<String, String> ours = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.regionMatches(true, 0, Settings.PREFIX, 0, Settings.PREFIX.length())) {
                ours.put(name, p.getProperty(name));
            }
        }
        List<Source.Given> out = new ArrayList<>(ours.size());
        for (Map.Entry<String, String> e : ours.entrySet()) {
            out.add(new Source.Given(KeyNames.canonical(e.getKey()), e.getValue(), source, namePrefix + e.getKey()));
        }
        return out;
    }

    /** The file's keys, with or without the prefix: it is backup-guard's own file, so every key in it is ours. */
    private static List<Source.Given> file(Source.Given named) {
        Path path;
        Properties p;
        try {
            path = Settings.CONFIG_FILE.parse(named.value());
            p = load(path);
        } catch (IllegalArgumentException e) {
            return List.of(); // resolving config.file reports it, naming where the file was named
        }
        List<Source.Given> out = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(p.stringPropertyNames())) {
            out.add(new Source.Given(KeyNames.canonical(name), p.getProperty(name), Source.FILE, path + ": " + name));
        }
        return out;
    }

    /** A properties file, or IllegalArgumentException saying why it cannot be read. */
    static Properties load(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + " (" + e + ")", e);
        }
        return p;
    }

    private static Settings logged(SettingsResolution r) {
        for (String line : r.unknown()) {
            if (once(line)) {
                LOG.warn(line);
            }
        }
        for (String line : r.errors()) {
            if (once(line)) {
                LOG.error(line);
            }
        }
        if (r.off() != null && once(r.off())) {
            LOG.warn(r.off());
        }
        return r.settings();
    }

    private static boolean once(String line) {
        return LOGGED.size() < LINES_LOGGED && LOGGED.add(line);
    }
}
