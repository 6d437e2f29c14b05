package dev.backupguard.agentit;

import dev.backupguard.agentit.apps.ConfigurationProbeMain;
import dev.backupguard.agentit.apps.ExportMain.How;
import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.legacy.Bank;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.testserver.GeneralLogEntry;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One configuration policy for the agent, the URL driver and the DataSource, each in a JVM of its own with
 * process-wide settings (environment variables, system properties, agent arguments): an unknown key is a WARN naming
 * it, its source and the nearest key, and changes nothing; an invalid value is an ERROR naming the key, its source
 * and what is accepted, and then (on-config-error=refuse, the default) ordinary statements pass and every backup
 * session is refused with an SQLException that carries the error; enabled=false is a WARN naming its source.
 */
@WithMariaDb
class ConfigurationPolicyIT {

    /** The three ways a program comes under the guard. */
    enum Path {
        AGENT(How.DRIVER_MANAGER), URL_DRIVER(How.LIBRARY_URL), DATA_SOURCE(How.LIBRARY_DATA_SOURCE_OVER_HIKARI);

        final How how;

        Path(How how) {
            this.how = how;
        }
    }

    static MariaDbServer server;
    static String db;

    @BeforeAll
    static void bank(MariaDbServer s) throws Exception {
        server = s;
        db = server.createDatabase("t_configuration_policy");
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            Bank.create(c, 20, 1_000, false);
        }
    }

    /** The probe's run: what it printed, and what the server received from it. */
    record Probe(ChildJvm.Result result) {

        /** {@code parameter}: a URL parameter to add, or "". */
        static Probe run(Path path, String action, JdbcDriver driver, String parameter, UnaryOperator<ChildJvm> setup)
                throws Exception {
            String url = server.url(driver, db);
            url += parameter.isEmpty() ? "" : (url.contains("?") ? "&" : "?") + parameter;
            ChildJvm jvm = ChildJvm.on(ChildJvm.jdks().get(0)).classPathOf(ConfigurationProbeMain.class,
                    LegacyJob.class, org.mariadb.jdbc.Driver.class, com.mysql.cj.jdbc.Driver.class,
                    com.zaxxer.hikari.HikariDataSource.class, org.slf4j.LoggerFactory.class)
                    .classPath(ChildJvm.LIB.resolve("slf4j-simple.jar"));
            jvm = path == Path.AGENT ? jvm.withAgent(null) : jvm.classPathOf(BackupGuard.class);
            server.clearGeneralLog();
            ChildJvm.Result r = setup.apply(jvm).run(ConfigurationProbeMain.class, path.how.name(), action,
                    url, server.rootUser(), server.rootPassword());
            assertThat(r.exit()).as("%s", r).isZero();
            return new Probe(r);
        }

        static Probe backup(Path path, UnaryOperator<ChildJvm> setup) throws Exception {
            return run(path, "backup", JdbcDriver.MARIADB, "", setup);
        }

        boolean guarded() {
            List<List<String>> layers = result.guardLayers();
            assertThat(layers).as("%s", result).hasSize(1);
            return layers.get(0).size() == 1;
        }

        String answer(String what) {
            List<String> lines = result.lines(what + " ");
            assertThat(lines).as("%s", result).hasSize(1);
            return lines.get(0);
        }

        /** The lines logged at {@code level} that contain {@code text} (SLF4J's or the agent's own format). */
        List<String> logged(String level, String text) {
            return result.err().lines().filter(l -> l.contains(level + " ") && l.contains(text)).toList();
        }

        /** Whether the job's connection started the guard's snapshot before its reads (the guard did its work). */
        boolean snapshotStarted() {
            return JobLog.of(server, db).count(JobLog.SNAPSHOT) == 1;
        }

        /** Whether any connection of the run read one of the job's tables. */
        boolean anyTableRead() {
            List<GeneralLogEntry> log = server.generalLog();
            Set<Long> ours = log.stream().filter(e -> e.commandType().equals("Connect")
                    && e.argument().contains(" on " + db + " ")).map(GeneralLogEntry::threadId).collect(Collectors.toSet());
            return log.stream().anyMatch(e -> ours.contains(e.threadId()) && e.isQuery()
                    && JobLog.READS.contains(e.argument()));
        }

        @Override
        public String toString() {
            return result.toString();
        }
    }

    private static void assertRefused(Probe p, String... inMessage) {
        assertThat(p.guarded()).as("%s", p).isTrue();
        assertThat(p.answer("ORDINARY")).as("ordinary statements pass").isEqualTo("ok");
        assertThat(p.answer("BACKUP")).as("%s", p).startsWith("refused HY024 backup-guard refuses backup sessions: its "
                + "configuration has errors: ").contains(inMessage).contains("backupguard.on-config-error=defaults");
        assertThat(p.anyTableRead()).as("nothing of the refused backup session reached the server").isFalse();
    }

    private static void assertGuardedBackup(Probe p) {
        assertThat(p.guarded()).as("%s", p).isTrue();
        assertThat(p.answer("BACKUP")).as("%s", p).isEqualTo("ok");
        assertThat(p.snapshotStarted()).as("enforce mode: the guard started the snapshot").isTrue();
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void anUnrelatedEnvironmentVariableWithOurPrefixIsAWarningAndChangesNothing(Path path) throws Exception {
        Probe p = Probe.backup(path, jvm -> jvm.env("BACKUPGUARD_HOME", "/opt/bg"));

        assertThat(p.logged("WARN", "backup-guard: environment variable BACKUPGUARD_HOME is not a backup-guard setting"
                + " and is ignored")).as("%s", p).hasSize(1);
        assertThat(p.logged("ERROR", "")).as("%s", p).isEmpty();
        assertGuardedBackup(p);
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void aMistypedSystemPropertyIsAWarningNamingTheKeyItWasMeantToBe(Path path) throws Exception {
        Probe p = Probe.backup(path, jvm -> jvm.option("-Dbackupguard.mdoe=audit"));

        assertThat(p.logged("WARN", "backup-guard: system property backupguard.mdoe is not a backup-guard setting and "
                + "is ignored; did you mean backupguard.mode?")).as("%s", p).hasSize(1);
        assertGuardedBackup(p); // enforce, the default: the mistyped audit changed nothing
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void anInvalidModeRefusesEveryBackupSessionAndOrdinaryStatementsPass(Path path) throws Exception {
        Probe p = Probe.backup(path, jvm -> jvm.env("BACKUPGUARD_MODE", "enforse"));

        assertThat(p.logged("ERROR", "backup-guard configuration error: environment variable BACKUPGUARD_MODE is "
                + "'enforse', not enforce, block, audit; every backup session is refused until it is corrected "
                + "(backupguard.on-config-error=refuse)")).as("%s", p).hasSize(1);
        assertRefused(p, "environment variable BACKUPGUARD_MODE is 'enforse', not enforce, block, audit");
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void enabledMaybeIsAnErrorNotAnOff(Path path) throws Exception {
        Probe p = Probe.backup(path, jvm -> jvm.option("-Dbackupguard.enabled=maybe"));

        assertThat(p.logged("ERROR", "system property backupguard.enabled is 'maybe', not true or false")).as("%s", p)
                .hasSize(1);
        assertRefused(p, "system property backupguard.enabled is 'maybe'");
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void anUnknownRuleIsAWarningAboutTheRuleAndChangesNothing(Path path) throws Exception {
        Probe p = Probe.backup(path, jvm -> jvm.env("BACKUPGUARD_RULE_X", "off")
                .option("-Dbackupguard.rule.no-such-rule=off"));

        assertThat(p.logged("WARN", "backup-guard: environment variable BACKUPGUARD_RULE_X names no rule: 'x' is "
                + "unknown and the setting is ignored")).as("%s", p).hasSize(1);
        assertThat(p.logged("WARN", "backup-guard: system property backupguard.rule.no-such-rule names no rule: "
                + "'no-such-rule' is unknown")).as("%s", p).hasSize(1);
        assertThat(p.result().err()).doesNotContain("'off'");
        assertGuardedBackup(p);
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void numbersOutsideTheirBoundsAreErrorsNamingTheRange(Path path) throws Exception {
        Probe p = Probe.backup(path, jvm -> jvm.env("BACKUPGUARD_LOCK_HOLD_MS", "9223372036854775807")
                .option("-Dbackupguard.lock.retries=4294967297").env("BACKUPGUARD_TRACE_QUEUE", "3000000000"));

        assertThat(p.logged("ERROR", "environment variable BACKUPGUARD_LOCK_HOLD_MS is '9223372036854775807', not 1 "
                + "to 86400000;")).as("%s", p).hasSize(1);
        assertThat(p.logged("ERROR", "system property backupguard.lock.retries is '4294967297', not 0 to 100;"))
                .as("%s", p).hasSize(1);
        assertThat(p.logged("ERROR", "environment variable BACKUPGUARD_TRACE_QUEUE is '3000000000', not 16 to "
                + "1048576;")).as("%s", p).hasSize(1);
        assertRefused(p, "BACKUPGUARD_LOCK_HOLD_MS", "backupguard.lock.retries", "BACKUPGUARD_TRACE_QUEUE");
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void enabledFalseIsAWarningNamingItsSource(Path path) throws Exception {
        Probe p = Probe.backup(path, jvm -> jvm.env("BACKUPGUARD_ENABLED", "false"));

        assertThat(p.logged("WARN", "backup-guard is OFF: environment variable BACKUPGUARD_ENABLED is 'false'"))
                .as("%s", p).hasSize(1);
        assertThat(p.guarded()).isFalse();
        assertThat(p.answer("BACKUP")).isEqualTo("ok");
        assertThat(p.snapshotStarted()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void onConfigErrorDefaultsGoesOnGuardingWithTheDefault(Path path) throws Exception {
        Probe p = Probe.backup(path, jvm -> jvm.env("BACKUPGUARD_MODE", "enforse")
                .option("-Dbackupguard.on-config-error=defaults"));

        assertThat(p.logged("ERROR", "environment variable BACKUPGUARD_MODE is 'enforse', not enforce, block, audit; "
                + "the default 'enforce' applies (backupguard.on-config-error=defaults)")).as("%s", p).hasSize(1);
        assertGuardedBackup(p);
    }

    @ParameterizedTest
    @EnumSource(Path.class)
    void onConfigErrorOffTurnsTheGuardOffAndSaysSo(Path path) throws Exception {
        Probe p = Probe.backup(path, jvm -> jvm.env("BACKUPGUARD_MODE", "enforse")
                .env("BACKUPGUARD_ON_CONFIG_ERROR", "off"));

        assertThat(p.logged("ERROR", "environment variable BACKUPGUARD_MODE is 'enforse', not enforce, block, audit; "
                + "backup-guard is OFF (backupguard.on-config-error=off)")).as("%s", p).hasSize(1);
        assertThat(p.guarded()).isFalse();
        assertThat(p.snapshotStarted()).isFalse();
    }

    @Test
    void agentArgumentsAreNamedAsSuchAndTheStartUpLineSaysBackupSessionsAreRefused() throws Exception {
        Probe p = Probe.backup(Path.AGENT, jvm -> jvm.withAgent("mode=enforse,rule.x=off"));

        assertThat(p.logged("ERROR", "backup-guard configuration error: agent argument mode is 'enforse', not enforce,"
                + " block, audit")).as("%s", p).hasSize(1);
        assertThat(p.logged("WARN", "backup-guard: agent argument rule.x names no rule: 'x' is unknown")).hasSize(1);
        assertThat(p.logged("WARN", "backup-guard agent " + System.getProperty("backupguard-test.version") + " on Java")).as("%s", p).singleElement()
                .asString().contains("backup-guard refuses backup sessions: its configuration has errors: agent "
                        + "argument mode is 'enforse'");
        assertRefused(p, "agent argument mode is 'enforse'");
    }

    /**
     * Each driver's own spelling of true for allowMultiQueries (MySQL Connector/J: yes; MariaDB Connector/J: 1):
     * the guard sees the FLUSH TABLES WITH READ LOCK behind the ordinary first statement and sends it as a
     * statement of its own, under the lock guard, instead of passing the whole text unseen. (The global-lock
     * snapshot way makes the guard send the job's FTWRL; on MariaDB the default way absorbs it.)
     */
    @ParameterizedTest
    @EnumSource(Path.class)
    void multiStatementTextIsReadWithTheDriversOwnBooleans(Path path) throws Exception {
        for (JdbcDriver driver : JdbcDriver.values()) {
            String on = driver == JdbcDriver.MYSQL ? "allowMultiQueries=yes" : "allowMultiQueries=1";
            Probe p = Probe.run(path, "multi", driver, on, jvm -> jvm.option("-Dbackupguard.snapshot.way=global-lock"));

            assertThat(p.guarded()).as("%s", p).isTrue();
            assertThat(p.answer("MULTI")).as("%s", p).isEqualTo("ok");
            List<String> sent = server.generalLog().stream().filter(GeneralLogEntry::isQuery)
                    .map(GeneralLogEntry::argument).filter(a -> a.contains("FLUSH TABLES WITH READ LOCK")).toList();
            assertThat(sent).as("%s with %s: %s", driver, on, p).contains("FLUSH TABLES WITH READ LOCK")
                    .doesNotContain(ConfigurationProbeMain.MULTI);
        }
    }
}
