package dev.backupguard.agent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program in a JVM of its own. The JDKs the agent must work on are the one running the build and those listed
 * in the system property {@code backupguard-test.jdks} (comma-separated homes; default: the JDK 17 and JDK 25 of the
 * build machine). A listed JDK that is missing fails the test: it is not skipped.
 */
record Jvm(Path home) {

    static final String JDKS = "/usr/lib/jvm/java-17-openjdk-amd64,/usr/lib/jvm/temurin-25-jdk-amd64";

    static List<Jvm> all() {
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
        return homes.stream().map(Jvm::new).toList();
    }

    /** The class path entry (directory or jar) a class was loaded from. */
    static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    record Result(int exit, String out, String err) {
    }

    Result run(List<String> jvmArguments, String classPath, String mainClass, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/java").toString());
        command.addAll(jvmArguments);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(List.of(arguments));
        Path out = Files.createTempFile("agent-it-", ".out");
        Path err = Files.createTempFile("agent-it-", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Override
    public String toString() {
        return home.toString();
    }
}
