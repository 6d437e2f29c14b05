package dev.backupguard.agentit;

import dev.backupguard.agentit.apps.MockitoHostMain;
import dev.backupguard.legacy.Bank;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host application with its own, different Byte Buddy and Mockito on its class path, which redefines the host's
 * classes at run time with them (Mockito's inline mock maker attaches Byte Buddy's agent), runs with the agent
 * attached: both instrumentations work side by side and the job's connection is guarded once.
 */
@WithMariaDb
class HostWithOwnByteBuddyIT {

    static String db;
    static Bank bank;

    @BeforeAll
    static void bank(MariaDbServer server) throws Exception {
        db = server.createDatabase("t_agent_host_bytebuddy");
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            bank = Bank.create(c, 50, 1_000, false);
        }
    }

    static List<Path> jdks() {
        return ChildJvm.jdks();
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void mockitoAndAnOlderByteBuddyWorkBesideTheAgent(Path jdk, MariaDbServer server) throws Exception {
        String hostVersion = System.getProperty("agent-it.host-bytebuddy.version");
        assertThat(hostVersion).isNotBlank().isNotEqualTo(System.getProperty("agent-it.agent-bytebuddy.version"));
        server.clearGeneralLog();
        ChildJvm.Result r = ChildJvm.on(jdk).withAgent(null)
                .option("-XX:+EnableDynamicAgentLoading") // Mockito attaches its Byte Buddy agent at run time
                .classPathOf(MockitoHostMain.class, LegacyJob.class, org.mariadb.jdbc.Driver.class,
                        org.mockito.Mockito.class, org.objenesis.Objenesis.class)
                .classPath(ChildJvm.LIB.resolve("byte-buddy.jar"), ChildJvm.LIB.resolve("byte-buddy-agent.jar"))
                .run(MockitoHostMain.class, server.mariadbUrl(db), server.rootUser(), server.rootPassword());

        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.lines("HOST-BYTEBUDDY ")).containsExactly(hostVersion);
        assertThat(r.lines("MOCKED ")).containsExactly("42 true");
        assertThat(r.guardLayers()).containsExactly(List.of(ConnectionPathsUnderAgentIT.AGENT_GUARD));
        assertThat(bank.consistent(r.dumps().get(0))).isTrue();
        JobLog log = JobLog.of(server, db);
        assertThat(log.firstIndex(JobLog.SNAPSHOT)).as("%s", log).isBetween(0, log.firstRead() - 1);
        assertThat(r.err()).doesNotContain("Exception");
    }
}
