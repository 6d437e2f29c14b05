package dev.backupguard.telemetry;

import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.jdbc.BackupGuardDataSource;
import dev.backupguard.jdbc.GuardedConnection;
import dev.backupguard.protocol.Mode;
import dev.backupguard.telemetry.jfr.JfrEvents;
import dev.backupguard.testserver.GeneralLogEntry;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import jdk.jfr.Recording;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mariadb.jdbc.MariaDbDataSource;

import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every sink on the real server: a guarded backup (URL driver, {@code backupguard.snapshot.way=global-lock}) runs
 * while a writer inserts and a blocker's UPDATE makes the global read lock wait. Its trace must agree with the
 * server's own general log, and the JFR recording, the MXBean, the coordinates file and the log must hold what
 * happened and nothing secret.
 *
 * <p>How the trace's lock times are checked against {@code mysql.general_log} (which logs each statement when the
 * server starts it, with microsecond {@code event_time}). On the backup thread, rows P (FLUSH LOCAL TABLES), F (FTWRL),
 * N (the next statement), U (UNLOCK TABLES), A (the statement after it); B is the blocker's UPDATE with
 * SLEEP(1.5), started once the backup session learned the server's facts, so FTWRL arrives while it sleeps. The
 * recorder reads its clock just before sending FTWRL (after P returned: {@code P <= req <= F}), just after FTWRL
 * returned (before N was sent: {@code acq <= N}; and FTWRL cannot finish before B does (fact 4):
 * {@code acq >= max(F, B + 1.5 s)}), and just after UNLOCK returned ({@code U <= rel <= A}). So
 * <pre>
 *   wait = acq - req  in [max(F, B + 1.5 s) - F,  N - P]
 *   hold = rel - acq  in [U - N,  A - max(F, B + 1.5 s)]
 * </pre>
 * Tolerance 3 µs: each {@code event_time} is truncated to the microsecond (a difference of two is off by less than
 * 1 µs), the trace truncates nanoseconds to microseconds (less than 1 µs), and the JVM's monotonic clock and the
 * server's wall clock are slewed alike by NTP (no rate difference beyond that; a clock step during the test would
 * break the check, and would be worth knowing about).
 */
@WithMariaDb
class TelemetryIT {

    private static final long TOLERANCE_MICROS = 3;
    private static final double BLOCKER_SECONDS = 1.5;
    private static final ObjectName MXBEAN = name("dev.backupguard:type=BackupGuard");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A value stored in the table the job reads. */
    private static final String CANARY_TEXT = "canaryDataValue" + (100_000 + RANDOM.nextInt(900_000));
    /** A number stored in it, and the value the writer inserts. */
    private static final long CANARY_NUMBER = 800_000_000L + RANDOM.nextInt(100_000_000);
    /** A literal in the job's own SQL. */
    private static final String JOB_LITERAL = "jobLiteral" + (100_000 + RANDOM.nextInt(900_000));

    static String db;
    static MariaDbServer server;
    @TempDir
    static Path dir;
    static Path trace;
    static Path writerTrace;
    static Path coordinatesFile;
    static Path jfrFile;
    static Map<String, Long> before;
    static Map<String, Long> afterRun;
    static CompositeData lastSummary;
    static String lastSummaryLine;
    static String answeredFile;
    static long answeredPosition;
    static String refusalMessage;
    static int rowsSeen;
    static int writes;
    static long blockerThread;

