package dev.backupguard.telemetry;

import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.jdbc.BackupGuardException;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The server kills the backup connection ({@code KILL <id>} from another connection, as a DBA or a watchdog would)
 * while it holds the global read lock, and while its snapshot is open. The session did not finish, so every sink must
 * say so: a {@code connection_lost} event (trace, JFR, SLF4J, the MXBean's count), a summary and a coordinates file
 * that say not consistent, no {@code lock_released} for a lock the guard never released, a hold measured to the
 * moment the server dropped it. The job's later {@code commit()}, which the guard would otherwise absorb, fails as
 * the driver fails it on a dead connection. Both drivers, whose exceptions differ.
 */
@WithMariaDb
class ConnectionLostIT {

    private static final String MXBEAN = "dev.backupguard:type=BackupGuard";

    private static String db;
    private MariaDbServer server;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase(MariaDbServer.databaseNameFor(ConnectionLostIT.class));
        server.execute(
                "CREATE TABLE " + db + ".orders (id INT PRIMARY KEY, note VARCHAR(40) NOT NULL) ENGINE=InnoDB",
                "CREATE TABLE " + db + ".customers (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL) ENGINE=InnoDB",
                // A non-transactional table in scope: enforce mode keeps the job's own FLUSH TABLES WITH READ LOCK
                // (it must hold while such a table is read), so the job holds the lock across its calls.
                "CREATE TABLE " + db + ".notes (id INT PRIMARY KEY) ENGINE=MyISAM",
                "INSERT INTO " + db + ".orders VALUES (1, 'a'), (2, 'b')",
                "INSERT INTO " + db + ".customers VALUES (1, 'c')",
                "INSERT INTO " + db + ".notes VALUES (1)");
    }

    @BeforeEach
    void server(MariaDbServer server) {
        this.server = server;
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void killedWhileHoldingTheGlobalReadLock(JdbcDriver driver, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Sinks sinks = new Sinks(dir);
        long lostBefore = counter("ConnectionsLost");
        long jobId;
        long beforeKill;
        long beforeNextCall;
        try (Recording recording = recording()) {
            Connection job = guarded(driver, sinks, Map.of("snapshot.way", "global-lock", "lock.hold-ms", "60000"));
            jobId = MariaDbServer.threadId(job);
            exec(job, "FLUSH TABLES WITH READ LOCK");
            assertThat(read(job, "SELECT * FROM orders")).isEqualTo(2);
            long side = sideConnection(jobId);

            beforeKill = System.nanoTime();
            server.execute("KILL " + jobId);
            // The lock guard's watchdog finds the connection gone and closes its side connection.
            TelemetryIT.awaitCondition("the lock guard to see the connection gone", () -> !exists(side));

            beforeNextCall = System.nanoTime();
            goesOnAfterTheKill(driver, job, recording, sinks);
        }

        List<Map<String, Object>> events = sinks.trace();
        Map<String, Object> lost = single(events, "connection_lost");
        assertThat(lost).containsEntry("conn", jobId).containsEntry("noticed_by", "lock_guard")
                .containsEntry("snapshot_open", true);
        assertThat(lost.get("locks")).isEqualTo(List.of("global_read_lock"));
        // The moment the guard knew: after the KILL, before the job's next call (the watchdog saw it first).
        assertThat((Long) lost.get("mono_us")).isBetween(beforeKill / 1000, beforeNextCall / 1000);
        assertThat(events).noneMatch(e -> "lock_released".equals(e.get("event"))
                && "global_read_lock".equals(e.get("lock")));
        assertThat(single(events, "snapshot_ended")).containsEntry("how", "connection lost");
        Map<String, Object> summary = single(events, "session_summary");
        assertThat(summary).containsEntry("consistent", false).containsEntry("lock_hold_exceeded", 0L)
                .containsEntry("global_lock_hold_us", lost.get("global_lock_hold_us"));
        // Held from the FTWRL's answer (after the request, before the acquired event was stamped) to that moment.
        long lostMono = (Long) lost.get("mono_us");
        assertThat((Long) lost.get("global_lock_hold_us"))
                .isBetween(lostMono - firstMono(events, "lock_acquired"),
                        lostMono - firstMono(events, "lock_requested"));
        assertThat((List<?>) summary.get("reasons"))
                .anySatisfy(r -> assertThat((String) r).startsWith("connection-lost: "));
        assertNotConsistentEverywhere(sinks, jobId, lostBefore);
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void killedWhileTheSnapshotIsOpen(JdbcDriver driver, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Sinks sinks = new Sinks(dir);
        long lostBefore = counter("ConnectionsLost");
        long jobId;
        try (Recording recording = recording()) {
            Connection job = guarded(driver, sinks, Map.of("snapshot.way", "snapshot-status"));
            jobId = MariaDbServer.threadId(job);
            job.setAutoCommit(false);
            assertThat(read(job, "SELECT * FROM orders")).isEqualTo(2);

            server.execute("KILL " + jobId);
            TelemetryIT.awaitCondition("the server to drop the connection", () -> !exists(jobId));

            goesOnAfterTheKill(driver, job, recording, sinks);
        }

        List<Map<String, Object>> events = sinks.trace();
        Map<String, Object> lost = single(events, "connection_lost");
        assertThat(lost).containsEntry("conn", jobId).containsEntry("noticed_by", "statement_failed")
                .containsEntry("snapshot_open", true).containsEntry("statement", "SELECT * FROM customers")
                .containsEntry("global_lock_hold_us", 0L);
        assertThat((String) lost.get("sql_state")).startsWith("08");
        assertThat((List<?>) lost.get("locks")).isEmpty();
        assertThat(single(events, "snapshot_ended")).containsEntry("how", "connection lost");
        assertThat(single(events, "session_summary")).containsEntry("consistent", false);
        assertNotConsistentEverywhere(sinks, jobId, lostBefore);
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void aCommitTheGuardWouldAbsorbFailsAsTheDriverFailsItOnADeadConnection(JdbcDriver driver,
                                                                             @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Sinks sinks = new Sinks(dir);
        Connection job = guarded(driver, sinks, Map.of("snapshot.way", "snapshot-status"));
        long jobId = MariaDbServer.threadId(job);
        job.setAutoCommit(false);
        assertThat(read(job, "SELECT * FROM orders")).isEqualTo(2);

        server.execute("KILL " + jobId);
        TelemetryIT.awaitCondition("the server to drop the connection", () -> !exists(jobId));

        SQLException commitError = catchThrowableOfType(SQLException.class, job::commit);
        assertDriverClosedConnectionError(driver, commitError);
        job.close();

        List<Map<String, Object>> events = sinks.trace();
        assertThat(single(events, "connection_lost")).containsEntry("noticed_by", "validity_check")
                .containsEntry("statement", "COMMIT").containsEntry("snapshot_open", true);
        assertThat(single(events, "session_summary")).containsEntry("consistent", false);
        assertThat(sinks.coordinates()).containsEntry("consistent", false);
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void aCommitOnALiveConnectionIsStillAbsorbed(JdbcDriver driver, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Sinks sinks = new Sinks(dir);
        try (Connection job = guarded(driver, sinks, Map.of("snapshot.way", "snapshot-status"))) {
            job.setAutoCommit(false);
            assertThat(read(job, "SELECT * FROM orders")).isEqualTo(2);
            job.commit();
            assertThat(read(job, "SELECT * FROM customers")).isEqualTo(1);
            assertThat(server.queriesOf(job)).doesNotContain("COMMIT", "commit");
        }
        List<Map<String, Object>> events = sinks.trace();
        assertThat(events).noneMatch(e -> "connection_lost".equals(e.get("event")));
        assertThat(single(events, "session_summary")).containsEntry("consistent", true);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Every sink but the trace (checked by each test) says the session was lost and is not consistent. */
    private static void assertNotConsistentEverywhere(Sinks sinks, long jobId, long lostBefore) throws Exception {
        Map<String, Object> coordinates = sinks.coordinates();
        assertThat(coordinates).containsEntry("connection_id", jobId).containsEntry("consistent", false);
        assertThat((List<?>) coordinates.get("reasons"))
                .anySatisfy(r -> assertThat((String) r).startsWith("connection-lost: "));
        List<RecordedEvent> jfr = RecordingFile.readAllEvents(sinks.jfr).stream()
                .filter(e -> e.getLong("connectionId") == jobId).toList();
        assertThat(jfr).filteredOn(e -> e.getEventType().getName().equals("backupguard.ConnectionLost")).hasSize(1);
        assertThat(jfr).filteredOn(e -> e.getEventType().getName().equals("backupguard.SessionSummary"))
                .singleElement().satisfies(e -> assertThat(e.getBoolean("consistent")).isFalse());
        assertThat(counter("ConnectionsLost")).isEqualTo(lostBefore + 1);
        assertThat(Files.readString(slf4jLog()))
                .contains("WARN dev.backupguard.events - event=connection_lost conn=" + jobId + " ");
    }

    /**
     * The job goes on after the kill: its next read fails with the driver's own connection error (not one of the
     * guard's), its commit() as the driver fails it on a closed connection, and it closes the connection.
     */
    private static void goesOnAfterTheKill(JdbcDriver driver, Connection job, Recording recording, Sinks sinks)
            throws Exception {
        SQLException readError = catchThrowableOfType(SQLException.class, () -> read(job, "SELECT * FROM customers"));
        assertDriverConnectionError(readError);
        SQLException commitError = catchThrowableOfType(SQLException.class, job::commit);
        assertDriverClosedConnectionError(driver, commitError);
        job.close();
        recording.stop();
        recording.dump(sinks.jfr);
    }

    private static void assertDriverConnectionError(SQLException e) {
        assertThat((Throwable) e).isNotNull().isNotInstanceOf(BackupGuardException.class)
                .isInstanceOfAny(SQLNonTransientConnectionException.class, SQLRecoverableException.class);
        assertThat(e.getSQLState()).startsWith("08");
    }

    /** What each driver throws for a call on a connection it knows is closed. */
    private static void assertDriverClosedConnectionError(JdbcDriver driver, SQLException e) {
        assertThat((Throwable) e).as("commit() on the killed connection").isNotNull()
                .isExactlyInstanceOf(SQLNonTransientConnectionException.class);
        assertThat(e.getSQLState()).isEqualTo(driver == JdbcDriver.MARIADB ? "08000" : "08003");
    }

    private Connection guarded(JdbcDriver driver, Sinks sinks, Map<String, String> settings) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", server.rootUser());
        p.setProperty("password", server.rootPassword());
        p.setProperty("backupguard.scope", db);
        p.setProperty("backupguard.trace.file", sinks.trace.toString());
        p.setProperty("backupguard.coordinates.file", sinks.coordinates.toString());
        settings.forEach((k, v) -> p.setProperty("backupguard." + k, v));
        Connection c = DriverManager.getConnection("jdbc:backupguard:"
                + server.url(driver, db).substring("jdbc:".length()), p);
        exec(c, "SET SESSION lock_wait_timeout = 30");
        return c;
    }

    private static Recording recording() {
        Recording r = new Recording();
        r.enable("backupguard.ConnectionLost").withoutStackTrace();
        r.enable("backupguard.SessionSummary").withoutStackTrace();
        r.start();
        return r;
    }

    private static long counter(String attribute) throws Exception {
        BackupGuard.telemetry(); // installs the MXBean
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        return (Long) mbs.getAttribute(new ObjectName(MXBEAN), attribute);
    }

    /** The lock guard's side connection opened for the job's lock: its first statement names itself. */
    private long sideConnection(long jobId) {
        String id = server.queryString("SELECT thread_id FROM mysql.general_log WHERE thread_id <> " + jobId
                + " AND argument LIKE '" + BackupGuard.LOCK_GUARD_MARK + " SELECT CONNECTION_ID()%'"
                + " ORDER BY event_time DESC LIMIT 1");
        assertThat(id).as("the lock guard's side connection").isNotNull();
        assertThat(exists(Long.parseLong(id))).as("the side connection is open while the lock is held").isTrue();
        return Long.parseLong(id);
    }

    private boolean exists(long id) {
        return !"0".equals(server.queryString("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + id));
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static int read(Connection c, String sql) throws SQLException {
        int n = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }

    private static Map<String, Object> single(List<Map<String, Object>> events, String name) {
        List<Map<String, Object>> found = events.stream().filter(e -> name.equals(e.get("event"))).toList();
        assertThat(found).as("%s events in %s", name, events).hasSize(1);
        return found.get(0);
    }

    private static long firstMono(List<Map<String, Object>> events, String name) {
        return events.stream().filter(e -> name.equals(e.get("event"))).map(e -> (Long) e.get("mono_us")).findFirst()
                .orElseThrow();
    }

    private static Path slf4jLog() {
        String file = System.getProperty("org.slf4j.simpleLogger.logFile");
        assertThat(file).as("the failsafe configuration sends SLF4J to a file (tests/pom.xml)").isNotBlank();
        return Path.of(file);
    }

    /** The job connection's own trace, coordinates file and JFR dump. */
    private static final class Sinks {
        final Path trace;
        final Path coordinates;
        final Path jfr;

        Sinks(Path dir) {
            trace = dir.resolve("trace.jsonl");
            coordinates = dir.resolve("coordinates.json");
            jfr = dir.resolve("recording.jfr");
        }

        List<Map<String, Object>> trace() throws IOException {
            return Files.readAllLines(trace).stream().map(JsonText::object).toList();
        }

        Map<String, Object> coordinates() throws IOException {
            return JsonText.object(Files.readString(coordinates));
        }
    }
}
