package dev.backupguard.agentit;

import dev.backupguard.agentit.apps.OneConnectionMain;
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
 * the median and the 10th/90th percentiles of process wall time, and the agent's own "installed in" figure.
 *
 * <p>{@code mvn -B -ntp -pl tests -am -DskipTests -Pagent-startup verify} ({@code -Dbench.runs=N}, default 30).
 */
public final class AgentStartupBenchmark {

    private static final Pattern INSTALLED = Pattern.compile("installed in (\\d+\\.\\d) ms");

    private AgentStartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.getInteger("bench.runs", 30);
        int warmup = Integer.getInteger("bench.warmup", 3);
        MariaDbServer server = MariaDbServer.shared();
        try {
            String url = server.url(JdbcDriver.MARIADB, "");
            StringBuilder report = new StringBuilder();
            report.append(String.format(Locale.ROOT, "%n%d runs per variant (after %d discarded), %d cores, load %s%n%n",
                    runs, warmup, Runtime.getRuntime().availableProcessors(), loadAverage()));
            report.append("| JDK | program | no agent: median (p10-p90) | with agent: median (p10-p90) | added (median) "
                    + "| agent's own \"installed in\" (median) |\n|---|---|---|---|---|---|\n");
            for (Path jdk : ChildJvm.jdks()) {
                Map<String, List<Double>> ms = new LinkedHashMap<>();
                List<Double> installed = new ArrayList<>();
                for (int round = 0; round < warmup + runs; round++) {
                    for (boolean connect : new boolean[]{true, false}) {
                        for (boolean agent : new boolean[]{false, true}) {
                            ChildJvm jvm = ChildJvm.on(jdk).classPathOf(OneConnectionMain.class, org.mariadb.jdbc.Driver.class);
                            if (agent) {
                                jvm.withAgent(null);
                            }
                            ChildJvm.Result r = connect
                                    ? jvm.run(OneConnectionMain.class, url, server.rootUser(), server.rootPassword())
                                    : jvm.run(OneConnectionMain.class);
                            if (r.exit() != 0) {
                                throw new IllegalStateException(r.toString());
                            }
                            if (round >= warmup) {
                                ms.computeIfAbsent(connect + "/" + agent, k -> new ArrayList<>()).add(r.nanos() / 1e6);
                                Matcher m = INSTALLED.matcher(r.err());
                                if (agent && connect && m.find()) {
                                    installed.add(Double.parseDouble(m.group(1)));
                                }
                            }
                        }
                    }
                }
                String version = jdk.getFileName().toString();
                for (boolean connect : new boolean[]{true, false}) {
                    double[] plain = sorted(ms.get(connect + "/false"));
                    double[] with = sorted(ms.get(connect + "/true"));
                    report.append(String.format(Locale.ROOT, "| %s | %s | %.0f ms (%.0f-%.0f) | %.0f ms (%.0f-%.0f) | %+.0f ms | %s |%n",
                            version, connect ? "opens one connection" : "exits at once",
                            pct(plain, 50), pct(plain, 10), pct(plain, 90), pct(with, 50), pct(with, 10), pct(with, 90),
                            pct(with, 50) - pct(plain, 50),
                            connect ? String.format(Locale.ROOT, "%.1f ms", pct(sorted(installed), 50)) : ""));
                }
            }
            System.out.println(report);
        } finally {
            server.close();
        }
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