    @BeforeAll
    static void guardedBackupWithAWriterAndABlocker(MariaDbServer s) throws Exception {
        server = s;
        db = server.createDatabase(MariaDbServer.databaseNameFor(TelemetryIT.class));
        server.execute(
                "CREATE TABLE " + db + ".orders (id INT PRIMARY KEY AUTO_INCREMENT, note VARCHAR(100) NOT NULL,"
                        + " amount BIGINT NOT NULL) ENGINE=InnoDB",
                "CREATE TABLE " + db + ".customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL) ENGINE=InnoDB",
                "CREATE TABLE " + db + ".hot (id INT PRIMARY KEY, c INT NOT NULL) ENGINE=InnoDB",
                "CREATE TABLE " + db + ".writes (id BIGINT PRIMARY KEY AUTO_INCREMENT, v BIGINT NOT NULL) ENGINE=InnoDB",
                "INSERT INTO " + db + ".orders (note, amount) VALUES ('" + CANARY_TEXT + "', " + CANARY_NUMBER
                        + "), ('plain', 1)",
                "INSERT INTO " + db + ".customers VALUES (1, 'c1'), (2, 'c2')",
                "INSERT INTO " + db + ".hot VALUES (1, 0)");
        trace = dir.resolve("backup-trace.jsonl");
        writerTrace = dir.resolve("writer-trace.jsonl");
        coordinatesFile = dir.resolve("coordinates.json");
        jfrFile = dir.resolve("backup.jfr");

        BackupGuard.telemetry(); // installs the process-wide sinks, the MXBean among them
        before = counters();

        try (Recording recording = new Recording()) {
            for (Class<?> type : JfrEvents.class.getDeclaredClasses()) {
                if (!java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
                    recording.enable(type.asSubclass(jdk.jfr.Event.class)).withoutStackTrace();
                }
            }
            recording.start();
            runBackup();
            recording.stop();
            recording.dump(jfrFile);
        }
        afterRun = counters();
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        lastSummary = (CompositeData) mbs.getAttribute(MXBEAN, "LastSessionSummary");
        lastSummaryLine = (String) mbs.getAttribute(MXBEAN, "LastSessionSummaryLine");
    }

