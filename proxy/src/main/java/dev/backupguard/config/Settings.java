package dev.backupguard.config;

import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.ProtocolSettings;
import dev.backupguard.protocol.Role;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.SnapshotWay;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every {@code backupguard.*} setting, resolved and validated. The same keys are read from a properties file,
 * {@code BACKUPGUARD_*} environment variables, {@code backupguard.*} system properties, the agent's arguments and the
 * JDBC URL or connection properties (see {@link SettingsSources}). A bad value fails with a message naming the key.
 *
 * @param enabled      {@code backupguard.enabled}: false turns every guard off (plain delegation)
 * @param protocol     mode, role, snapshot way, per-rule modes, DDL lock
 * @param session      {@code backupguard.session}: {@code backup} or {@code never} marks every connection so, or null
 * @param backupUsers  {@code backupguard.backup-users}: user names whose connections are backup sessions
 * @param neverUsers   {@code backupguard.never-users}: user names whose connections never are
 * @param backupApplications {@code backupguard.backup-applications}: application names (JDBC client info
 *                     {@code ApplicationName}) whose connections are backup sessions
 * @param neverApplications {@code backupguard.never-applications}: application names whose connections never are
 * @param scope        {@code backupguard.scope}: schemas whose table engines are checked first (empty: the connection's database)
 * @param multiStatements {@code backupguard.multi-statements}: true, false, or null for auto (from allowMultiQueries)
 * @param lock         the lock guard's bounds
 * @param telemetry    sinks and redaction
 */
public record Settings(boolean enabled, ProtocolSettings protocol, String session, Set<String> backupUsers,
                       Set<String> neverUsers, Set<String> backupApplications, Set<String> neverApplications,
                       List<String> scope, Boolean multiStatements, LockSettings lock,
                       TelemetrySettings telemetry) {

    public static final String PREFIX = "backupguard.";

    /** The lock guard's bounds (issue: never let FTWRL stall the server). */
    public record LockSettings(Duration longQueryThreshold, Duration longQueryWait, LongQueryFilter longQueryFilter,
                               boolean killLongQueries, Duration lockWait, int retries, Duration retryBackoff,
                               Duration holdLimit, Duration lockWaitTimeout) {
    }

    /**
     * Which running statements count as long queries for the FTWRL preflight. AUTO is ALL on servers whose FTWRL waits
     * for running SELECTs (MySQL, Percona Server) and WRITES on MariaDB, whose FTWRL does not (docs/server-facts.md,
     * fact 4): a long report there does not delay the lock, so it should not stop the backup either.
     */
    public enum LongQueryFilter { AUTO, ALL, WRITES, SELECTS }

    /** Where telemetry goes. */
    public record TelemetrySettings(Path traceFile, Path coordinatesFile, boolean redact, boolean jfr, boolean jmx,
                                    int traceQueueCapacity) {
    }

    /** Every key with its default and a one-line description: README's table (ReadmeSettingsTableTest keeps them equal). */
    public static final Map<String, String[]> KEYS;

    static {
        Map<String, String[]> k = new LinkedHashMap<>();
        k.put("enabled", new String[]{"true", "false turns backup-guard off entirely (plain delegation)"});
        k.put("mode", new String[]{"enforce", "enforce (correct the sequence), block (refuse unsafe statements), audit (report only)"});
        k.put("role", new String[]{"backup-job", "backup-job (a program that dumps: its first data read starts the snapshot) or guardrail (an application: only unmistakable backup statements)"});
        k.put("snapshot.way", new String[]{"auto", "auto, snapshot-status (no lock; MariaDB/Percona) or global-lock (mysqldump's short FTWRL window)"});
        k.put("ddl-lock", new String[]{"false", "also hold the DDL-only backup lock during the snapshot (LOCK INSTANCE FOR BACKUP / BACKUP STAGE BLOCK_DDL)"});
        k.put("rule.<id>", new String[]{"(mode)", "per-rule override: enforce, block, audit or off"});
        k.put("session", new String[]{"", "backup or never: mark every connection of this driver/data source"});
        k.put("backup-users", new String[]{"", "comma-separated user names whose connections are backup sessions"});
        k.put("never-users", new String[]{"", "comma-separated user names whose connections are never backup sessions"});
        k.put("backup-applications", new String[]{"", "comma-separated application names (JDBC client info ApplicationName) whose connections are backup sessions"});
        k.put("never-applications", new String[]{"", "comma-separated application names (JDBC client info ApplicationName) whose connections are never backup sessions"});
        k.put("scope", new String[]{"", "comma-separated schemas whose table engines are checked when a backup session starts (default: the connection's database, or every schema when it has none); a schema read later is checked at its first read"});
        k.put("multi-statements", new String[]{"auto", "whether statements may hold several ';'-separated statements: auto (from allowMultiQueries in the URL or properties), true, false"});
        k.put("lock.long-query-seconds", new String[]{"60", "a statement running longer than this blocks FTWRL (like mydumper --long-query-guard)"});
        k.put("lock.long-query-wait-ms", new String[]{"30000", "how long to wait for long queries (or for the statements that held up a cancelled FTWRL) to end before refusing"});
        k.put("lock.long-query-filter", new String[]{"auto", "which long queries count: all, writes or selects; auto is all where FTWRL waits for running SELECTs (MySQL, Percona) and writes on MariaDB, where it does not"});
        k.put("lock.kill-long-queries", new String[]{"false", "KILL QUERY the long queries instead of waiting (opt-in; never connections, replication or our own)"});
        k.put("lock.wait-ms", new String[]{"1000", "cancel our FTWRL (KILL QUERY) when it waits longer than this: every writer is stalled meanwhile"});
        k.put("lock.retries", new String[]{"3", "FTWRL attempts after a cancelled wait, before refusing (enforce mode; block mode refuses at the first cancel)"});
        k.put("lock.retry-backoff-ms", new String[]{"500", "pause before the first retry, doubled each time"});
        k.put("lock.hold-ms", new String[]{"10000", "a global read lock held longer is a violation; enforce mode aborts the backup session"});
        k.put("lock.wait-timeout-seconds", new String[]{"5", "session lock_wait_timeout set around FTWRL as a second bound, then restored"});
        k.put("trace.file", new String[]{"", "JSON-lines trace file (one event per line), written asynchronously"});
        k.put("trace.queue", new String[]{"65536", "events buffered for the trace file before the oldest are dropped (counted)"});
        k.put("coordinates.file", new String[]{"", "JSON file receiving the binlog/GTID coordinates of each backup snapshot"});
        k.put("redact", new String[]{"true", "replace literals in SQL shown in logs, traces and exceptions"});
        k.put("jfr", new String[]{"true", "emit JFR events (category backup-guard) when a recording wants them"});
        k.put("jmx", new String[]{"true", "register the dev.backupguard:type=BackupGuard MXBean"});
        k.put("config.file", new String[]{"", "a properties file with any of these keys (lowest precedence after defaults)"});
        k.put("agent.any-driver", new String[]{"false", "-javaagent only: also guard connections of every other java.sql.Driver (default: MySQL and MariaDB Connector/J, HikariCP)"});
        KEYS = java.util.Collections.unmodifiableMap(k);
    }

    public static Settings defaults() {
        return from(Map.of());
    }

    /** Builds settings from {@code backupguard.*} keys (with or without the prefix); unknown keys fail. */
    public static Settings from(Map<String, String> raw) {
        Map<String, String> in = new TreeMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String key = e.getKey().toLowerCase(Locale.ROOT);
            if (key.startsWith(PREFIX)) {
                key = key.substring(PREFIX.length());
            }
            if (!KEYS.containsKey(key) && !key.startsWith("rule.")) {
                throw new IllegalArgumentException("unknown setting " + PREFIX + key + "; known: " + KEYS.keySet());
            }
            if (e.getValue() != null) {
                in.put(key, e.getValue().trim());
            }
        }
        Reader r = new Reader(in);
        Map<Rule, Mode> ruleModes = new EnumMap<>(Rule.class);
        for (Map.Entry<String, String> e : in.entrySet()) {
            if (e.getKey().startsWith("rule.")) {
                String id = e.getKey().substring(5);
                ruleModes.put(r.parse(e.getKey(), () -> Rule.byId(id)), r.parse(e.getKey(), () -> Mode.parse(e.getValue())));
            }
        }
        Mode mode = r.parse("mode", () -> Mode.parse(r.get("mode")));
        if (mode == Mode.OFF) {
            throw new IllegalArgumentException(PREFIX + "mode must be enforce, block or audit (use " + PREFIX
                    + "enabled=false to turn the guard off)");
        }
        ProtocolSettings protocol = new ProtocolSettings(mode,
                r.parse("role", () -> Role.parse(r.get("role"))),
                r.parse("snapshot.way", () -> SnapshotWay.parse(r.get("snapshot.way"))),
                ruleModes, r.bool("ddl-lock"), ProtocolSettings.DEFAULT_SAVEPOINT);
        if (protocol.way() == SnapshotWay.NO_COORDINATES) {
            throw new IllegalArgumentException(PREFIX + "snapshot.way must be auto, snapshot-status or global-lock");
        }
        String session = r.get("session").toLowerCase(Locale.ROOT);
        if (!session.isEmpty() && !session.equals("backup") && !session.equals("never")) {
            throw new IllegalArgumentException(PREFIX + "session must be backup or never, not '" + session + "'");
        }
        LockSettings lock = new LockSettings(
                Duration.ofSeconds(r.longValue("lock.long-query-seconds", 0)),
                Duration.ofMillis(r.longValue("lock.long-query-wait-ms", 0)),
                r.parse("lock.long-query-filter", () -> LongQueryFilter.valueOf(r.get("lock.long-query-filter").toUpperCase(Locale.ROOT))),
                r.bool("lock.kill-long-queries"),
                Duration.ofMillis(r.longValue("lock.wait-ms", 1)),
                (int) r.longValue("lock.retries", 0),
                Duration.ofMillis(r.longValue("lock.retry-backoff-ms", 0)),
                Duration.ofMillis(r.longValue("lock.hold-ms", 1)),
                Duration.ofSeconds(r.longValue("lock.wait-timeout-seconds", 1)));
        TelemetrySettings telemetry = new TelemetrySettings(r.path("trace.file"), r.path("coordinates.file"),
                r.bool("redact"), r.bool("jfr"), r.bool("jmx"), (int) r.longValue("trace.queue", 16));
        String multi = r.get("multi-statements").toLowerCase(Locale.ROOT);
        Boolean multiStatements = multi.equals("auto") ? null : r.bool("multi-statements");
        return new Settings(r.bool("enabled"), protocol, session.isEmpty() ? null : session,
                lower(r.list("backup-users")), lower(r.list("never-users")), lower(r.list("backup-applications")),
                lower(r.list("never-applications")), r.list("scope"), multiStatements, lock,
                telemetry);
    }

    private static Set<String> lower(List<String> names) {
        return Set.copyOf(names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList());
    }

    /** The settings as key=value lines for the start-up log; nothing secret is in them. */
    public String describe() {
        return "enabled=" + enabled + " mode=" + protocol.mode().name().toLowerCase(Locale.ROOT)
                + " role=" + protocol.role().name().toLowerCase(Locale.ROOT).replace('_', '-')
                + " snapshot.way=" + protocol.way().name().toLowerCase(Locale.ROOT).replace('_', '-')
                + " ddl-lock=" + protocol.ddlLock()
                + (protocol.ruleModes().isEmpty() ? "" : " rules=" + protocol.ruleModes())
                + (session == null ? "" : " session=" + session)
                + (backupUsers.isEmpty() ? "" : " backup-users=" + String.join(",", backupUsers))
                + (neverUsers.isEmpty() ? "" : " never-users=" + String.join(",", neverUsers))
                + (backupApplications.isEmpty() ? "" : " backup-applications=" + String.join(",", backupApplications))
                + (neverApplications.isEmpty() ? "" : " never-applications=" + String.join(",", neverApplications))
                + " lock.wait-ms=" + lock.lockWait().toMillis() + " lock.retries=" + lock.retries()
                + " lock.retry-backoff-ms=" + lock.retryBackoff().toMillis()
                + " lock.wait-timeout-seconds=" + lock.lockWaitTimeout().toSeconds()
                + " lock.hold-ms=" + lock.holdLimit().toMillis()
                + " lock.long-query-seconds=" + lock.longQueryThreshold().toSeconds()
                + " lock.long-query-wait-ms=" + lock.longQueryWait().toMillis()
                + " lock.long-query-filter=" + lock.longQueryFilter().name().toLowerCase(Locale.ROOT)
                + " lock.kill-long-queries=" + lock.killLongQueries()
                + (telemetry.traceFile() == null ? "" : " trace.file=" + telemetry.traceFile())
                + (telemetry.coordinatesFile() == null ? "" : " coordinates.file=" + telemetry.coordinatesFile())
                + " redact=" + telemetry.redact();
    }

    public Settings withProtocol(ProtocolSettings p) {
        return new Settings(enabled, p, session, backupUsers, neverUsers, backupApplications, neverApplications, scope,
                multiStatements, lock, telemetry);
    }

    /** Reads typed values with defaults from {@link #KEYS}; every error names the key. */
    private static final class Reader {
        private final Map<String, String> in;

        Reader(Map<String, String> in) {
            this.in = in;
        }

        String get(String key) {
            String v = in.get(key);
            return v != null ? v : KEYS.get(key)[0];
        }

        <T> T parse(String key, java.util.function.Supplier<T> parser) {
            try {
                return parser.get();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad value for " + PREFIX + key + ": '" + in.get(key) + "' ("
                        + KEYS.getOrDefault(key, new String[]{"", "see README"})[1] + ")", e);
            }
        }

        boolean bool(String key) {
            String v = get(key).toLowerCase(Locale.ROOT);
            return switch (v) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw new IllegalArgumentException("bad value for " + PREFIX + key + ": '" + v
                        + "' (true or false)");
            };
        }

        long longValue(String key, long min) {
            long v = parse(key, () -> Long.parseLong(get(key)));
            if (v < min) {
                throw new IllegalArgumentException("bad value for " + PREFIX + key + ": " + v + " (at least " + min + ")");
            }
            return v;
        }

        Path path(String key) {
            String v = get(key);
            return v.isEmpty() ? null : Path.of(v);
        }

        List<String> list(String key) {
            String v = get(key);
            if (v.isEmpty()) {
                return List.of();
            }
            return java.util.Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }
}
