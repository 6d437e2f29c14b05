package dev.backupguard.harness;

import dev.backupguard.config.Settings;
import dev.backupguard.harness.audit.AuditedSession;
import dev.backupguard.harness.report.AuditReport;
import dev.backupguard.harness.report.HtmlReport;
import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.jdbc.ConnectionSource;
import dev.backupguard.jdbc.GuardedConnection;
import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Role;
import dev.backupguard.protocol.ServerFacts;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Puts connections under backup-guard and records, beneath the guard, everything they send to the server, so a test
 * can run backup code unchanged and then assert on what reached the server ({@link BackupAssertions}).
 *
 * <p>By default the guard runs in audit mode with the backup-job role: the code under test runs exactly as it would
 * without backup-guard (audit mode changes nothing; it only adds its facts probe, three queries marked
 * {@code /* backup-guard probe *}{@code /}), and the connection becomes a backup session at its first data read, so
 * even a plain autocommit loop of {@code SELECT * FROM t} is judged as the backup it is. {@link #mode(Mode)} records
 * what the server receives with the guard enforcing or blocking instead.
 *
 * <pre>{@code
 * @ExtendWith(BackupGuardExtension.class)
 * class NightlyDumpTest {
 *     @Test
 *     void dumpIsConsistent(Recorder recorder, FakeServer server) throws Exception {
 *         server.database("shop").table("accounts", "id INT", FakeServer.row(1));
 *         try (Connection c = recorder.guard(server.connect())) {
 *             new NightlyDump(c).run();
 *         }
 *         assertThat(recorder).isConsistentBackup();
 *     }
 * }
 * }</pre>
 *
 * <p>A recorder belongs to one test; it is not meant to be shared between threads that record at once.
 */
public final class Recorder implements AutoCloseable {

    private final long origin = System.nanoTime();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final List<Recording> recordings = new ArrayList<>();
    private final List<Connection> opened = new ArrayList<>();
    private Mode mode = Mode.AUDIT;
    private Role role = Role.BACKUP_JOB;
    private boolean redact = true;

    /** The guard's mode: audit (default: the code runs unchanged), enforce or block. */
    public synchronized Recorder mode(Mode m) {
        if (m == Mode.OFF) {
            throw new IllegalArgumentException("mode must be audit, enforce or block");
        }
        this.mode = m;
        return this;
    }

    /**
     * The role the guard and the judge take: {@link Role#BACKUP_JOB} (default: the code under test is a backup job;
     * its first data read makes its connection a backup session) or {@link Role#GUARDRAIL} (only unmistakable backup
     * statements do, as in a general-log audit).
     */
    public synchronized Recorder role(Role r) {
        this.role = r;
        return this;
    }

    /** Any other {@code backupguard.*} setting for the guard (see README), e.g. {@code scope}, {@code snapshot.way}. */
    public synchronized Recorder setting(String key, String value) {
        settings.put(key.startsWith(Settings.PREFIX) ? key : Settings.PREFIX + key, value);
        return this;
    }

    /** Show statements with their literals in failure messages and reports (default: literals are {@code ?}). */
    public synchronized Recorder showLiterals() {
        this.redact = false;
        return this;
    }

    /**
     * {@code raw} under backup-guard, recorded beneath the guard. Use the returned connection in the code under
     * test; close it as the code would.
     */
    public synchronized Connection guard(Connection raw) throws SQLException {
        boolean autoCommit = raw.getAutoCommit();
        String database = catalog(raw);
        Recording rec = new Recording("connection " + (recordings.size() + 1), role, origin, autoCommit, database,
                null, true, redact);
        Connection server = RecordingProxy.connection(raw, RecordingProxy.Layer.SERVER, rec, autoCommit);
        Settings s = guardSettings();
        Connection guarded = BackupGuard.wrap(server, s, ConnectionSource.NONE, null, false);
        rec.facts(facts(raw, guarded));
        Connection job = RecordingProxy.connection(guarded, RecordingProxy.Layer.JOB, rec, autoCommit);
        recordings.add(rec);
        opened.add(job);
        return job;
    }

    /** A DataSource whose connections are guarded and recorded like {@link #guard(Connection)}'s. */
    public DataSource guard(DataSource dataSource) {
        return (DataSource) Proxy.newProxyInstance(Recorder.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("getConnection")) {
                        Connection raw;
                        try {
                            raw = (Connection) m.invoke(dataSource, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                        return guard(raw);
                    }
                    if (m.getDeclaringClass() == Object.class) {
                        return switch (m.getName()) {
                            case "equals" -> proxy == args[0];
                            case "hashCode" -> System.identityHashCode(proxy);
                            default -> "Recorded[" + dataSource + "]";
                        };
                    }
                    try {
                        return m.invoke(dataSource, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** {@code raw} recorded without any guard: what the code sends as it is. */
    public synchronized Connection record(Connection raw) throws SQLException {
        boolean autoCommit = raw.getAutoCommit();
        Recording rec = new Recording("connection " + (recordings.size() + 1), role, origin, autoCommit, catalog(raw),
                null, false, redact);
        rec.facts(facts(raw, null));
        Connection server = RecordingProxy.connection(raw, RecordingProxy.Layer.SERVER, rec, autoCommit);
        recordings.add(rec);
        opened.add(server);
        return server;
    }

    /** Every recording, one per connection, in the order the connections were wrapped. */
    public synchronized List<Recording> recordings() {
        return List.copyOf(recordings);
    }

    /**
     * The recording of the backup session: the only recording that is one, or the only recording there is.
     *
     * @throws AssertionError when that is ambiguous or there is none, listing what was recorded
     */
    public synchronized Recording recording() {
        if (recordings.size() == 1) {
            return recordings.get(0);
        }
        List<Recording> backups = recordings.stream().filter(r -> r.audit().isBackupSession()).toList();
        if (backups.size() == 1) {
            return backups.get(0);
        }
        throw new AssertionError((recordings.isEmpty() ? "Nothing was recorded: pass the connection through "
                + "recorder.guard(connection) first." : "Expected one backup session among the recordings, found "
                + backups.size() + "; pick one with recorder.recordings(): " + recordings));
    }

    /** A self-contained HTML report of every recording that is a backup session (timeline, statements). */
    public synchronized void writeHtml(Path file, String title) throws IOException {
        List<AuditedSession> sessions = new ArrayList<>();
        for (Recording r : recordings) {
            AuditedSession s = r.audit();
            if (s.isBackupSession() && !s.statements().isEmpty()) {
                sessions.add(s);
            }
        }
        ServerFacts facts = sessions.isEmpty() ? null : sessions.get(0).facts();
        String server = facts == null ? "" : facts.flavor().name().toLowerCase(Locale.ROOT) + " "
                + facts.version().text() + (facts.binlogOn() ? ", binary log on" : ", binary log off")
                + (facts.nonTransactionalTables().isEmpty() ? "" : ", not transactional: "
                + facts.nonTransactionalTables());
        HtmlReport.write(new AuditReport(title, "recorded beneath backup-guard (" + mode.name().toLowerCase(Locale.ROOT)
                + " mode)", server, recordings.size(), recordings.size() - sessions.size(), sessions, redact), file);
    }

    /** Every recording as text: for a test's output when it fails. */
    public synchronized void print(PrintWriter out) {
        for (Recording r : recordings) {
            AuditedSession s = r.audit();
            java.util.Set<Integer> broken = new java.util.TreeSet<>();
            s.violations().forEach(v -> broken.add(v.statement().number()));
            out.println(RecordingText.render(r, s, broken, Map.of()));
        }
        out.flush();
    }

    /** Closes the connections the test left open, so no lock or snapshot outlives the test on a shared server. */
    @Override
    public synchronized void close() {
        for (Connection c : opened) {
            try {
                if (!c.isClosed()) {
                    c.close();
                }
            } catch (SQLException | RuntimeException e) {
                // closing is best effort at the end of a test
            }
        }
    }

    private Settings guardSettings() {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.put(Settings.PREFIX + "mode", mode.name().toLowerCase(Locale.ROOT));
        all.put(Settings.PREFIX + "role", role.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        all.putIfAbsent(Settings.PREFIX + "jmx", "false");
        all.putIfAbsent(Settings.PREFIX + "redact", Boolean.toString(redact));
        return Settings.from(all);
    }

    private static String catalog(Connection raw) {
        try {
            return raw.getCatalog();
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The facts the judge uses: what the guard's probe learned (engines included), else the fake server's, else the
     * server's flavor and version from the driver's metadata (no round trip), with the binlog taken as on.
     */
    private static Supplier<ServerFacts> facts(Connection raw, Connection guarded) {
        FakeServer fake = FakeServer.of(raw);
        ServerFacts fallback = fake != null ? fake.facts() : metadataFacts(raw);
        return () -> {
            if (guarded != null) {
                try {
                    GuardedConnection g = guarded.unwrap(GuardedConnection.class);
                    if (g.protocol().facts() != null) {
                        return g.protocol().facts();
                    }
                } catch (SQLException | RuntimeException e) {
                    // not guarded after all (the raw connection was guarded already): use the fallback
                }
            }
            return fallback;
        };
    }

    private static ServerFacts metadataFacts(Connection raw) {
        try {
            String version = raw.getMetaData().getDatabaseProductVersion();
            ServerFacts.Flavor flavor = version.toLowerCase(Locale.ROOT).contains("mariadb")
                    ? ServerFacts.Flavor.MARIADB : ServerFacts.Flavor.MYSQL;
            return ServerFacts.of(flavor, version);
        } catch (SQLException | RuntimeException e) {
            return ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.0.0");
        }
    }
}
