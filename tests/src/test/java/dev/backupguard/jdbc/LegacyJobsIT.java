package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backupguard.classify.Redactor;
import dev.backupguard.legacy.Bank;
import dev.backupguard.legacy.Dump;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.legacy.TransferWriter;
import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.SnapshotWay;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.telemetry.TelemetrySink;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every legacy job shape of the issue against the real server, through both drivers, with backup-guard's URL driver:
 * what reached the server (mysql.general_log, filtered as {@link ServerLog} says), whether the data the job read
 * is from one moment (the {@link Bank} invariant: checking + savings never changes at a commit), and whether the
 * coordinates the job or the guard captured are the binlog position of that moment (MariaDB's
 * {@code BINLOG_GTID_POS(file, pos)} must be the GTID the {@link TransferWriter} logged for the last transfer the
 * dump saw). The unguarded job is run in the same class, at the same worst moments, to show the checks can fail.
 */
@WithMariaDb
class LegacyJobsIT {

    static final int ACCOUNTS = 100;
    static final long BALANCE = 1_000;
    static final int RUNS = 20;

    private static MariaDbServer server;
    private static String innodbDb;
    private static String myisamDb;
    private static Bank bank;
    private static final List<GuardEvent.RuleApplied> RULES = new CopyOnWriteArrayList<>();
    private static final List<GuardEvent.StatementStep> STEPS = new CopyOnWriteArrayList<>();
    private static final TelemetrySink SINK = new TelemetrySink() {
        @Override
        public void accept(GuardEvent event) {
            if (event instanceof GuardEvent.RuleApplied r) {
                RULES.add(r);
            } else if (event instanceof GuardEvent.StatementStep s) {
                STEPS.add(s);
            }
        }

        @Override
        public boolean wants(Class<? extends GuardEvent> type) {
            return type == GuardEvent.RuleApplied.class || type == GuardEvent.StatementStep.class;
        }
    };

    @BeforeAll
    static void bank(MariaDbServer s) throws SQLException {
        server = s;
        innodbDb = server.createDatabase(MariaDbServer.databaseNameFor(LegacyJobsIT.class));
        myisamDb = server.createDatabase(MariaDbServer.databaseNameFor(LegacyJobsIT.class) + "_myisam");
        try (Connection c = server.connect(JdbcDriver.MARIADB, innodbDb)) {
            bank = Bank.create(c, ACCOUNTS, BALANCE, false);
        }
        try (Connection c = server.connect(JdbcDriver.MARIADB, myisamDb)) {
            Bank.create(c, ACCOUNTS, BALANCE, true);
        }
        BackupGuard.telemetry().add(SINK);
    }

    @AfterAll
    static void sink() {
        BackupGuard.telemetry().remove(SINK);
    }

    static Stream<Arguments> driverWayShape() {
        List<Arguments> out = new ArrayList<>();
        for (JdbcDriver d : JdbcDriver.values()) {
            for (SnapshotWay w : List.of(SnapshotWay.SNAPSHOT_STATUS, SnapshotWay.GLOBAL_LOCK, SnapshotWay.AUTO)) {
                for (JobShape s : JobShape.values()) {
                    out.add(Arguments.of(d, w, s));
                }
            }
        }
        return out.stream();
    }

    static Stream<Arguments> driverForcedWayShape() {
        return driverWayShape().filter(a -> a.get()[1] != SnapshotWay.AUTO);
    }

    static Stream<Arguments> driverShape() {
        List<Arguments> out = new ArrayList<>();
        for (JdbcDriver d : JdbcDriver.values()) {
            for (JobShape s : JobShape.values()) {
                out.add(Arguments.of(d, s));
            }
        }
        return out.stream();
    }

    // ------------------------------------------------------------------------------------------------ enforce

