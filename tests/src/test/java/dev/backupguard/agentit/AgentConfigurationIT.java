package dev.backupguard.agentit;

import dev.backupguard.agentit.apps.ExportMain;
import dev.backupguard.agentit.apps.ExportMain.How;
import dev.backupguard.legacy.Bank;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the agent is configured and how it reports: agent arguments, a properties file, BACKUPGUARD_* variables,
 * backupguard.* system properties and connection properties, one start-up line with the result, the application's
 * SLF4J when it has a binding, and an agent failure that costs the application nothing but the guard.
 */
@WithMariaDb
class AgentConfigurationIT {

    /** How the start-up line begins: the build passes the project's version (the parent pom's failsafe settings). */
    static final String STARTUP = "backup-guard agent " + System.getProperty("backupguard-test.version") + " on Java";

    static String db;

    @BeforeAll
    static void bank(MariaDbServer server) throws Exception {
        db = server.createDatabase("t_agent_configuration");
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            Bank.create(c, 50, 1_000, false);
        }
    }

    static ChildJvm exporter() {
        return ChildJvm.on(ChildJvm.jdks().get(0)).classPathOf(ExportMain.class, LegacyJob.class,
                org.mariadb.jdbc.Driver.class, com.mysql.cj.jdbc.Driver.class);
    }

    static ChildJvm.Result export(ChildJvm jvm, MariaDbServer server, String url, int connections) throws Exception {
        server.clearGeneralLog();
        ChildJvm.Result r = jvm.run(ExportMain.class, How.DRIVER_MANAGER.name(), LegacyJob.AUTOCOMMIT_LOOP.name(), url,
                server.rootUser(), server.rootPassword(), Integer.toString(connections));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.dumps()).as("%s", r).hasSize(connections);
        return r;
    }

    static List<String> startupLines(ChildJvm.Result r) {
        return r.err().lines().filter(l -> l.contains(STARTUP)).toList();
    }

    @Test
    void everySourceOfSettingsCountsAndTheResultIsPrintedOnce(MariaDbServer server, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("backup-guard.properties");
        Files.writeString(file, "backupguard.lock.hold-ms=4321\nbackupguard.mode=block\n");
        ChildJvm.Result r = export(exporter().withAgent("mode=audit,config.file=" + file)
                .env("BACKUPGUARD_LOCK_WAIT_MS", "700").option("-Dbackupguard.lock.retries=5"),
                server, server.mariadbUrl(db), 1);

        assertThat(startupLines(r)).as("%s", r).singleElement().asString()
                .startsWith("[backup-guard] INFO ")
                // agent arguments beat the file (mode), the file, the environment and system properties all count
                .contains("mode=audit", "lock.hold-ms=4321", "lock.wait-ms=700", "lock.retries=5")
                .contains("environment [BACKUPGUARD_LOCK_WAIT_MS]", "system properties [backupguard.lock.retries]",
                        "config file " + file)
                .doesNotContain(server.rootPassword());
        // Audit mode: the guard reports and changes nothing, so the job's reads are plain autocommit reads.
        assertThat(r.guardLayers()).containsExactly(List.of(ConnectionPathsUnderAgentIT.AGENT_GUARD));
        assertThat(JobLog.of(server, db).count(JobLog.SNAPSHOT)).isZero();
        assertThat(r.err()).contains("[backup-guard] WARN ");
    }

    @Test
    void settingsOnTheConnectionUrlApplyToThatConnection(MariaDbServer server) throws Exception {
        ChildJvm.Result r = export(exporter().withAgent(null), server, server.mariadbUrl(db) + "?backupguard.mode=audit", 1);

        assertThat(startupLines(r)).singleElement().asString().contains("mode=enforce");
        assertThat(r.guardLayers()).containsExactly(List.of(ConnectionPathsUnderAgentIT.AGENT_GUARD));
        assertThat(JobLog.of(server, db).count(JobLog.SNAPSHOT)).as("audit for this connection").isZero();
    }

    @Test
    void enabledFalseInTheEnvironmentTurnsTheAgentOffAndSaysWhere(MariaDbServer server) throws Exception {
        ChildJvm.Result r = export(exporter().withAgent(null).env("BACKUPGUARD_ENABLED", "false"), server,
                server.mariadbUrl(db), 1);

        assertThat(r.guardLayers()).containsExactly(List.of());
        assertThat(r.err()).contains("[backup-guard] WARN backup-guard is OFF: environment variable BACKUPGUARD_ENABLED "
                + "is 'false'; the connections it applies to are not guarded")
                .contains("[backup-guard] WARN backup-guard agent is OFF and guards nothing");
        assertThat(startupLines(r)).isEmpty();
    }

    @Test
    void aBadSettingOnTheConnectionIsAnErrorAndItsBackupSessionIsRefused(MariaDbServer server) throws Exception {
        server.clearGeneralLog();
        ChildJvm.Result r = exporter().withAgent(null).run(ExportMain.class, How.DRIVER_MANAGER.name(),
                LegacyJob.AUTOCOMMIT_LOOP.name(), server.mariadbUrl(db) + "?backupguard.mode=bogus", server.rootUser(),
                server.rootPassword(), "1");

        // The job fails with the refusal, and the program with it.
        assertThat(r.exit()).as("%s", r).isEqualTo(1);
        assertThat(r.guardLayers()).containsExactly(List.of(ConnectionPathsUnderAgentIT.AGENT_GUARD));
        assertThat(r.err().lines().filter(l -> l.contains("ERROR"))).as("%s", r).singleElement().asString()
                .startsWith("[backup-guard] ERROR backup-guard configuration error: URL parameter backupguard.mode is "
                        + "'bogus', not enforce, block, audit");
        assertThat(r.err()).contains("java.sql.SQLException: backup-guard refuses backup sessions");
        assertThat(startupLines(r)).singleElement().asString().startsWith("[backup-guard] INFO ");
    }

    @Test
    void theApplicationsSlf4jReceivesTheAgentsLines(MariaDbServer server) throws Exception {
        ChildJvm.Result r = export(exporter().withAgent(null).classPathOf(org.slf4j.LoggerFactory.class)
                .classPath(ChildJvm.LIB.resolve("slf4j-simple.jar")), server, server.mariadbUrl(db), 1);

        // slf4j-simple's format ("[thread] LEVEL logger - message"), and the proxy's loggers under their library names.
        assertThat(r.err()).contains("INFO dev.backupguard.agent - " + STARTUP)
                .contains("INFO dev.backupguard.jdbc.GuardedConnection - [backup-guard snapshot-start I2]")
                .doesNotContain("[backup-guard] INFO").doesNotContain("dev.backupguard.agent.shaded");
    }
}
