package dev.backupguard.agentit;

import dev.backupguard.agentit.apps.TelemetryJobMain;
import dev.backupguard.legacy.Bank;
import dev.backupguard.legacy.Dump;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7's "all sinks work from the agent too, configured by the same backupguard.* keys": the unmodified legacy job
 * {@link LegacyJob#AUTOCOMMIT_LOOP} (plain JDBC through DriverManager, credentials in its URL) runs in a JVM of its own
 * with {@code -javaagent:backup-guard-agent.jar} against the real server, once per JDK of {@link ChildJvm#jdks()}.
 * The keys {@link dev.backupguard.telemetry.TelemetryIT} gives the URL driver are given to the agent: the trace file as
 * the system property {@code -Dbackupguard.trace.file}, the coordinates file as the agent argument
 * {@code backupguard.coordinates.file}, JFR and the MXBean by their defaults (on), the JVM recording with
 * {@code -XX:StartFlightRecording}. At the end the program reads {@code dev.backupguard:type=BackupGuard} from its own
 * platform MBean server (see {@link TelemetryJobMain}). The first JDK's run has the application's own SLF4J
 * (slf4j-simple) on its class path, the others the agent's stderr fallback, so the summary line is checked through
 * both of the agent's logging routes.
 *
 * <p>Every sink must tell the same session: the trace's session id is the one of the JFR events and of the MXBean's
 * last summary, and the coordinates are the same in the trace, the coordinates file, JFR and the MXBean, and are a
 * position the server really had.
 */
@WithMariaDb
class TelemetryUnderAgentIT {

    static final int ACCOUNTS = 40;
    private static final Map<Path, Run> RUNS = new HashMap<>();

    @TempDir
    static Path dir;
    static String db;
    static Bank bank;

    @BeforeAll
    static void bank(MariaDbServer server) throws Exception {
        db = server.createDatabase("t_agent_telemetry");
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            bank = Bank.create(c, ACCOUNTS, 1_000, false);
        }
    }

    static List<Path> jdks() {
        return ChildJvm.jdks();
    }

    /** One run of the job on {@code jdk}, shared by the tests of that JDK. */
    record Run(Path jdk, boolean applicationSlf4j, ChildJvm.Result result, Path trace, Path coordinates, Path jfr,
               Dump dump) {

        List<Map<String, Object>> events() throws IOException {
            List<String> lines = Files.readAllLines(trace, StandardCharsets.UTF_8);
            assertThat(lines).as("trace file %s of %s", trace, result).isNotEmpty();
            List<Map<String, Object>> events = new ArrayList<>();
            for (String line : lines) {
                events.add(json(line)); // strict: a line that is not one JSON object fails here
            }
            return events;
        }

        long session() throws IOException {
            return (Long) single(events(), "session_summary").get("session");
        }

        Map<String, Object> coordinatesFile() throws IOException {
            assertThat(coordinates).as("coordinates file of %s", result).isRegularFile();
            return json(Files.readString(coordinates, StandardCharsets.UTF_8));
        }

        /** The MXBean's attributes (prefix "MXBEAN ") or its last summary's items ("MXBEAN-SUMMARY "). */
        Map<String, String> mxbean(String prefix) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : result.lines(prefix)) {
                int eq = line.indexOf('=');
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return m;
        }

        long rows() {
            return dump.tables().values().stream().mapToLong(List::size).sum();
        }
    }

    static synchronized Run run(Path jdk, MariaDbServer server) throws Exception {
        Run known = RUNS.get(jdk);
        if (known != null) {
            return known;
        }
        boolean applicationSlf4j = jdk.equals(ChildJvm.jdks().get(0));
        String tag = RUNS.size() + "-" + jdk.getFileName();
        Path trace = dir.resolve(tag + "-trace.jsonl");
        Path coordinates = dir.resolve(tag + "-coordinates.json");
        Path jfr = dir.resolve(tag + "-recording.jfr");
        ChildJvm jvm = ChildJvm.on(jdk).withAgent("backupguard.coordinates.file=" + coordinates)
                .option("-Dbackupguard.trace.file=" + trace)
                .option("-XX:StartFlightRecording=dumponexit=true,filename=" + jfr)
                .classPathOf(TelemetryJobMain.class, LegacyJob.class, org.mariadb.jdbc.Driver.class);
        if (applicationSlf4j) {
            jvm.classPathOf(org.slf4j.LoggerFactory.class).classPath(ChildJvm.LIB.resolve("slf4j-simple.jar"));
        }
        // Credentials in the URL as well, as legacy jobs have them: no sink may show the password. The program reads
        // them from a file, since the JVM's own recording (jdk.JVMInformation) holds its command line.
        String url = server.mariadbUrl(db) + "?user=" + server.rootUser() + "&password=" + server.rootPassword();
        Path connection = dir.resolve(tag + "-connection.properties");
        Properties p = new Properties();
        p.setProperty("url", url);
        p.setProperty("user", server.rootUser());
        p.setProperty("password", server.rootPassword());
        try (Writer w = Files.newBufferedWriter(connection, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
        ChildJvm.Result result = jvm.run(TelemetryJobMain.class, LegacyJob.AUTOCOMMIT_LOOP.name(), connection.toString());
        System.out.println("TelemetryUnderAgentIT on " + jdk.getFileName() + ": run " + result.name()
                + (applicationSlf4j ? ", the application's SLF4J" : ", the agent's stderr log"));
        assertThat(result.exit()).as("%s", result).isZero();
        List<Dump> dumps = result.dumps();
        assertThat(dumps).as("%s", result).hasSize(1);
        assertThat(bank.consistent(dumps.get(0))).as("sum %s", Bank.sum(dumps.get(0))).isTrue();
        Run run = new Run(jdk, applicationSlf4j, result, trace, coordinates, jfr, dumps.get(0));
        RUNS.put(jdk, run);
        return run;
    }

    // ------------------------------------------------------------------------------------------------ the trace

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void theTraceFileHoldsTheSessionAsJsonLines(Path jdk, MariaDbServer server) throws Exception {
        Run run = run(jdk, server);
        List<Map<String, Object>> events = run.events();
        List<String> names = events.stream().map(e -> (String) e.get("event")).toList();

        assertThat(names).as("%s", run.result).containsSubsequence("snapshot_started", "table_read_started",
                "table_read_finished", "snapshot_ended", "session_summary");
        for (Map<String, Object> e : events) {
            assertThat(e).containsKeys("event", "time", "epoch_us", "mono_us", "conn", "session");
        }
        long session = run.session();
        assertThat(events).as("one connection, one backup session").allSatisfy(e -> assertThat(e.get("session"))
                .isEqualTo(session));
        List<Map<String, Object>> reads = events.stream().filter(e -> "table_read_finished".equals(e.get("event")))
                .toList();
        assertThat(reads).extracting(e -> e.get("table")).containsExactlyElementsOf(Bank.TABLES);
        assertThat(reads.stream().mapToLong(e -> (Long) e.get("rows")).sum()).isEqualTo(run.rows());

        Map<String, Object> started = single(events, "snapshot_started");
        assertThat(started).containsEntry("isolation", "REPEATABLE READ");
        Map<String, Object> summary = single(events, "session_summary");
        assertThat(summary).containsEntry("consistent", true).containsEntry("rows_read", run.rows())
                .containsEntry("binlog_file", started.get("binlog_file"))
                .containsEntry("binlog_position", started.get("binlog_position"));
        assertThat((List<?>) summary.get("reasons")).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ coordinates

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void theCoordinatesFileHoldsAPositionTheServerHad(Path jdk, MariaDbServer server) throws Exception {
        Run run = run(jdk, server);
        Map<String, Object> c = run.coordinatesFile();
        String file = (String) c.get("binlog_file");
        long position = (Long) c.get("binlog_position");
        String gtid = (String) c.get("gtid_position");

        assertThat(c).as("%s", c).containsEntry("consistent", true).containsEntry("session_id", run.session())
                .containsEntry("server_id", 1L).containsEntry("isolation", "REPEATABLE READ")
                // snapshot.way=auto on MariaDB: the snapshot's own binlog_snapshot_* status, no global lock
                .containsEntry("obtained_by", "snapshot_status")
                .containsEntry("change_master", "CHANGE MASTER TO MASTER_LOG_FILE='" + file + "', MASTER_LOG_POS="
                        + position + ";");
        assertThat((List<?>) c.get("reasons")).isEmpty();
        // The same coordinates as the trace's snapshot.
        Map<String, Object> started = single(run.events(), "snapshot_started");
        assertThat(started).containsEntry("binlog_file", file).containsEntry("binlog_position", position)
                .containsEntry("gtid_position", gtid);
        // A position the server had: a binary log it lists, inside what that log holds, and the server translates it
        // to the GTID position the file gives.
        Map<String, Long> binaryLogs = new LinkedHashMap<>();
        try (Connection conn = server.connect(JdbcDriver.MARIADB, db); Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                binaryLogs.put(rs.getString("Log_name"), rs.getLong("File_size"));
            }
        }
        assertThat(binaryLogs).as("SHOW BINARY LOGS").containsKey(file);
        assertThat(position).isPositive().isLessThanOrEqualTo(binaryLogs.get(file));
        assertThat(gtid).matches("\\d+-\\d+-\\d+(,\\d+-\\d+-\\d+)*");
        assertThat(server.queryString("SELECT BINLOG_GTID_POS('" + file + "', " + position + ")")).isEqualTo(gtid);
    }

    // ------------------------------------------------------------------------------------------------ JFR

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void theJvmsFlightRecordingHoldsTheEvents(Path jdk, MariaDbServer server) throws Exception {
        Run run = run(jdk, server);
        long session = run.session();
        Map<String, Object> coordinates = run.coordinatesFile();
        assertThat(run.jfr).as("the recording -XX:StartFlightRecording dumped on exit; %s", run.result).isRegularFile();
        List<RecordedEvent> ours = RecordingFile.readAllEvents(run.jfr).stream()
                .filter(e -> e.getEventType().getName().startsWith("backupguard.")).toList();

        assertThat(ours).as("backupguard.* events in %s", run.jfr).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getLong("sessionId")).isEqualTo(session))
                .allSatisfy(e -> assertThat(e.getEventType().getCategoryNames()).containsExactly("backup-guard"));
        assertThat(ours).extracting(e -> e.getEventType().getName()).contains("backupguard.SnapshotStarted",
                "backupguard.TableReadFinished", "backupguard.SnapshotEnded", "backupguard.SessionSummary");
        assertThat(ours.stream().filter(e -> e.getEventType().getName().equals("backupguard.TableReadFinished")))
                .hasSize(Bank.TABLES.size());
        List<RecordedEvent> summaries = ours.stream()
                .filter(e -> e.getEventType().getName().equals("backupguard.SessionSummary")).toList();
        assertThat(summaries).hasSize(1);
        RecordedEvent summary = summaries.get(0);
        assertThat(summary.getBoolean("consistent")).isTrue();
        assertThat(summary.getString("binlogFile")).isEqualTo(coordinates.get("binlog_file"));
        assertThat(summary.getLong("binlogPosition")).isEqualTo(coordinates.get("binlog_position"));
    }

    // ------------------------------------------------------------------------------------------------ JMX

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void theMxBeanInTheApplicationsPlatformMBeanServerCountsOneBackupSession(Path jdk, MariaDbServer server)
            throws Exception {
        Run run = run(jdk, server);
        Map<String, String> attributes = run.mxbean("MXBEAN ");
        Map<String, String> summary = run.mxbean("MXBEAN-SUMMARY ");
        Map<String, Object> coordinates = run.coordinatesFile();

        // Registered by the agent when it guarded the job's connection, not before.
        assertThat(run.result.lines("MXBEAN-REGISTERED-BEFORE ")).containsExactly("false");
        assertThat(attributes).as("%s", run.result).containsEntry("Sessions", "1")
                .containsEntry("ConsistentSessions", "1").containsEntry("InconsistentSessions", "0")
                .containsEntry("Refusals", "0").containsEntry("TablesRead", Integer.toString(Bank.TABLES.size()))
                .containsEntry("RowsRead", Long.toString(run.rows())).containsEntry("TraceEventsDropped", "0")
                .containsEntry("Mode", "configured");
        assertThat(summary).as("%s", run.result).containsEntry("sessionId", Long.toString(run.session()))
                .containsEntry("consistent", "true").containsEntry("reasons", "[]")
                .containsEntry("binlogFile", (String) coordinates.get("binlog_file"))
                .containsEntry("binlogPosition", coordinates.get("binlog_position").toString())
                .containsEntry("gtidPosition", (String) coordinates.get("gtid_position"))
                .containsEntry("tablesRead", Integer.toString(Bank.TABLES.size()))
                .containsEntry("rowsRead", Long.toString(run.rows()));
        assertThat(attributes.get("LastSessionSummaryLine")).startsWith("event=session_summary")
                .contains("session=" + run.session() + " ");
    }

    // ------------------------------------------------------------------------------------------------ SLF4J

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void theSummaryLineIsLoggedOnce(Path jdk, MariaDbServer server) throws Exception {
        Run run = run(jdk, server);
        // slf4j-simple's format when the application has SLF4J, the agent's own stderr line otherwise.
        String prefix = run.applicationSlf4j ? "INFO dev.backupguard.events - event=session_summary "
                : "[backup-guard] INFO event=session_summary ";
        List<String> lines = run.result.err().lines().filter(l -> l.contains("event=session_summary")).toList();

        assertThat(lines).as("%s", run.result).singleElement().asString().contains(prefix)
                .contains("session=" + run.session() + " ").contains("consistent=true");
        // The MXBean's line is the one logged.
        String logged = lines.get(0);
        assertThat(logged.substring(logged.indexOf("event=session_summary")))
                .isEqualTo(run.mxbean("MXBEAN ").get("LastSessionSummaryLine"));
    }

    // ------------------------------------------------------------------------------------------------ redaction

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void noSinkShowsThePasswordFromTheJobsUrl(Path jdk, MariaDbServer server) throws Exception {
        Run run = run(jdk, server);
        String password = server.rootPassword();
        byte[] jfr = Files.readAllBytes(run.jfr);

        assertThat(Files.readString(run.trace)).doesNotContain(password);
        assertThat(Files.readString(run.coordinates)).doesNotContain(password);
        assertThat(run.result.err()).doesNotContain(password);
        assertThat(run.result.out()).doesNotContain(password);
        assertThat(indexOf(jfr, password.getBytes(StandardCharsets.UTF_8))).as("JFR file, UTF-8").isNegative();
        assertThat(indexOf(jfr, password.getBytes(StandardCharsets.UTF_16BE))).as("JFR file, UTF-16").isNegative();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static Map<String, Object> single(List<Map<String, Object>> events, String name) {
        List<Map<String, Object>> found = events.stream().filter(e -> name.equals(e.get("event"))).toList();
        assertThat(found).as("%s events in %s", name, events).hasSize(1);
        return found.get(0);
    }

    /**
     * The proxy's strict test JSON reader ({@code dev.backupguard.telemetry.JsonText}, from proxy/src/testFixtures), which is
     * package-private: reached reflectively rather than copied.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String text) {
        try {
            Method object = Class.forName("dev.backupguard.telemetry.JsonText").getDeclaredMethod("object", String.class);
            object.setAccessible(true);
            return (Map<String, Object>) object.invoke(null, text);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