    private static void runBackup() throws Exception {
        // Threads of their own: the common pool may have a single thread on a small machine, which the writer keeps.
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            runBackup(threads);
        } finally {
            threads.shutdownNow();
        }
    }

    private static void runBackup(ExecutorService threads) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        // The writer goes through the guard too, with a trace file of its own: ordinary work must publish nothing.
        try (Connection w = DriverManager.getConnection(guardedUrl(writerTrace, null), server.rootUser(),
                server.rootPassword())) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try (Statement st = w.createStatement()) {
                    while (!stop.get()) {
                        st.executeUpdate("INSERT INTO writes (v) VALUES (" + CANARY_NUMBER + ")");
                        written.incrementAndGet();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, threads);
            awaitCondition("the writer to commit", () -> {
                if (writer.isDone()) {
                    writer.join(); // rethrows the writer's failure
                }
                return written.get() >= 20;
            });

            // Credentials in the URL, as legacy jobs have them: no sink may show them. Marked as a backup session, so
            // its first statement learns the server's facts; the blocker starts after that, and the FTWRL of the
            // first data read arrives while the blocker's UPDATE still runs.
            try (Connection job = DriverManager.getConnection(guardedUrl(trace, coordinatesFile)
                    + "&backupguard.session=backup&user=" + server.rootUser() + "&password=" + server.rootPassword());
                 Statement st = job.createStatement();
                 Connection blocker = server.connect(dev.backupguard.testserver.JdbcDriver.MARIADB, db)) {
                try (ResultSet rs = st.executeQuery("SELECT 1")) {
                    assertThat(rs.next()).isTrue();
                }
                blockerThread = MariaDbServer.threadId(blocker);
                CompletableFuture<Void> blocked = CompletableFuture.runAsync(() -> {
                    try (Statement b = blocker.createStatement()) {
                        b.execute("SET SESSION lock_wait_timeout = 10");
                        b.executeUpdate("UPDATE hot SET c = c + SLEEP(" + BLOCKER_SECONDS + ") WHERE id = 1");
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }, threads);
                awaitCondition("the blocker's UPDATE to sleep", () -> {
                    if (blocked.isDone()) {
                        blocked.join(); // rethrows its failure
                        throw new AssertionError("the blocker's UPDATE ended before it was seen sleeping");
                    }
                    return "User sleep".equals(server.queryString(
                            "SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = " + blockerThread));
                });

                try (ResultSet rs = st.executeQuery("SELECT id, note, amount FROM orders WHERE note <> '"
                        + JOB_LITERAL + "'")) {
                    while (rs.next()) {
                        rowsSeen++;
                    }
                }
                assertThatThrownBy(() -> st.execute("ALTER USER 'bg_nobody'@'localhost' IDENTIFIED BY '"
                        + server.rootPassword() + "'"))
                        .satisfies(e -> refusalMessage = e.getMessage());
                try (ResultSet rs = st.executeQuery("SELECT * FROM customers")) {
                    while (rs.next()) {
                        rowsSeen++;
                    }
                }
                try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                    assertThat(rs.next()).isTrue();
                    answeredFile = rs.getString("File");
                    answeredPosition = rs.getLong("Position");
                }
                blocked.get(30, TimeUnit.SECONDS);
            }
            stop.set(true);
            writer.get(30, TimeUnit.SECONDS);
            writes = written.get();
        }
    }

    @AfterAll
    static void switchBack() {
        BackupGuard.modeOverride(null);
    }

    // ------------------------------------------------------------------------------------------------ the trace

    @Test
    void globalLockWaitAndHoldInTheTraceAgreeWithTheGeneralLog() throws IOException {
        List<Map<String, Object>> events = sessionEvents();
        Map<String, Object> requested = single(events, "lock_requested", "global_read_lock");
        Map<String, Object> acquired = single(events, "lock_acquired", "global_read_lock");
        Map<String, Object> released = single(events, "lock_released", "global_read_lock");
        long conn = (Long) acquired.get("conn");
        assertThat(requested.get("statement")).isEqualTo("FLUSH TABLES WITH READ LOCK");
        long wait = (Long) acquired.get("wait_us");
        long hold = (Long) released.get("hold_us");

        List<GeneralLogEntry> log = server.generalLog(conn);
        int f = lastIndex(log, "FLUSH TABLES WITH READ LOCK");
        int u = firstIndexAfter(log, f, "UNLOCK TABLES");
        GeneralLogEntry p = log.get(f - 1);
        GeneralLogEntry ftwrl = log.get(f);
        GeneralLogEntry next = nextRow(log, f);
        GeneralLogEntry unlock = log.get(u);
        GeneralLogEntry after = nextRow(log, u);
        // The row before the FTWRL: the lock guard's lock_wait_timeout (or FLUSH TABLES); the wait starts after it.
        assertThat(p.argument()).satisfiesAnyOf(a -> assertThat(a).containsIgnoringCase("FLUSH"),
                a -> assertThat(a).contains("/* backup-guard lock guard */"));
        GeneralLogEntry blocker = server.generalLog(blockerThread).stream()
                .filter(e -> e.argument() != null && e.argument().startsWith("UPDATE hot")).findFirst().orElseThrow();

        // max(F, B + sleep) - F: the earliest the lock can have been granted, relative to F.
        long acquiredNotBefore = Math.max(0, (long) (BLOCKER_SECONDS * 1_000_000) - micros(blocker, ftwrl));
        long waitLow = acquiredNotBefore;
        long waitHigh = micros(p, next);
        long holdLow = micros(next, unlock);
        long holdHigh = micros(ftwrl, after) - acquiredNotBefore;
        System.out.printf("TelemetryIT lock times: wait %d us in [%d, %d] (log); hold %d us in [%d, %d] (log); "
                        + "log rows: P=%s F=%s N=%s U=%s A=%s B=%s%n", wait, waitLow, waitHigh, hold, holdLow, holdHigh,
                p.eventTime(), ftwrl.eventTime(), next.eventTime(), unlock.eventTime(), after.eventTime(),
                blocker.eventTime());

        assertThat(wait).as("global read lock wait (trace) against the general log")
                .isBetween(waitLow - TOLERANCE_MICROS, waitHigh + TOLERANCE_MICROS);
        assertThat(hold).as("global read lock hold (trace) against the general log")
                .isBetween(holdLow - TOLERANCE_MICROS, holdHigh + TOLERANCE_MICROS);
        assertThat(waitLow).as("the blocker made the lock wait").isPositive();
        // The same lock in the session summary.
        Map<String, Object> summary = single(events, "session_summary", null);
        assertThat(summary.get("global_lock_wait_us")).isEqualTo(wait);
        assertThat(summary.get("global_lock_hold_us")).isEqualTo(hold);
    }

    @Test
    void theTraceTellsTheWholeSession() throws IOException {
        List<Map<String, Object>> events = sessionEvents();
        List<String> names = events.stream().map(e -> (String) e.get("event")).toList();
        // Events of the locked window are published right after UNLOCK TABLES returned, before lock_released.
        assertThat(names).containsSubsequence("lock_requested", "lock_acquired", "lock_released",
                "table_read_started", "table_read_finished", "snapshot_ended", "session_summary");
        // MariaDB's GTID is derived from the position after UNLOCK TABLES, so snapshot_started (stamped with the
        // START TRANSACTION's time) is published then, before any table is read.
        assertThat(names.indexOf("snapshot_started")).isBetween(names.indexOf("lock_acquired"),
                names.indexOf("table_read_started"));
        Map<String, Object> started = single(events, "snapshot_started", null);
        assertThat(started).containsEntry("isolation", "REPEATABLE READ").containsEntry("way", "global_lock")
                .containsEntry("obtained_by", "locked_binlog_status").containsEntry("server_id", 1L)
                .containsEntry("binlog_file", answeredFile).containsEntry("binlog_position", answeredPosition);
        assertThat((String) started.get("gtid_position")).matches("0-1-\\d+");
        List<Map<String, Object>> reads = events.stream().filter(e -> "table_read_finished".equals(e.get("event"))).toList();
        assertThat(reads).extracting(e -> e.get("table")).containsExactly("orders", "customers");
        assertThat(reads.stream().mapToLong(e -> (Long) e.get("rows")).sum()).isEqualTo(rowsSeen);
        // Every plan step of the guard, with the rule that caused it.
        assertThat(events).filteredOn(e -> "statement_step".equals(e.get("event")))
                .extracting(e -> e.get("action") + " " + e.get("rule") + " " + e.get("statement"))
                .contains("injected snapshot-start FLUSH TABLES WITH READ LOCK", "injected snapshot-start UNLOCK TABLES",
                        "absorbed coordinates-outside-lock SHOW MASTER STATUS")
                .anyMatch(s -> s.startsWith("refused implicit-commit ALTER USER"));
        Map<String, Object> summary = single(events, "session_summary", null);
        assertThat(summary).containsEntry("consistent", true).containsEntry("binlog_file", answeredFile)
                .containsEntry("binlog_position", answeredPosition).containsEntry("refusals", 1L)
                .containsEntry("rows_read", (long) rowsSeen);
        assertThat((List<?>) summary.get("reasons")).isEmpty();
        assertThat((Long) summary.get("corrections")).isPositive();
        assertThat((Long) summary.get("snapshot_age_us")).isPositive();
        // Every line is one JSON object with the common fields.
        for (Map<String, Object> e : events) {
            assertThat(e).containsKeys("event", "time", "epoch_us", "mono_us", "conn", "session");
        }
    }

    @Test
    void anOrdinaryConnectionPublishesNothing() throws IOException {
        assertThat(writes).isGreaterThan(20);
        assertThat(Files.readAllLines(writerTrace)).as("trace of the writer's guarded connection").isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ JFR

    @Test
    void theJfrRecordingHoldsTheEvents() throws IOException {
        List<Map<String, Object>> trace = sessionEvents();
        long session = (Long) trace.get(0).get("session");
        List<RecordedEvent> ours = RecordingFile.readAllEvents(jfrFile).stream()
                .filter(e -> e.getEventType().getName().startsWith("backupguard."))
                .filter(e -> e.getLong("sessionId") == session).toList();
        assertThat(ours).allSatisfy(e -> assertThat(e.getEventType().getCategoryNames()).containsExactly("backup-guard"));
        assertThat(ours).extracting(e -> e.getEventType().getName()).contains("backupguard.LockAcquired",
                "backupguard.LockReleased", "backupguard.SnapshotStarted", "backupguard.TableReadFinished",
                "backupguard.StatementStep", "backupguard.SessionSummary");
        RecordedEvent acquired = ours.stream().filter(e -> e.getEventType().getName().equals("backupguard.LockAcquired")
                && "global_read_lock".equals(e.getString("lock"))).findFirst().orElseThrow();
        assertThat(acquired.getDuration("wait"))
                .isEqualTo(Duration.of((Long) single(trace, "lock_acquired", "global_read_lock").get("wait_us"), ChronoUnit.MICROS));
        assertThat(acquired.getStackTrace()).isNull();
        RecordedEvent summary = ours.stream().filter(e -> e.getEventType().getName().equals("backupguard.SessionSummary"))
                .findFirst().orElseThrow();
        assertThat(summary.getBoolean("consistent")).isTrue();
        assertThat(summary.getString("binlogFile")).isEqualTo(answeredFile);
        assertThat(summary.getLong("binlogPosition")).isEqualTo(answeredPosition);
    }

    // ------------------------------------------------------------------------------------------------ JMX

    @Test
    void theMxBeanCountsTheSessionThroughThePlatformMBeanServer() throws Exception {
        long session = (Long) sessionEvents().get(0).get("session");
        long wait = (Long) single(sessionEvents(), "lock_acquired", "global_read_lock").get("wait_us");
        Map<String, Long> after = afterRun;
        assertThat(after.get("Sessions")).isGreaterThan(before.get("Sessions"));
        assertThat(after.get("ConsistentSessions")).isGreaterThan(before.get("ConsistentSessions"));
        assertThat(after.get("Refusals")).isGreaterThan(before.get("Refusals"));
        assertThat(after.get("Corrections")).isGreaterThan(before.get("Corrections"));
        assertThat(after.get("GlobalLockAcquisitions")).isGreaterThan(before.get("GlobalLockAcquisitions"));
        assertThat(after.get("GlobalLockWaitTotalMicros") - before.get("GlobalLockWaitTotalMicros")).isGreaterThanOrEqualTo(wait);
        assertThat(after.get("GlobalLockWaitMaxMicros")).isGreaterThanOrEqualTo(wait);
        assertThat(after.get("GlobalLockHoldMaxMicros")).isPositive();
        assertThat(lastSummary.get("sessionId")).isEqualTo(session);
        assertThat(lastSummary.get("consistent")).isEqualTo(true);
        assertThat(lastSummary.get("binlogPosition")).isEqualTo(answeredPosition);
        assertThat(lastSummaryLine).startsWith("event=session_summary").contains("session=" + session + " ");
    }

    @Test
    void theModeSwitchedThroughTheMxBeanAppliesToConnectionsGuardedAfterIt() throws Exception {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        try (Connection enforced = DriverManager.getConnection(guardedUrl(null, null), server.rootUser(),
                server.rootPassword())) {
            assertThat(mbs.invoke(MXBEAN, "switchMode", new Object[]{"audit"}, new String[]{String.class.getName()}))
                    .isEqualTo("configured");
            assertThat(mbs.getAttribute(MXBEAN, "Mode")).isEqualTo("audit");
            try (Connection audited = DriverManager.getConnection(guardedUrl(null, null), server.rootUser(),
                    server.rootPassword())) {
                assertThat(audited.unwrap(GuardedConnection.class).protocol().settings().mode()).isEqualTo(Mode.AUDIT);
                assertThat(enforced.unwrap(GuardedConnection.class).protocol().settings().mode())
                        .as("a connection guarded before the switch").isEqualTo(Mode.ENFORCE);
                try (Statement st = audited.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM customers")) {
                    assertThat(rs.next()).isTrue();
                }
                assertThat(server.queriesOf(audited)).as("audit mode sends only the job's statements")
                        .noneMatch(q -> q.contains("WITH READ LOCK")).contains("SELECT * FROM customers");
            }
            mbs.setAttribute(MXBEAN, new Attribute("Mode", "configured"));
            assertThat(BackupGuard.modeOverride()).isNull();
            try (Connection again = DriverManager.getConnection(guardedUrl(null, null), server.rootUser(),
                    server.rootPassword()); Statement st = again.createStatement();
                 ResultSet rs = st.executeQuery("SELECT * FROM customers")) {
                assertThat(rs.next()).isTrue();
                assertThat(server.queriesOf(again)).contains("FLUSH TABLES WITH READ LOCK");
            }
        } finally {
            BackupGuard.modeOverride(null);
        }
    }

    // ------------------------------------------------------------------------------------------------ files

    @Test
    void theCoordinatesFileHoldsTheSnapshotsPosition() throws IOException {
        Map<String, Object> c = JsonText.object(Files.readString(coordinatesFile));
        assertThat(c).containsEntry("binlog_file", answeredFile).containsEntry("binlog_position", answeredPosition)
                .containsEntry("server_id", 1L).containsEntry("obtained_by", "locked_binlog_status")
                .containsEntry("snapshot_way", "global_lock").containsEntry("isolation", "REPEATABLE READ")
                .containsEntry("consistent", true)
                .containsEntry("change_master", "CHANGE MASTER TO MASTER_LOG_FILE='" + answeredFile
                        + "', MASTER_LOG_POS=" + answeredPosition + ";");
        assertThat((String) c.get("gtid_position")).matches("0-1-\\d+");
        assertThat((String) c.get("time")).endsWith("Z");
    }

    @Test
    void theDataSourceWrapperUsesTheSameKeys() throws Exception {
        Path dsTrace = dir.resolve("datasource-trace.jsonl");
        MariaDbDataSource target = new MariaDbDataSource(server.url(dev.backupguard.testserver.JdbcDriver.MARIADB, db)
                + "?sessionVariables=lock_wait_timeout=10");
        target.setUser(server.rootUser());
        target.setPassword(server.rootPassword());
        Properties props = new Properties();
        props.setProperty("backupguard.trace.file", dsTrace.toString());
        props.setProperty("backupguard.snapshot.way", "snapshot-status");
        try (Connection c = new BackupGuardDataSource(target, props).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM customers")) {
            assertThat(rs.next()).isTrue();
        }
        List<Map<String, Object>> events = Files.readAllLines(dsTrace).stream().map(JsonText::object).toList();
        assertThat(single(events, "snapshot_started", null)).containsEntry("way", "snapshot_status")
                .containsEntry("obtained_by", "snapshot_status");
        assertThat(events).noneMatch(e -> "lock_acquired".equals(e.get("event")));
        assertThat(single(events, "session_summary", null)).containsEntry("consistent", true);
    }

    // ------------------------------------------------------------------------------------------------ redaction

    @Test
    void noSinkShowsThePasswordOrALiteralTheJobSentOrRead() throws IOException {
        List<String> secrets = List.of(server.rootPassword(), CANARY_TEXT, Long.toString(CANARY_NUMBER), JOB_LITERAL);
        String traceText = Files.readString(trace);
        String logText = Files.readString(slf4jLog());
        String coordinates = Files.readString(coordinatesFile);
        StringBuilder jfrText = new StringBuilder();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfrFile)) {
            for (ValueDescriptor field : e.getFields()) {
                Object value = e.getValue(field.getName());
                jfrText.append(field.getName()).append('=').append(value).append('\n');
            }
        }
        byte[] jfrBytes = Files.readAllBytes(jfrFile);
        long session = (Long) sessionEvents().get(0).get("session");
        // The MXBean's last summary, every item (reasons included) as text, and its log line.
        StringBuilder mxbeanText = new StringBuilder();
        for (String key : lastSummary.getCompositeType().keySet()) {
            Object value = lastSummary.get(key);
            mxbeanText.append(key).append('=')
                    .append(value instanceof Object[] array ? java.util.Arrays.toString(array) : value).append('\n');
        }

        // The sinks did see the statements that carried the secrets (redacted), so the checks below mean something.
        assertThat(traceText).contains("IDENTIFIED BY ?").contains("WHERE note <> ?");
        assertThat(logText).contains("event=session_summary").contains("session=" + session)
                .contains("IDENTIFIED BY ?");
        assertThat(jfrText).contains("IDENTIFIED BY ?");
        assertThat(refusalMessage).contains("IDENTIFIED BY ?");
        assertThat(mxbeanText).contains("sessionId=" + session + "\n").contains("refusals=1\n");
        assertThat(lastSummaryLine).contains("session=" + session + " ");
        for (String secret : secrets) {
            assertThat(traceText).as("trace file").doesNotContain(secret);
            assertThat(logText).as("SLF4J log").doesNotContain(secret);
            assertThat(coordinates).as("coordinates file").doesNotContain(secret);
            assertThat(jfrText.toString()).as("JFR events").doesNotContain(secret);
            assertThat(indexOf(jfrBytes, secret.getBytes(StandardCharsets.UTF_8))).as("JFR file, UTF-8").isNegative();
            assertThat(indexOf(jfrBytes, secret.getBytes(StandardCharsets.UTF_16BE))).as("JFR file, UTF-16").isNegative();
            assertThat(refusalMessage).as("the refusal's message").doesNotContain(secret);
            assertThat(mxbeanText.toString()).as("MXBean LastSessionSummary").doesNotContain(secret);
            assertThat(lastSummaryLine).as("MXBean LastSessionSummaryLine").doesNotContain(secret);
        }
        assertThat(rowsSeen).as("the job read the canary row").isEqualTo(4);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static String guardedUrl(Path traceFile, Path coordinates) {
        // jdbc:mariadb://... becomes jdbc:backupguard:mariadb://...
        StringBuilder url = new StringBuilder("jdbc:backupguard:").append(server.mariadbUrl(db).substring("jdbc:".length()))
                .append("?sessionVariables=lock_wait_timeout=10&backupguard.snapshot.way=global-lock")
                // Let the FTWRL wait out the blocker (the lock guard would cancel it after 1 s and retry once the
                // blocker ended): this test compares a real wait with the general log.
                .append("&backupguard.lock.wait-ms=8000");
        if (traceFile != null) {
            url.append("&backupguard.trace.file=").append(traceFile);
        }
        if (coordinates != null) {
            url.append("&backupguard.coordinates.file=").append(coordinates);
        }
        return url.toString();
    }

    /** The trace's events of the job's backup session (the file holds only that connection's events). */
    private static List<Map<String, Object>> sessionEvents() throws IOException {
        List<Map<String, Object>> all = new ArrayList<>();
        for (String line : Files.readAllLines(trace)) {
            all.add(JsonText.object(line));
        }
        assertThat(all).isNotEmpty();
        Object session = all.get(0).get("session");
        assertThat(all).allSatisfy(e -> assertThat(e.get("session")).isEqualTo(session));
        return all;
    }

    private static Map<String, Object> single(List<Map<String, Object>> events, String name, String lock) {
        List<Map<String, Object>> found = events.stream().filter(e -> name.equals(e.get("event")))
                .filter(e -> lock == null || lock.equals(e.get("lock"))).toList();
        assertThat(found).as("%s %s events", name, lock).hasSize(1);
        return found.get(0);
    }

    private static int lastIndex(List<GeneralLogEntry> log, String statement) {
        for (int i = log.size() - 1; i >= 0; i--) {
            if (statement.equalsIgnoreCase(log.get(i).argument())) {
                return i;
            }
        }
        throw new AssertionError(statement + " not in the general log: " + log);
    }

    private static int firstIndexAfter(List<GeneralLogEntry> log, int from, String statement) {
        for (int i = from + 1; i < log.size(); i++) {
            if (statement.equalsIgnoreCase(log.get(i).argument())) {
                return i;
            }
        }
        throw new AssertionError(statement + " not in the general log after row " + from + ": " + log);
    }

    /** The next row of the thread; a lock guard's own lock_wait_timeout round trips belong to the FTWRL. */
    private static GeneralLogEntry nextRow(List<GeneralLogEntry> log, int from) {
        for (int i = from + 1; i < log.size(); i++) {
            String a = log.get(i).argument();
            if (a == null || !a.toLowerCase(java.util.Locale.ROOT).contains("lock_wait_timeout")) {
                return log.get(i);
            }
        }
        throw new AssertionError("no row after " + from + ": " + log);
    }

    private static long micros(GeneralLogEntry from, GeneralLogEntry to) {
        return ChronoUnit.MICROS.between(from.eventTime(), to.eventTime());
    }

    private static Map<String, Long> counters() throws Exception {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        Map<String, Long> m = new java.util.HashMap<>();
        for (String a : List.of("Sessions", "ConsistentSessions", "Refusals", "Corrections", "GlobalLockAcquisitions",
                "GlobalLockWaitTotalMicros", "GlobalLockWaitMaxMicros", "GlobalLockHoldMaxMicros")) {
            m.put(a, (Long) mbs.getAttribute(MXBEAN, a));
        }
        return m;
    }

    private static Path slf4jLog() {
        String file = System.getProperty("org.slf4j.simpleLogger.logFile");
        assertThat(file).as("the failsafe configuration sends SLF4J to a file (tests/pom.xml)").isNotBlank();
        return Path.of(file);
    }

    static void awaitCondition(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
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

    private static ObjectName name(String n) {
        try {
            return new ObjectName(n);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }
}
