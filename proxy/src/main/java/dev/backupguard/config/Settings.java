package dev.backupguard.config;

import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.ProtocolSettings;
import dev.backupguard.protocol.Role;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.SnapshotWay;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every {@code backupguard.*} setting, resolved and validated. The same keys are read from a properties file,
 * {@code BACKUPGUARD_*} environment variables, {@code backupguard.*} system properties, the agent's arguments and the
 * JDBC URL or connection properties (see {@link SettingsSources}); {@link #KEYS} defines each key once.
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
 * @param multiStatements {@code backupguard.multi-statements}: true, false, or null for auto (the driver's allowMultiQueries)
 * @param lock         the lock guard's bounds
 * @param telemetry    sinks and redaction
 * @param effective    the value of every key as text, defaults included (the start-up line)
 * @param configError  null, or the configuration errors that make every backup session be refused
 *                     ({@code backupguard.on-config-error=refuse})
 */
public record Settings(boolean enabled, ProtocolSettings protocol, String session, Set<String> backupUsers,
                       Set<String> neverUsers, Set<String> backupApplications, Set<String> neverApplications,
                       List<String> scope, Boolean multiStatements, LockSettings lock,
                       TelemetrySettings telemetry, Map<String, String> effective, String configError) {

    public static final String PREFIX = "backupguard.";

    /** The lock guard's bounds (never let FTWRL stall the server). */
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

    /** What an invalid value of a known key does ({@code backupguard.on-config-error}). */
    public enum OnConfigError { REFUSE, DEFAULTS, OFF }

    static final Setting<Boolean> ENABLED = Setting.flag("enabled", true,
            "false turns backup-guard off entirely (plain delegation); logged at WARN with where it was set");
    static final Setting<OnConfigError> ON_CONFIG_ERROR = Setting.choice("on-config-error", "refuse",
            ordered("refuse", OnConfigError.REFUSE, "defaults", OnConfigError.DEFAULTS, "off", OnConfigError.OFF),
            "what an invalid value does (each is logged at ERROR): refuse (ordinary statements pass, every backup "
                    + "session is refused with an SQLException carrying the error), defaults (the key's default "
                    + "applies), off (backup-guard is off)");
    static final Setting<Mode> MODE = Setting.choice("mode", "enforce",
            ordered("enforce", Mode.ENFORCE, "block", Mode.BLOCK, "audit", Mode.AUDIT),
            "enforce (correct the sequence), block (refuse unsafe statements), audit (report only)");
    static final Setting<Role> ROLE = Setting.choice("role", "backup-job",
            ordered("backup-job", Role.BACKUP_JOB, "guardrail", Role.GUARDRAIL),
            "backup-job (a program that dumps: its first data read starts the snapshot) or guardrail (an "
                    + "application: only unmistakable backup statements)");
    static final Setting<SnapshotWay> SNAPSHOT_WAY = Setting.choice("snapshot.way", "auto",
            ordered("auto", SnapshotWay.AUTO, "snapshot-status", SnapshotWay.SNAPSHOT_STATUS, "global-lock",
                    SnapshotWay.GLOBAL_LOCK),
            "snapshot-status (no lock; MariaDB/Percona), global-lock (mysqldump's short FTWRL window) or auto");
    static final Setting<Boolean> DDL_LOCK = Setting.flag("ddl-lock", false,
            "also hold the DDL-only backup lock during the snapshot (LOCK INSTANCE FOR BACKUP / BACKUP STAGE BLOCK_DDL)");
    static final Setting<Mode> RULE = Setting.choice("rule.<id>", "(mode)",
            ordered("enforce", Mode.ENFORCE, "block", Mode.BLOCK, "audit", Mode.AUDIT, "off", Mode.OFF),
            "per-rule override; an unknown rule id is reported like an unknown key");
    static final Setting<String> SESSION = Setting.choice("session", "", "backup, never or empty",
            ordered("", null, "backup", "backup", "never", "never"),
            "backup or never: mark every connection of this driver/data source");
    static final Setting<List<String>> BACKUP_USERS = Setting.list("backup-users",
            "user names whose connections are backup sessions");
    static final Setting<List<String>> NEVER_USERS = Setting.list("never-users",
            "user names whose connections are never backup sessions");
    static final Setting<List<String>> BACKUP_APPLICATIONS = Setting.list("backup-applications",
            "application names (JDBC client info ApplicationName) whose connections are backup sessions");
    static final Setting<List<String>> NEVER_APPLICATIONS = Setting.list("never-applications",
            "application names (JDBC client info ApplicationName) whose connections are never backup sessions");
    static final Setting<List<String>> SCOPE = Setting.list("scope",
            "schemas whose table engines are checked when a backup session starts (default: the connection's "
                    + "database, or every schema when it has none); a schema read later is checked at its first read");
    static final Setting<Boolean> MULTI_STATEMENTS = Setting.choice("multi-statements", "auto", "auto, true or false",
            ordered("auto", null, "true", true, "yes", true, "on", true, "1", true, "false", false, "no", false,
                    "off", false, "0", false),
            "whether statements may hold several ';'-separated statements: auto reads the driver's allowMultiQueries "
                    + "from the URL and properties with the driver's own rules");
    static final Setting<Long> LONG_QUERY_SECONDS = Setting.number("lock.long-query-seconds", 60, 0, 86_400,
            "a statement running longer than this blocks FTWRL (like mydumper --long-query-guard)");
    static final Setting<Long> LONG_QUERY_WAIT_MS = Setting.number("lock.long-query-wait-ms", 30_000, 0, 86_400_000,
            "how long to wait for long queries (or for the statements that held up a cancelled FTWRL) to end before refusing");
    static final Setting<LongQueryFilter> LONG_QUERY_FILTER = Setting.choice("lock.long-query-filter", "auto",
            ordered("auto", LongQueryFilter.AUTO, "all", LongQueryFilter.ALL, "writes", LongQueryFilter.WRITES,
                    "selects", LongQueryFilter.SELECTS),
            "which long queries count; auto is all where FTWRL waits for running SELECTs (MySQL, Percona) and "
                    + "writes on MariaDB, where it does not");
    static final Setting<Boolean> KILL_LONG_QUERIES = Setting.flag("lock.kill-long-queries", false,
            "KILL QUERY the long queries instead of waiting (opt-in; never connections, replication or our own)");
    static final Setting<Long> LOCK_WAIT_MS = Setting.number("lock.wait-ms", 1000, 1, 3_600_000,
            "cancel our FTWRL (KILL QUERY) when it waits longer than this: every writer is stalled meanwhile");
    static final Setting<Long> RETRIES = Setting.number("lock.retries", 3, 0, 100,
            "FTWRL attempts after a cancelled wait, before refusing (enforce mode; block mode refuses at the first cancel)");
    static final Setting<Long> RETRY_BACKOFF_MS = Setting.number("lock.retry-backoff-ms", 500, 0, 3_600_000,
            "pause before the first retry, doubled each time");
    static final Setting<Long> HOLD_MS = Setting.number("lock.hold-ms", 10_000, 1, 86_400_000,
            "a global read lock held longer is a violation; enforce mode aborts the backup session");
    /** The upper bound is the server's own for lock_wait_timeout (MySQL 8.4 Reference Manual, "Server System Variables"). */
    static final Setting<Long> WAIT_TIMEOUT_SECONDS = Setting.number("lock.wait-timeout-seconds", 5, 1, 31_536_000,
            "session lock_wait_timeout set around FTWRL as a second bound, then restored");
    static final Setting<Path> TRACE_FILE = Setting.path("trace.file",
            "JSON-lines trace file (one event per line), written asynchronously");
    static final Setting<Long> TRACE_QUEUE = Setting.number("trace.queue", 65_536, 16, 1_048_576,
            "events buffered for the trace file before the oldest are dropped (counted)");
    static final Setting<Path> COORDINATES_FILE = Setting.path("coordinates.file",
            "JSON file receiving the binlog/GTID coordinates of each backup snapshot");
    static final Setting<Boolean> REDACT = Setting.flag("redact", true,
            "replace literals in SQL shown in logs, traces and exceptions");
    static final Setting<Boolean> JFR = Setting.flag("jfr", true,
            "emit JFR events (category backup-guard) when a recording wants them");
    static final Setting<Boolean> JMX = Setting.flag("jmx", true,
            "register the dev.backupguard:type=BackupGuard MXBean");
    static final Setting<Path> CONFIG_FILE = new Setting<>("config.file", "", "a readable properties file",
            Setting.Kind.PROPERTIES_FILE, Map.of(), 0, 0,
            "a properties file with any of these keys, with or without the prefix (lowest precedence after defaults)");
    static final Setting<Boolean> AGENT_ANY_DRIVER = Setting.flag("agent.any-driver", false,
            "-javaagent only: also guard connections of every other java.sql.Driver (default: MySQL and MariaDB "
                    + "Connector/J, HikariCP)");

    /** Every key, in the order of README's table. */
    public static final List<Setting<?>> KEYS = List.of(ENABLED, ON_CONFIG_ERROR, MODE, ROLE, SNAPSHOT_WAY, DDL_LOCK,
            RULE, SESSION, BACKUP_USERS, NEVER_USERS, BACKUP_APPLICATIONS, NEVER_APPLICATIONS, SCOPE, MULTI_STATEMENTS,
            LONG_QUERY_SECONDS, LONG_QUERY_WAIT_MS, LONG_QUERY_FILTER, KILL_LONG_QUERIES, LOCK_WAIT_MS, RETRIES,
            RETRY_BACKOFF_MS, HOLD_MS, WAIT_TIMEOUT_SECONDS, TRACE_FILE, TRACE_QUEUE, COORDINATES_FILE, REDACT, JFR, JMX,
            CONFIG_FILE, AGENT_ANY_DRIVER);

    public static Settings defaults() {
        return from(Map.of());
    }

    /**
     * Settings given in code: {@code backupguard.*} keys, with or without the prefix. Strict, as code should be: an
     * unknown key or an invalid value throws IllegalArgumentException naming it.
     */
    public static Settings from(Map<String, String> raw) {
        List<Source.Given> given = new ArrayList<>();
        raw.forEach((k, v) -> {
            if (v != null) {
                given.add(new Source.Given(KeyNames.canonical(k), v, Source.CONNECTION_PROPERTY, k));
            }
        });
        SettingsResolution r = SettingsResolution.of(given);
        if (!r.errors().isEmpty() || !r.unknown().isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", r.errors().isEmpty() ? r.unknown() : r.errors()));
        }
        return r.settings();
    }

    /** Whether the agent guards every java.sql.Driver ({@code backupguard.agent.any-driver}). */
    public boolean agentAnyDriver() {
        return AGENT_ANY_DRIVER.parse(effective.getOrDefault(AGENT_ANY_DRIVER.name(), AGENT_ANY_DRIVER.fallback()));
    }

    /** The settings as key=value pairs for the start-up line, every key that has a value; nothing secret is in them. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : effective.entrySet()) {
            if (!e.getValue().isEmpty()) {
                b.append(b.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(e.getValue());
            }
        }
        return b.toString();
    }

    public Settings withProtocol(ProtocolSettings p) {
        return new Settings(enabled, p, session, backupUsers, neverUsers, backupApplications, neverApplications, scope,
                multiStatements, lock, telemetry, effective, configError);
    }

    /** Settings built from values already validated (see {@link SettingsResolution}). */
    static Settings of(Values v, Map<Rule, Mode> ruleModes, boolean enabled, String configError) {
        ProtocolSettings protocol = new ProtocolSettings(v.get(MODE), v.get(ROLE), v.get(SNAPSHOT_WAY), ruleModes,
                v.get(DDL_LOCK), ProtocolSettings.DEFAULT_SAVEPOINT);
        LockSettings lock = new LockSettings(Duration.ofSeconds(v.get(LONG_QUERY_SECONDS)),
                Duration.ofMillis(v.get(LONG_QUERY_WAIT_MS)), v.get(LONG_QUERY_FILTER), v.get(KILL_LONG_QUERIES),
                Duration.ofMillis(v.get(LOCK_WAIT_MS)), v.get(RETRIES).intValue(),
                Duration.ofMillis(v.get(RETRY_BACKOFF_MS)), Duration.ofMillis(v.get(HOLD_MS)),
                Duration.ofSeconds(v.get(WAIT_TIMEOUT_SECONDS)));
        TelemetrySettings telemetry = new TelemetrySettings(v.get(TRACE_FILE), v.get(COORDINATES_FILE), v.get(REDACT),
                v.get(JFR), v.get(JMX), v.get(TRACE_QUEUE).intValue());
        return new Settings(enabled, protocol, v.get(SESSION), lower(v.get(BACKUP_USERS)), lower(v.get(NEVER_USERS)),
                lower(v.get(BACKUP_APPLICATIONS)), lower(v.get(NEVER_APPLICATIONS)), v.get(SCOPE),
                v.get(MULTI_STATEMENTS), lock, telemetry, java.util.Collections.unmodifiableMap(v.texts()), configError);
    }

    /** Each key's value, parsed, and its text. */
    record Values(Map<String, Object> parsed, LinkedHashMap<String, String> texts) {

        @SuppressWarnings("unchecked")
        <T> T get(Setting<T> s) {
            return (T) parsed.get(s.name());
        }
    }

    private static Set<String> lower(List<String> names) {
        Set<String> out = new java.util.HashSet<>();
        for (String n : names) {
            out.add(n.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(out);
    }

    private static <E> Map<String, E> ordered(Object... pairs) {
        Map<String, E> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked") E value = (E) pairs[i + 1];
            m.put((String) pairs[i], value);
        }
        return m;
    }
}