    /**
     * Enforce mode: the server receives mysqldump's order, the data is from one moment although a transfer commits
     * at each of the job's worst moments, and the coordinates (the guard's, and the job's own SHOW MASTER STATUS
     * answered by the guard) are that moment's. With {@code auto} on MariaDB no global lock is taken unless a
     * non-transactional table is in scope.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("driverWayShape")
    void enforceSendsTheMysqldumpOrderAndReadsOneMoment(JdbcDriver driver, SnapshotWay way, JobShape shape)
            throws Exception {
        String db = shape.myisam() ? myisamDb : innodbDb;
        try (Fixture f = new Fixture(db)) {
            Run run = f.run(guardedUrl(driver, db, "enforce", way), shape, driver, true);

            SnapshotWay effective = way != SnapshotWay.AUTO ? way
                    : shape.myisam() ? SnapshotWay.GLOBAL_LOCK : SnapshotWay.SNAPSHOT_STATUS;
            assertThat(run.log).as("what reached the server").containsExactlyElementsOf(shape.enforced(effective));
            if (way == SnapshotWay.AUTO && shape.coordinatesWay(effective) == SnapshotWay.SNAPSHOT_STATUS) {
                assertThat(run.log).as("auto on MariaDB, every table transactional: no global lock at all")
                        .doesNotContain(JobShape.FTWRL);
            }
            assertThat((Throwable) run.failure).isNull();
            assertThat(run.probes).as("server facts learned once for the backup session").isEqualTo(3);
            // Each step is reported: what the steps say was sent (redacted, as telemetry shows it) is what the
            // server logged, from the first statement of the backup session on.
            List<String> sentSteps = run.steps.stream()
                    .filter(st -> st.action() != GuardEvent.StatementStep.Action.ABSORBED
                            && st.action() != GuardEvent.StatementStep.Action.REFUSED)
                    .map(st -> ServerLog.normalise(Redactor.redact(st.statement()))).toList();
            // Telemetry redacts the job's statements and shows the guard's own as sent: compare both redacted.
            List<String> logged = run.log.stream().map(Redactor::redact).map(ServerLog::normalise).toList();
            assertThat(logged.size() - sentSteps.size()).as("job statements before the backup session")
                    .isBetween(0, 1);
            assertThat(sentSteps).isEqualTo(logged.subList(logged.size() - sentSteps.size(), logged.size()));
            assertThat(run.steps).as("the guard's own statements are reported as injected")
                    .anyMatch(st -> st.action() == GuardEvent.StatementStep.Action.INJECTED);
            if (shape == JobShape.WRONG_ORDER_GLOBAL_LOCK) {
                assertThat(run.steps).filteredOn(st -> st.action() == GuardEvent.StatementStep.Action.ABSORBED)
                        .extracting(GuardEvent.StatementStep::statement)
                        .contains("SHOW MASTER STATUS", "UNLOCK TABLES", "START TRANSACTION", "COMMIT");
            }
            assertThat(Bank.sum(run.dump)).as("checking + savings as the job read them").isEqualTo(bank.total());
            assertThat(run.guard).as("coordinates captured by the guard").isNotNull();
            assertThat(run.guard.source()).isEqualTo(shape.coordinatesWay(effective) == SnapshotWay.GLOBAL_LOCK
                    ? BinlogCoordinates.Source.LOCKED_BINLOG_STATUS : BinlogCoordinates.Source.SNAPSHOT_STATUS);
            String expectedGtid = f.writer.gtidAfter(run.dump.lastTransfer());
            assertThat(f.gtidAt(run.guard.file(), run.guard.position())).as("the guard's coordinates")
                    .isEqualTo(expectedGtid);
            assertThat(run.guard.gtid()).as("the GTID the guard read with them").isEqualTo(expectedGtid);
            if (run.dump.hasCoordinates()) {
                assertThat(run.dump.binlogFile()).as("the job's SHOW MASTER STATUS, answered by the guard")
                        .isEqualTo(run.guard.file());
                assertThat(run.dump.binlogPos()).isEqualTo(run.guard.position());
            }
        }
    }

    /**
     * 20 runs of the guarded job while a writer moves money back to back: every dump satisfies the invariant and
     * carries its own snapshot's coordinates. At least one transfer commits between two runs.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("driverForcedWayShape")
    void guardedJobIsConsistentIn20RunsUnderConcurrentTransfers(JdbcDriver driver, SnapshotWay way, JobShape shape)
            throws Exception {
        String db = shape.myisam() ? myisamDb : innodbDb;
        String url = guardedUrl(driver, db, "enforce", way);
        List<Dump> dumps = new ArrayList<>();
        List<BinlogCoordinates> coordinates = new ArrayList<>();
        Fixture f = new Fixture(db);
        try (f) {
            f.writer.start();
            long seen = 0;
            for (int i = 0; i < RUNS; i++) {
                // A transfer committed after everything the previous dump saw: each run has a moment of its own.
                awaitCommitAfter(f.writer, seen);
                try (Connection c = DriverManager.getConnection(url, server.rootUser(), server.rootPassword())) {
                    dumps.add(shape.job.run(c, LegacyJob.Hooks.NONE, shape.fetchSize(driver)));
                    coordinates.add(c.unwrap(GuardedConnection.class).protocol().coordinates());
                }
                seen = dumps.get(i).lastTransfer();
            }
        }
        // The writer is stopped: the GTID of every transfer a dump saw is in its log now.
        Set<Long> lastTransfers = new HashSet<>();
        for (int i = 0; i < RUNS; i++) {
            Dump d = dumps.get(i);
            BinlogCoordinates c = coordinates.get(i);
            assertThat(Bank.sum(d)).as("run %d: checking + savings", i).isEqualTo(bank.total());
            String expected = f.writer.gtidAfter(d.lastTransfer());
            assertThat(c.gtid()).as("run %d: the GTID the guard read with %s", i, c).isEqualTo(expected);
            assertThat(f.gtidAt(c.file(), c.position())).as("run %d: coordinates %s", i, c).isEqualTo(expected);
            if (d.hasCoordinates()) {
                assertThat(d.binlogFile() + ":" + d.binlogPos()).isEqualTo(c.file() + ":" + c.position());
            }
            lastTransfers.add(d.lastTransfer());
        }
        assertThat(lastTransfers).as("the dumps saw different moments of the writer").hasSize(RUNS);
    }

    // ------------------------------------------------------------------------------------------------ unguarded

    /**
     * The same jobs without the guard, at the same worst moments: every shape but the whole-dump lock reads data or
     * coordinates from two moments. The whole-dump lock is consistent, and the general log shows why it is still
     * unsafe: the global lock covers every data read.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("driverShape")
    void unguardedJobBreaksTheInvariantAtItsWorstMoment(JdbcDriver driver, JobShape shape) throws Exception {
        String db = shape.myisam() ? myisamDb : innodbDb;
        try (Fixture f = new Fixture(db)) {
            Run run = f.run(server.url(driver, db), shape, driver, true);

            boolean sumHolds = Bank.sum(run.dump) == bank.total();
            boolean coordinatesHold = !run.dump.hasCoordinates() || f.gtidAt(run.dump.binlogFile(),
                    run.dump.binlogPos()).equals(f.writer.gtidAfter(run.dump.lastTransfer()));
            if (shape.locksWholeDump()) {
                assertThat(sumHolds && coordinatesHold).as("consistent under the lock").isTrue();
                int unlock = run.log.lastIndexOf("UNLOCK TABLES");
                assertThat(unlock).as("the global lock is held for every data read")
                        .isGreaterThan(run.log.lastIndexOf("SELECT * FROM transfers"));
                assertThat(run.log.indexOf(JobShape.FTWRL)).isLessThan(run.log.indexOf("SELECT * FROM checking"));
            } else {
                assertThat(sumHolds && coordinatesHold)
                        .as("sum %s (expected %s), coordinates match: %s", Bank.sum(run.dump), bank.total(),
                                coordinatesHold)
                        .isFalse();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ block, audit

    /**
     * Block mode: the statement that breaks the protocol is refused with an SQLException naming the rule (SQLState
     * of the rule), and nothing of the guard's own reaches the server: the log is the unguarded job's, up to the
     * refused statement.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("driverShape")
    void blockRefusesTheUnsafeStatementAndSendsNothingOfItsOwn(JdbcDriver driver, JobShape shape) throws Exception {
        String db = shape.myisam() ? myisamDb : innodbDb;
        try (Fixture f = new Fixture(db)) {
            List<String> unguarded = f.run(server.url(driver, db), shape, driver, false).log;
            Run run = f.run(guardedUrl(driver, db, "block", SnapshotWay.AUTO), shape, driver, false);

            if (shape.blockRefuses == null) {
                assertThat((Throwable) run.failure).isNull();
                assertThat(run.log).isEqualTo(unguarded);
                assertThat(run.rules).as("reported, not refused").contains(Rule.LOCK_WHOLE_DUMP.id());
                return;
            }
            assertThat((Throwable) run.failure).isInstanceOf(BackupGuardException.class);
            BackupGuardException refusal = (BackupGuardException) run.failure;
            assertThat(refusal.rule().id()).isEqualTo(shape.blockRule);
            assertThat(refusal.getSQLState()).isEqualTo(refusal.rule().sqlState());
            assertThat(refusal.getMessage()).contains("rule " + shape.blockRule).contains(shape.blockRefuses);
            int refused = indexIgnoringCase(unguarded, shape.blockRefuses);
            assertThat(refused).as("the unguarded job sends %s", shape.blockRefuses).isNotNegative();
            assertThat(run.log.subList(0, Math.min(refused, run.log.size())))
                    .isEqualTo(unguarded.subList(0, refused));
            // After the refusal only what closing the connection releases: the job's global read lock (held when
            // its UNLOCK TABLES was refused) and its open transaction.
            List<String> afterRefusal = run.log.subList(refused, run.log.size());
            assertThat(afterRefusal).isSubsetOf("UNLOCK TABLES", "ROLLBACK").doesNotHaveDuplicates();
            if (shape == JobShape.WRONG_ORDER_GLOBAL_LOCK) {
                assertThat(afterRefusal).contains("UNLOCK TABLES");
            }
        }
    }

    /** Audit mode: exactly what the unguarded job sends reaches the server; the findings say what would be done. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("driverShape")
    void auditSendsExactlyWhatTheJobSendsAndReports(JdbcDriver driver, JobShape shape) throws Exception {
        String db = shape.myisam() ? myisamDb : innodbDb;
        try (Fixture f = new Fixture(db)) {
            List<String> unguarded = f.run(server.url(driver, db), shape, driver, false).log;
            Run run = f.run(guardedUrl(driver, db, "audit", SnapshotWay.AUTO), shape, driver, false);

            assertThat((Throwable) run.failure).isNull();
            assertThat(run.log).isEqualTo(unguarded);
            if (shape.blockRule != null) {
                assertThat(run.rules).as("audit names the rule block mode refuses by").contains(shape.blockRule);
            } else {
                assertThat(run.rules).contains(Rule.LOCK_WHOLE_DUMP.id());
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ fixture

    static String guardedUrl(JdbcDriver driver, String db, String mode, SnapshotWay way) {
        return GuardedUrls.guarded(server, driver, db, mode, way);
    }

    private static int indexIgnoringCase(List<String> log, String sql) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).equalsIgnoreCase(sql)) {
                return i;
            }
        }
        return -1;
    }

    private static void awaitCommitAfter(TransferWriter writer, long seq) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (writer.lastCommitted() <= seq) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the transfer writer committed nothing in 20 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** What one run of a job gave: its dump (or failure), the filtered log, the guard's coordinates and rules. */
    record Run(Dump dump, SQLException failure, List<String> log, BinlogCoordinates guard, List<String> rules,
               int probes, List<GuardEvent.StatementStep> steps) {
    }

