package dev.backupguard.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Item 6: the JVM start-up time the agent adds. Starts {@link StartupProbe} in a fresh JVM, alternately with and
 * without {@code -javaagent:agent/target/backup-guard-agent.jar}, and times each process from start to exit. When the
 * agent jar is not built in this work tree, the section says so ("pending merge").
 */
public final class AgentStartup {

    static final Path AGENT_JAR = Path.of("agent/target/backup-guard-agent.jar");

    private AgentStartup() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run(BenchSuite.sizes(args)).render());
    }

    /** The agent jar, looked up from the working directory (the repository root or the bench module). */
    static Path agentJar() {
        String configured = System.getProperty("bench.agent.jar");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path here = AGENT_JAR.toAbsolutePath();
        return Files.exists(here) ? here : Path.of("..").resolve(AGENT_JAR).toAbsolutePath().normalize();
    }

    public static Section run(Sizes sizes) throws Exception {
        Path agent = agentJar();
        if (!Files.isRegularFile(agent)) {
            return new Section(6, "Agent start-up", "**Pending merge**: no agent jar at `" + AGENT_JAR
                    + "` in this work tree (the -javaagent is built on the `agent` branch). Once it is, the same"
                    + " command measures it: " + sizes.startupRuns() + " JVM starts of `StartupProbe` with and"
                    + " without `-javaagent`, alternating.\n");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = probeClasspath();
        List<Double> plain = new ArrayList<>();
        List<Double> withAgent = new ArrayList<>();
        List<Double> added = new ArrayList<>();
        start(java, classpath, null); // warm the file cache for both
        start(java, classpath, agent);
        for (int i = 0; i < sizes.startupRuns(); i++) {
            boolean agentFirst = i % 2 == 1;
            double a = start(java, classpath, agentFirst ? agent : null);
            double b = start(java, classpath, agentFirst ? null : agent);
            double p = agentFirst ? b : a;
            double w = agentFirst ? a : b;
            plain.add(p);
            withAgent.add(w);
            added.add(w - p);
        }
        MarkdownTable table = new MarkdownTable("JVM start to exit", "ms");
        table.row("without agent", Stats.of(plain).format(0));
        table.row("with `-javaagent`", Stats.of(withAgent).format(0));
        table.row("added by the agent (paired)", Stats.of(added).format(0));
        String md = table + "\n" + sizes.startupRuns() + " starts per arm, alternating; medians (min–max). The probe"
                + " loads both JDBC drivers and exits; class path: the probe and the two driver jars.\n";
        return new Section(6, "Agent start-up", md);
    }

    private static double start(String java, String classpath, Path agent) throws Exception {
        List<String> command = new ArrayList<>(List.of(java, "-Xshare:auto"));
        if (agent != null) {
            command.add("-javaagent:" + agent);
        }
        command.addAll(List.of("-cp", classpath, StartupProbe.class.getName()));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the start-up probe did not exit");
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (p.exitValue() != 0 || !out.contains("drivers ")) {
            throw new IllegalStateException("the start-up probe failed (exit " + p.exitValue() + "): " + out
                    + (agent == null ? "" : " [agent " + agent + "]"));
        }
        return ms;
    }

    /** The probe's own class path: its classes and the two driver jars, nothing else to scan. */
    static String probeClasspath() throws Exception {
        List<String> entries = new ArrayList<>();
        for (String name : List.of(StartupProbe.class.getName(), "org.mariadb.jdbc.Driver", "com.mysql.cj.jdbc.Driver")) {
            Class<?> c = Class.forName(name, false, AgentStartup.class.getClassLoader());
            entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return String.join(File.pathSeparator, entries);
    }
}
