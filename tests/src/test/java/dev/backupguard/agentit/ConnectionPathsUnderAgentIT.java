package dev.backupguard.agentit;

import dev.backupguard.agentit.apps.ExportMain;
import dev.backupguard.agentit.apps.ExportMain.How;
import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.legacy.Bank;
import dev.backupguard.legacy.Dump;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.legacy.TransferWriter;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every way a program gets a connection is guarded exactly once under the agent: DriverManager, the drivers'
 * DataSources, a HikariCP pool, and an application that also carries the library (jdbc:backupguard: URL,
 * BackupGuardDataSource, a pool over the library's URL). "Once" is counted on the connection the program holds: the
 * number of GuardedConnection wrappers between it and the driver.
 */
@WithMariaDb
class ConnectionPathsUnderAgentIT {

    static final String AGENT_GUARD = "dev.backupguard.agent.shaded.jdbc.GuardedConnection";
    static final String LIBRARY_GUARD = "dev.backupguard.jdbc.GuardedConnection";
    static final int ACCOUNTS = 200;
    static final AtomicInteger DATABASES = new AtomicInteger();

    static List<Path> jdks() {
        return ChildJvm.jdks();
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void aHikariPooledExporterIsGuardedOnceAtThePoolsLogicalConnection(Path jdk, MariaDbServer server) throws Exception {
        Export run = Export.run(server, jdk, How.HIKARI, JdbcDriver.MARIADB, true, false);

        assertThat(run.layers()).containsExactly(List.of(AGENT_GUARD));
        Dump dump = run.dump();
        assertThat(run.bank.consistent(dump)).as("sum %s while %d transfers committed", Bank.sum(dump), run.commits)
                .isTrue();
        JobLog log = JobLog.of(server, run.db);
        assertThat(log.count(JobLog.SNAPSHOT)).as("%s", log).isEqualTo(1);
        assertThat(log.firstIndex(JobLog.SNAPSHOT)).as("%s", log).isBetween(0, log.firstRead() - 1);
        assertThat(log.endingsInsideSnapshot()).as("%s", log).isEmpty();
        // Returning the connection to the pool ends the backup session: the guard closes the snapshot on the
        // logical close, so the pooled physical connection goes back without an open transaction.
        assertThat(log.queries().subList(log.lastRead() + 1, log.queries().size()))
                .as("%s", log).anyMatch(q -> q.equals("ROLLBACK") || q.equals("COMMIT"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = How.class, names = {"MARIADB_DATA_SOURCE", "MYSQL_DATA_SOURCE", "DRIVER_MANAGER"})
    void theDriversOwnDataSourcesAndDriverManagerAreGuardedOnce(How how, MariaDbServer server) throws Exception {
        JdbcDriver driver = how == How.MARIADB_DATA_SOURCE ? JdbcDriver.MARIADB : JdbcDriver.MYSQL;
        Export run = Export.run(server, jdks().get(0), how, driver, true, false);

        assertThat(run.layers()).containsExactly(List.of(AGENT_GUARD));
        assertThat(run.bank.consistent(run.dump())).isTrue();
        JobLog log = JobLog.of(server, run.db);
        assertThat(log.count(JobLog.SNAPSHOT)).as("%s", log).isEqualTo(1);
        assertThat(log.firstIndex(JobLog.SNAPSHOT)).as("%s", log).isBetween(0, log.firstRead() - 1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = How.class, names = {"LIBRARY_URL", "LIBRARY_DATA_SOURCE_OVER_HIKARI", "HIKARI_OVER_LIBRARY_URL"})
    void anApplicationThatCarriesTheLibraryIsGuardedOnceByItsOwnCopy(How how, MariaDbServer server) throws Exception {
        Export run = Export.run(server, jdks().get(0), how, JdbcDriver.MARIADB, true, true);

        // The application's own guard, with the settings it gave it; the agent stays out of the way.
        assertThat(run.layers()).containsExactly(List.of(LIBRARY_GUARD));
        assertThat(run.bank.consistent(run.dump())).isTrue();
        JobLog log = JobLog.of(server, run.db);
        assertThat(log.count(JobLog.SNAPSHOT)).as("%s", log).isEqualTo(1);
        assertThat(log.firstIndex(JobLog.SNAPSHOT)).as("%s", log).isBetween(0, log.firstRead() - 1);
    }

    @Test
    void theLibraryDoesNotWrapAConnectionTheAgentGuardedAlready(MariaDbServer server) throws Exception {
        // DriverManager's connection is guarded by the agent; the application then hands it to its own
        // BackupGuard.wrap, whose isGuarded (advised by the agent) recognises the agent's guard.
        Export run = Export.run(server, jdks().get(0), How.LIBRARY_WRAP, JdbcDriver.MARIADB, true, true);

        assertThat(run.layers()).containsExactly(List.of(AGENT_GUARD));
        assertThat(run.bank.consistent(run.dump())).isTrue();
        assertThat(JobLog.of(server, run.db).count(JobLog.SNAPSHOT)).isEqualTo(1);
    }

    @Test
    void withoutTheAgentNothingIsGuarded(MariaDbServer server) throws Exception {
        Export run = Export.run(server, jdks().get(0), How.HIKARI, JdbcDriver.MARIADB, false, false);

        assertThat(run.layers()).containsExactly(List.of());
        assertThat(JobLog.of(server, run.db).count(JobLog.SNAPSHOT)).isZero();
    }

    /** One run of {@link ExportMain} in a JVM of its own, transfers committing meanwhile. */
    record Export(String db, Bank bank, ChildJvm.Result result, long commits) {

        static Export run(MariaDbServer server, Path jdk, How how, JdbcDriver driver, boolean agent, boolean library)
                throws Exception {
            String db = server.createDatabase("t_agent_paths_" + DATABASES.incrementAndGet());
            Bank bank;
            try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
                bank = Bank.create(c, ACCOUNTS, 1_000, false);
            }
            server.clearGeneralLog();
            ChildJvm jvm = ChildJvm.on(jdk).classPathOf(ExportMain.class, LegacyJob.class, org.mariadb.jdbc.Driver.class,
                    com.mysql.cj.jdbc.Driver.class, com.zaxxer.hikari.HikariDataSource.class,
                    org.slf4j.LoggerFactory.class);
            if (library) {
                jvm.classPathOf(BackupGuard.class);
            }
            if (agent) {
                jvm.withAgent(null);
            }
            TransferWriter writer = new TransferWriter(JobLog.writerConnection(server, db), ACCOUNTS).start();
            ChildJvm.Result result;
            try {
                result = jvm.run(ExportMain.class, how.name(), LegacyJob.AUTOCOMMIT_LOOP.name(), server.url(driver, db),
                        server.rootUser(), server.rootPassword());
            } finally {
                writer.close();
            }
            assertThat(result.exit()).as("%s", result).isZero();
            return new Export(db, bank, result, writer.commits());
        }

        List<List<String>> layers() {
            return result.guardLayers();
        }

        Dump dump() {
            assertThat(result.dumps()).as("%s", result).hasSize(1);
            return result.dumps().get(0);
        }
    }
}
