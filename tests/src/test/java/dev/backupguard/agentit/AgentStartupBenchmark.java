package dev.backupguard.agentit;

import dev.backupguard.agentit.apps.EmptyAgent;
import dev.backupguard.agentit.apps.OneConnectionMain;
import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.jdbc.BackupGuardDriver;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the agent adds to the start of a JVM: {@link OneConnectionMain} (open one connection through DriverManager,
 * {@code SELECT 1}, exit) started again and again, with and without {@code -javaagent:backup-guard-agent.jar}, on each
 * JDK of {@link ChildJvm#jdks()}; also the same JVMs exiting without connecting (premain alone). The variants are
 * interleaved run by run so that load from other processes hits them alike; the first rounds are discarded. Reports
 * the median and the 10th/90th percentiles of process wall time, and the agent's own "installed in" figure. An agent
 * that does nothing ({@link EmptyAgent}) is the floor: what any -javaagent costs.
 *
 * <p>{@code mvn -B -ntp -pl tests -am -DskipTests -Pagent-startup verify} ({@code -Dbench.runs=N}, default 30).
 */
public final class AgentStartupBenchmark {

    private static final Pattern INSTALLED = Pattern.compile("installed in (\\d+\\.\\d) ms");

    private AgentStartupBenchmark() {
    }

    /**
     * What is compared: no agent; an agent that does nothing; the library instead of the agent (the same program with a
     * {@code jdbc:backupguard:} URL and the proxy jar: the guard's own cost, without the agent's); the agent.
     */
    enum Agent { NONE, EMPTY_AGENT, LIBRARY, BACKUP_GUARD }

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("bench.runs", 30);
        int warmup = Integer.getInteger("bench.warmup", 3);
        Path empty = emptyAgentJar();
        MariaDbServer server = MariaDbServer.shared();
        try {
            String url = server.url(JdbcDriver.MARIADB, "");
            StringBuilder report = new StringBuilder();
            report.append(String.format(Locale.ROOT, "%n%d runs per variant (after %d discarded), interleaved; %d cores, "
                    + "load average %s at the start%n%n", runs, warmup, Runtime.getRuntime().availableProcessors(),
                    loadAverage()));
            report.append("| JDK | program | time | no agent | empty agent | library (jdbc:backupguard:) | backup-guard agent "
                    + "| agent minus no agent | agent minus empty agent | agent minus library | agent's own \"installed in\" |\n"
                    + "|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (Path jdk : ChildJvm.jdks()) {
                Map<String, List<Double>> ms = new LinkedHashMap<>();
                Map<String, List<Double>> cpu = new LinkedHashMap<>();
                List<Double> installed = new ArrayList<>();
                for (int round = 0; round < warmup + runs; round++) {
                    for (boolean connect : new boolean[]{true, false}) {
                        for (Agent agent : Agent.values()) {
                            if (agent == Agent.LIBRARY && !connect) {
                                continue; // without a connection the library is never loaded: it is "no agent"
                            }
                            ChildJvm jvm = ChildJvm.on(jdk).classPathOf(OneConnectionMain.class, org.mariadb.jdbc.Driver.class)
                                    .option("-Dbench.cpu=true");
                            String jdbcUrl = url;
                            if (agent == Agent.BACKUP_GUARD) {
                                jvm.withAgent(null);
                            } else if (agent == Agent.EMPTY_AGENT) {
                                jvm.withAgentJar(empty);
                            } else if (agent == Agent.LIBRARY) {
                                jvm.classPathOf(BackupGuard.class, org.slf4j.LoggerFactory.class);
                                jdbcUrl = BackupGuardDriver.PREFIX + url.substring("jdbc:".length());
                            }
                            ChildJvm.Result r = connect
                                    ? jvm.run(OneConnectionMain.class, jdbcUrl, server.rootUser(), server.rootPassword())
                                    : jvm.run(OneConnectionMain.class);
                            if (r.exit() != 0) {
                                throw new IllegalStateException(r.toString());
                            }
                            if (round >= warmup) {
                                ms.computeIfAbsent(connect + "/" + agent, k -> new ArrayList<>()).add(r.nanos() / 1e6);
                                cpu.computeIfAbsent(connect + "/" + agent, k -> new ArrayList<>())
                                        .add(Double.parseDouble(r.lines("CPU-MS ").get(0)));
                                Matcher m = INSTALLED.matcher(r.err());
                                if (agent == Agent.BACKUP_GUARD && connect && m.find()) {
                                    installed.add(Double.parseDouble(m.group(1)));
                                }
                            }
                        }
                    }
                }
                for (boolean connect : new boolean[]{true, false}) {
                    for (Map<String, List<Double>> measure : List.of(ms, cpu)) {
                        report.append(row(jdk, connect, measure == ms ? "wall" : "CPU", measure,
                                connect && measure == ms ? String.format(Locale.ROOT, "%.1f ms", pct(sorted(installed), 50))
                                        : ""));
                    }
                }
            }
            report.append("\nCells: median (10th-90th percentile). wall: process wall time, start to exit, as seen by the "
                    + "parent; CPU: the process's CPU time over all its threads (JIT and GC included), read at the end of "
                    + "main: less affected by waiting for a core on a busy machine.\n");
            System.out.println(report);
        } finally {
            server.close();
        }
    }

    private static String row(Path jdk, boolean connect, String what, Map<String, List<Double>> measure, String installed) {
        double[] none = sorted(measure.get(connect + "/" + Agent.NONE));
        double[] base = sorted(measure.get(connect + "/" + Agent.EMPTY_AGENT));
        double[] guard = sorted(measure.get(connect + "/" + Agent.BACKUP_GUARD));
        double[] library = connect ? sorted(measure.get(connect + "/" + Agent.LIBRARY)) : null;
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %+.0f ms | %+.0f ms | %s | %s |%n",
                jdk.getFileName(), connect ? "opens one connection" : "exits at once", what, cell(none), cell(base),
                library == null ? "" : cell(library), cell(guard), pct(guard, 50) - pct(none, 50),
                pct(guard, 50) - pct(base, 50),
                library == null ? "" : String.format(Locale.ROOT, "%+.0f ms", pct(guard, 50) - pct(library, 50)), installed);
    }

    private static String cell(double[] sorted) {
        return String.format(Locale.ROOT, "%.0f ms (%.0f-%.0f)", pct(sorted, 50), pct(sorted, 10), pct(sorted, 90));
    }

    /** A jar whose manifest names {@link EmptyAgent}, found on the child's class path. */
    private static Path emptyAgentJar() throws java.io.IOException {
        Path jar = ChildJvm.TEST_CLASSES.resolveSibling("empty-agent.jar");
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", EmptyAgent.class.getName());
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(jar);
             java.util.jar.JarOutputStream j = new java.util.jar.JarOutputStream(out, manifest)) {
            j.flush();
        }
        return jar;
    }

    private static double[] sorted(List<Double> values) {
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a;
    }

    /** Nearest-rank percentile. */
    private static double pct(double[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.1f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
    }
}
