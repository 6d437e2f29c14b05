package dev.backupguard.agent.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded agent jar, attached with -javaagent to a program with a driver of its own, on every JDK of
 * {@link Jvm#all()} (JDK 17 and JDK 25): no database is needed to see premain, the bootstrap bridge, the advice and
 * the guard working, or the agent staying out of the way when it is off or misconfigured.
 */
class AgentSmokeIT {

    /** target/test-classes, wherever the build runs the test from. */
    static final Path TEST_CLASSES = Jvm.locationOf(AgentSmokeIT.class);
    static final Path JAR = TEST_CLASSES.resolveSibling("backup-guard-agent.jar");
    static final String CLASS_PATH = TEST_CLASSES.toString();
    static final String MAIN = "org.example.fakejdbc.SmokeMain";
    static final String GUARDED = "CONNECTION dev.backupguard.agent.shaded.jdbc.GuardedConnection autocommit=true";
    static final String PLAIN = "CONNECTION jdk.proxy";
    /** How the start-up line begins: the build passes the project's version (the parent pom's failsafe settings). */
    static final String STARTUP = "backup-guard agent " + System.getProperty("backupguard-test.version") + " on Java ";

    static List<Jvm> jdks() {
        return Jvm.all();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void anyDriverModeGuardsEachConnectionOnceThroughTheBootstrapBridge(Jvm jvm) throws Exception {
        Jvm.Result r = jvm.run(List.of("-javaagent:" + JAR + "=agent.any-driver=true,mode=audit"), CLASS_PATH, MAIN);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("BRIDGE jdk.internal.loader.ClassLoaders$AppClassLoader");
        assertThat(r.out().lines().filter(l -> l.startsWith("CONNECTION"))).containsExactly(GUARDED, GUARDED);
        // The start-up line: once, at INFO, on stderr since the program has no SLF4J; the settings given are in it.
        assertThat(r.err().lines().filter(l -> l.contains(STARTUP))).singleElement()
                .asString().startsWith("[backup-guard] INFO ").contains("mode=audit", "every java.sql.Driver",
                        "agent arguments {agent.any-driver=true,mode=audit}");
        assertThat(r.err()).doesNotContainIgnoringCase("exception").doesNotContain("WARNING");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void byDefaultOnlyTheNamedDriversAreGuarded(Jvm jvm) throws Exception {
        Jvm.Result r = jvm.run(List.of("-javaagent:" + JAR), CLASS_PATH, MAIN);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("CONNECTION"))).hasSize(2).allMatch(l -> l.startsWith(PLAIN));
        // No connection was guarded: the start-up line waits for one, and comes at exit.
        assertThat(r.err()).contains("[backup-guard] INFO " + STARTUP
                + r.out().lines().filter(l -> l.startsWith("JAVA ")).findFirst().orElseThrow().substring(5));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void enabledFalseTurnsEverythingOff(Jvm jvm) throws Exception {
        Jvm.Result r = jvm.run(List.of("-javaagent:" + JAR + "=agent.any-driver=true", "-Dbackupguard.enabled=false"),
                CLASS_PATH, MAIN);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("CONNECTION"))).hasSize(2).allMatch(l -> l.startsWith(PLAIN));
        assertThat(r.err()).contains("[backup-guard] WARN backup-guard is OFF: system property backupguard.enabled is "
                + "'false'; the connections it applies to are not guarded")
                .contains("[backup-guard] WARN backup-guard agent is OFF and guards nothing");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aBadSettingIsAnErrorAndTheAgentStillGuardsRefusingBackupSessions(Jvm jvm) throws Exception {
        Jvm.Result r = jvm.run(List.of("-javaagent:" + JAR + "=agent.any-driver=true,mode=bogus"), CLASS_PATH, MAIN);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("CONNECTION"))).containsExactly(GUARDED, GUARDED);
        assertThat(r.err()).contains("[backup-guard] ERROR backup-guard configuration error: agent argument mode is "
                + "'bogus', not enforce, block, audit; every backup session is refused until it is corrected "
                + "(backupguard.on-config-error=refuse)");
        assertThat(r.err().lines().filter(l -> l.contains(STARTUP))).singleElement()
                .asString().startsWith("[backup-guard] WARN ").contains("backup-guard refuses backup sessions: its "
                        + "configuration has errors: agent argument mode is 'bogus'");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void theAgentGivenTwiceGuardsOnce(Jvm jvm) throws Exception {
        Jvm.Result r = jvm.run(List.of("-javaagent:" + JAR + "=agent.any-driver=true",
                "-javaagent:" + JAR + "=agent.any-driver=true"), CLASS_PATH, MAIN);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("CONNECTION"))).containsExactly(GUARDED, GUARDED);
        assertThat(r.err()).contains("another backup-guard agent is active in this JVM already; this one stays idle");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void attachedToARunningJvmItRetransformsTheDriverAlreadyLoaded(Jvm jvm) throws Exception {
        Jvm.Result r = jvm.run(List.of("-Djdk.attach.allowAttachSelf=true", "-XX:+EnableDynamicAgentLoading"),
                CLASS_PATH, "org.example.fakejdbc.AttachMain", JAR.toString(), "agent.any-driver=true");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).hasSize(2);
        assertThat(r.out().lines().toList().get(0)).startsWith("BEFORE jdk.proxy");
        assertThat(r.out().lines().toList().get(1)).isEqualTo("AFTER dev.backupguard.agent.shaded.jdbc.GuardedConnection");
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void theJdksAreTheOnesThisTestMeansToCover(Jvm jvm) throws Exception {
        Jvm.Result r = jvm.run(List.of("-javaagent:" + JAR), CLASS_PATH, MAIN);
        assertThat(r.out()).containsPattern("JAVA (17|25)\\b");
    }
}
