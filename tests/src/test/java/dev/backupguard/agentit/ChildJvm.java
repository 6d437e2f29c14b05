package dev.backupguard.agentit;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A program run in a JVM of its own, with or without {@code -javaagent:backup-guard-agent.jar}. The JDKs the agent
 * must work on are the one running the build and those in the system property {@code backupguard-test.jdks}
 * (comma-separated homes; default: the JDK 17 and JDK 25 of the build machine); a listed JDK that is missing fails
 * the test rather than being skipped. Output goes to {@code target/agent-it/<n>-<name>.out|.err} for reading after a
 * failure.
 */
final class ChildJvm {

    static final String JDKS = "/usr/lib/jvm/java-17-openjdk-amd64,/usr/lib/jvm/temurin-25-jdk-amd64";
    /** tests/target/test-classes. */
    static final Path TEST_CLASSES = locationOf(ChildJvm.class);
    static final Path AGENT_JAR = TEST_CLASSES.getParent().getParent().resolveSibling("agent")
            .resolve("target/backup-guard-agent.jar");
    static final Path LIB = TEST_CLASSES.resolveSibling("agent-it-lib");
    private static final Path OUTPUT = TEST_CLASSES.resolveSibling("agent-it");
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final Path javaHome;
    private final List<String> jvmOptions = new ArrayList<>();
    private final Set<Path> classPath = new LinkedHashSet<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String agentArguments;
    private Path agentJar;

    private ChildJvm(Path javaHome) {
        this.javaHome = javaHome;
    }

    static List<Path> jdks() {
        Set<Path> homes = new LinkedHashSet<>();
        homes.add(Path.of(System.getProperty("java.home")).toAbsolutePath().normalize());
        for (String h : System.getProperty("backupguard-test.jdks", JDKS).split(",")) {
            if (!h.isBlank()) {
                Path home = Path.of(h.trim()).toAbsolutePath().normalize();
                if (!Files.isExecutable(home.resolve("bin/java"))) {
                    throw new IllegalStateException("no JDK at " + home + " (set -Dbackupguard-test.jdks to JDK homes)");
                }
                homes.add(home);
            }
        }
        return List.copyOf(homes);
    }

    static ChildJvm on(Path javaHome) {
        return new ChildJvm(javaHome);
    }

    /** Attaches the agent jar, with {@code arguments} after '=' (null: none). */
    ChildJvm withAgent(String arguments) {
        if (!Files.isRegularFile(AGENT_JAR)) {
            throw new IllegalStateException(AGENT_JAR + " is missing: build the agent module first (mvn verify does)");
        }
        agentJar = AGENT_JAR;
        agentArguments = arguments;
        return this;
    }

    /** Attaches another agent jar instead (the benchmark's baseline). */
    ChildJvm withAgentJar(Path jar) {
        agentJar = jar;
        return this;
    }

    ChildJvm option(String jvmOption) {
        jvmOptions.add(jvmOption);
        return this;
    }

    ChildJvm env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    /** Adds the class path entries the given classes were loaded from. */
    ChildJvm classPathOf(Class<?>... types) {
        for (Class<?> t : types) {
            classPath.add(locationOf(t));
        }
        return this;
    }

    ChildJvm classPath(Path... entries) {
        classPath.addAll(List.of(entries));
        return this;
    }

    Result run(Class<?> main, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin/java").toString());
        if (agentJar != null) {
            command.add("-javaagent:" + agentJar + (agentArguments == null ? "" : "=" + agentArguments));
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()));
        command.add(main.getName());
        command.addAll(List.of(arguments));
        Files.createDirectories(OUTPUT);
        String name = RUNS.incrementAndGet() + "-" + main.getSimpleName();
        Path out = OUTPUT.resolve(name + ".out");
        Path err = OUTPUT.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BACKUPGUARD_"));
        pb.environment().putAll(environment);
        long started = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException("timed out after 180 s: " + command);
        }
        long nanos = System.nanoTime() - started;
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), name, nanos);
    }

    static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a run printed, and how long the process lived (start to exit, wall clock). */
    record Result(int exit, String out, String err, String name, long nanos) {

        /** Lines of stdout after {@code prefix}. */
        List<String> lines(String prefix) {
            return out.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
        }

        List<dev.backupguard.legacy.Dump> dumps() {
            return lines("DUMP ").stream().map(dev.backupguard.legacy.Dump::fromJson).toList();
        }

        /** The class names of the guard layers of each connection, from GUARD-LAYERS lines. */
        List<List<String>> guardLayers() {
            return lines("GUARD-LAYERS ").stream().map(l -> {
                String[] parts = l.split(" ", 2);
                List<String> names = parts.length < 2 || parts[1].isBlank() ? List.of() : List.of(parts[1].split(","));
                if (names.size() != Integer.parseInt(parts[0])) {
                    throw new IllegalStateException("bad GUARD-LAYERS line: " + l);
                }
                return names;
            }).toList();
        }

        @Override
        public String toString() {
            return "run " + name + " exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