    /** A writer on the job's schema (one transfer committed up front) and a watcher connection. */
    static final class Fixture implements AutoCloseable {
        final TransferWriter writer;
        final long writerThread;
        final Connection watcher;

        Fixture(String db) throws SQLException {
            Connection w = server.connect(JdbcDriver.MARIADB, db);
            try (Statement s = w.createStatement()) {
                // Never hang the build: a transfer waits for a job's global lock at most this long.
                s.execute("SET SESSION lock_wait_timeout = 30");
                s.execute("SET SESSION innodb_lock_wait_timeout = 30");
            }
            writerThread = MariaDbServer.threadId(w);
            writer = new TransferWriter(w, ACCOUNTS);
            writer.transferOnce(); // every dump then sees a transfer of this writer, whose GTID it knows
            watcher = server.connect(JdbcDriver.MARIADB, db);
        }

        Run run(String url, JobShape shape, JdbcDriver driver, boolean worstMoments) throws SQLException {
            Dump dump = null;
            SQLException failure = null;
            BinlogCoordinates guard = null;
            ServerLog log;
            long thread;
            try (WorstMoment hooks = new WorstMoment(writer, writerThread, watcher)) {
                try (Connection c = DriverManager.getConnection(url, server.rootUser(), server.rootPassword())) {
                    log = ServerLog.mark(server, c);
                    thread = log.threadId();
                    try {
                        dump = shape.job.run(c, worstMoments ? hooks : LegacyJob.Hooks.NONE,
                                shape.fetchSize(driver));
                    } catch (SQLException e) {
                        failure = e;
                    }
                    if (c.isWrapperFor(GuardedConnection.class)) {
                        guard = c.unwrap(GuardedConnection.class).protocol().coordinates();
                    }
                }
                // Closed: whatever lock the job still held is gone, so a transfer that waited for it commits now.
                hooks.awaitTransfers();
            }
            if (failure != null && dump == null && worstMoments) {
                throw failure;
            }
            List<String> rules = RULES.stream().filter(r -> r.origin().connectionId() == thread)
                    .map(r -> r.finding().rule().id()).distinct().toList();
            List<GuardEvent.StatementStep> steps = STEPS.stream().filter(st -> st.origin().connectionId() == thread)
                    .toList();
            return new Run(dump, failure, log.statements(), guard, rules, log.probes().size(), steps);
        }

        String gtidAt(String file, long position) {
            return server.queryString("SELECT BINLOG_GTID_POS('" + file + "', " + position + ")");
        }

        @Override
        public void close() throws SQLException {
            try {
                writer.close();
            } finally {
                watcher.close();
            }
        }
    }
}
