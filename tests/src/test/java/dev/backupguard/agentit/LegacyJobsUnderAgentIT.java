package dev.backupguard.agentit;

import dev.backupguard.legacy.Bank;
import dev.backupguard.legacy.Dump;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.legacy.LegacyJobMain;
import dev.backupguard.legacy.TransferWriter;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The headline use: an unmodified legacy backup program ({@link LegacyJobMain}, plain JDBC through DriverManager),
 * run with {@code -javaagent:backup-guard-agent.jar} on JDK 17 and JDK 25 through both drivers, while transfers commit
 * back to back in this JVM. Its dumps must be consistent every time, and the server's general log shows why: the
 * snapshot started before the first read and every read happened inside it.
 */
@WithMariaDb
class LegacyJobsUnderAgentIT {

    static final int ACCOUNTS = 200;
    static final AtomicInteger DATABASES = new AtomicInteger();

    static List<Arguments> jdksAndDrivers() {
        List<Arguments> out = new ArrayList<>();
        for (Path jdk : ChildJvm.jdks()) {
            for (JdbcDriver driver : JdbcDriver.values()) {
                out.add(Arguments.of(jdk, driver));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("jdksAndDrivers")
    void aTableByTableExporterWithAutocommitReadsOneSnapshot(Path jdk, JdbcDriver driver, MariaDbServer server)
            throws Exception {
        Job run = Job.run(server, jdk, driver, LegacyJob.AUTOCOMMIT_LOOP, "");
        System.out.println("AUTOCOMMIT_LOOP under the agent, " + driver + " on " + jdk.getFileName() + ", run "
                + run.result.name() + ", database " + run.db + ", " + run.log);

        assertThat(run.result.exit()).as("%s", run.result).isZero();
        Dump dump = run.dump();
        assertThat(run.bank.consistent(dump)).as("sum %s of a dump taken while %d transfers committed",
                Bank.sum(dump), run.commits).isTrue();
        JobLog log = run.log;
        assertThat(log.count(JobLog.SNAPSHOT)).as("%s", log).isEqualTo(1);
        assertThat(log.firstIndex(JobLog.SNAPSHOT)).as("%s", log).isBetween(0, log.firstRead() - 1);
        assertThat(log.endingsInsideSnapshot()).as("%s", log).isEmpty();
        assertThat(log.queries()).as("%s", log).containsSubsequence(JobLog.READS);
    }

    /** Each JDK with each driver once, and each snapshot way once per JDK. */
    static List<Arguments> jdksDriversAndWays() {
        List<Arguments> out = new ArrayList<>();
        List<Path> jdks = ChildJvm.jdks();
        for (int i = 0; i < jdks.size(); i++) {
            JdbcDriver first = JdbcDriver.values()[i % 2];
            JdbcDriver second = JdbcDriver.values()[(i + 1) % 2];
            out.add(Arguments.of(jdks.get(i), first, "auto"));
            out.add(Arguments.of(jdks.get(i), second, "global-lock"));
        }
        return out;
    }

    @ParameterizedTest(name = "{1} on {0}, snapshot.way={2}")
    @MethodSource("jdksDriversAndWays")
    void theWrongOrderGlobalLockJobGetsItsCoordinatesFromItsSnapshot(Path jdk, JdbcDriver driver, String way,
                                                                    MariaDbServer server) throws Exception {
        Job run = Job.run(server, jdk, driver, LegacyJob.WRONG_ORDER_GLOBAL_LOCK, "snapshot.way=" + way);

        assertThat(run.result.exit()).as("%s", run.result).isZero();
        Dump dump = run.dump();
        assertThat(run.bank.consistent(dump)).as("sum %s", Bank.sum(dump)).isTrue();
        // The coordinates the job recorded are exactly those of the snapshot it read: the binlog position translates
        // to the GTID of the last transfer the dump contains.
        assertThat(server.queryString("SELECT BINLOG_GTID_POS('" + dump.binlogFile() + "', " + dump.binlogPos() + ")"))
                .isEqualTo(run.writer.gtidAfter(dump.lastTransfer()));
        JobLog log = run.log;
        int snapshot = log.firstIndex(JobLog.SNAPSHOT);
        assertThat(log.count(JobLog.SNAPSHOT)).as("%s", log).isEqualTo(1);
        assertThat(snapshot).as("%s", log).isBetween(0, log.firstRead() - 1);
        assertThat(log.endingsInsideSnapshot()).as("%s", log).isEmpty();
        // The job's own late START TRANSACTION would have started a second, unlocked snapshot: it never reached the server.
        assertThat(log.queries()).as("%s", log).doesNotContain("START TRANSACTION");
        int lock = log.firstIndex(q -> q.equals("FLUSH TABLES WITH READ LOCK"));
        int unlock = log.firstIndex(q -> q.equals("UNLOCK TABLES"));
        if (way.equals("global-lock")) {
            // mysqldump's order: the snapshot starts and the coordinates are read under the job's lock, released
            // before the first data read.
            assertThat(lock).as("%s", log).isNotNegative();
            assertThat(snapshot).as("the snapshot starts under the lock\n%s", log).isBetween(lock + 1, unlock - 1);
            assertThat(unlock).as("%s", log).isLessThan(log.firstRead());
        } else {
            // MariaDB reports the snapshot's own coordinates (binlog_snapshot_*): no global lock at all, as
            // mariadb-dump does (server-facts.md 8). The job's FLUSH TABLES WITH READ LOCK is absorbed.
            assertThat(lock).as("%s", log).isNegative();
            assertThat(log.firstIndex(q -> q.startsWith("SHOW STATUS LIKE 'binlog_snapshot_")))
                    .as("%s", log).isBetween(snapshot + 1, log.firstRead() - 1);
        }
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("jdksAndDrivers")
    void withoutTheAgentTheSameProgramReadsEachTableAtItsOwnMoment(Path jdk, JdbcDriver driver, MariaDbServer server)
            throws Exception {
        Job run = Job.run(server, jdk, driver, LegacyJob.AUTOCOMMIT_LOOP, null);

        assertThat(run.result.exit()).as("%s", run.result).isZero();
        // The control: no snapshot at all, three autocommit reads. (Whether the sums then disagree depends on a
        // transfer committing between two reads: it usually does, but it is not asserted.)
        assertThat(run.log.count(JobLog.SNAPSHOT)).as("%s", run.log).isZero();
        assertThat(run.log.queries()).containsSubsequence(JobLog.READS);
        assertThat(run.result.err()).doesNotContain("backup-guard");
    }

    /** One run of a legacy job in a JVM of its own, with transfers committing in this one meanwhile. */
    static final class Job {
        String db;
        Bank bank;
        TransferWriter writer;
        ChildJvm.Result result;
        JobLog log;
        long commits;

        /** {@code agentArguments}: null for no agent, "" for the agent without arguments. */
        static Job run(MariaDbServer server, Path jdk, JdbcDriver driver, LegacyJob job, String agentArguments)
                throws Exception {
            Job j = new Job();
            String db = server.createDatabase("t_agent_legacy_" + DATABASES.incrementAndGet());
            j.db = db;
            try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
                j.bank = Bank.create(c, ACCOUNTS, 1_000, false);
            }
            server.clearGeneralLog();
            ChildJvm jvm = ChildJvm.on(jdk).classPathOf(LegacyJobMain.class, org.mariadb.jdbc.Driver.class,
                    com.mysql.cj.jdbc.Driver.class);
            if (agentArguments != null) {
                jvm.withAgent(agentArguments.isEmpty() ? null : agentArguments);
            }
            j.writer = new TransferWriter(JobLog.writerConnection(server, db), ACCOUNTS).start();
            try {
                j.result = jvm.run(LegacyJobMain.class, job.name(), server.url(driver, db), server.rootUser(),
                        server.rootPassword());
            } finally {
                j.writer.close();
            }
            j.commits = j.writer.commits();
            j.log = JobLog.of(server, db);
            return j;
        }

        Dump dump() {
            List<Dump> dumps = result.dumps();
            assertThat(dumps).as("%s", result).hasSize(1);
            return dumps.get(0);
        }
    }
}
