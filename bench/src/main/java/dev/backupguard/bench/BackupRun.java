package dev.backupguard.bench;

import dev.backupguard.legacy.Dump;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One way of backing up the bank database that the lock-window and write-stall benchmarks compare: a legacy JDBC job
 * raw or under backup-guard, or a command-line dumper. {@link #run} returns when the backup is complete.
 */
interface BackupRun {

    String label();

    void run(MariaDbServer server, String database) throws Exception;

    /** A legacy job shape ({@link LegacyJob}) on the raw driver. */
    static BackupRun unguarded(LegacyJob job, JdbcDriver driver) {
        return new Jdbc("`" + job + "`, unguarded (" + Jdbc.name(driver) + ")", job, driver, null);
    }

    /** A legacy job shape under backup-guard with these settings ({@code backupguard.*} keys). */
    static BackupRun guarded(LegacyJob job, JdbcDriver driver, String how, Map<String, String> settings) {
        return new Jdbc("`" + job + "`, guarded, " + how + " (" + Jdbc.name(driver) + ")", job, driver, settings);
    }

    /** The bundled mariadb-dump 11.4.5 with these options, output discarded. */
    static BackupRun mariadbDump(String... options) {
        return new CommandLine("`mariadb-dump " + String.join(" ", options) + "`", null, List.of(options));
    }

    /** mydumper from the PATH (Debian's package), if installed. */
    static Optional<BackupRun> mydumper(String... options) {
        return CommandLine.onPath("mydumper").map(p -> new CommandLine("`mydumper " + String.join(" ", options)
                + "` (" + CommandLine.version(p) + ")", p, List.of(options)));
    }

    record Jdbc(String label, LegacyJob job, JdbcDriver driver, Map<String, String> settings) implements BackupRun {

        static String name(JdbcDriver driver) {
            return driver == JdbcDriver.MYSQL ? "MySQL C/J" : "MariaDB C/J";
        }

        @Override
        public void run(MariaDbServer server, String database) throws SQLException {
            JobConnections connections = new JobConnections(server, database);
            try (Connection c = settings == null ? connections.raw(driver) : connections.guarded(driver, settings)) {
                Dump dump = job.run(c, LegacyJob.Hooks.NONE, 0);
                if (dump.rows("checking").isEmpty()) {
                    throw new IllegalStateException(label + " dumped nothing");
                }
            }
        }
    }

    /** A dump program started with the server's client option file (the password stays off the command line). */
    record CommandLine(String label, Path program, List<String> options) implements BackupRun {

        @Override
        public void run(MariaDbServer server, String database) throws IOException, InterruptedException {
            List<String> args = new ArrayList<>(options);
            ProcessBuilder pb;
            Path outDir = null;
            if (program == null) {
                args.add(database);
                pb = server.mariadbDumpCommand(args.toArray(String[]::new)).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            } else {
                // mydumper writes files: a fresh directory per run. The system's own client libraries, not the
                // bundled server's (no LD_LIBRARY_PATH).
                outDir = Files.createTempDirectory("bench-mydumper");
                List<String> command = new ArrayList<>(List.of(program.toString(),
                        "--defaults-file=" + server.clientOptionsFile(), "-B", database, "-o", outDir.toString()));
                command.addAll(args);
                pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            Path err = Files.createTempFile("bench-dump", ".err");
            try {
                Process p = pb.redirectError(err.toFile()).start();
                if (!p.waitFor(10, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(label + " did not finish in 10 minutes");
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(label + " failed with exit code " + p.exitValue() + ": "
                            + Files.readString(err).strip());
                }
            } finally {
                Files.deleteIfExists(err);
                if (outDir != null) {
                    deleteTree(outDir);
                }
            }
        }

        static Optional<Path> onPath(String name) {
            String path = System.getenv("PATH");
            if (path == null) {
                return Optional.empty();
            }
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }

        static String version(Path program) {
            try {
                Process p = new ProcessBuilder(program.toString(), "--version").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes()).strip();
                p.waitFor(10, TimeUnit.SECONDS);
                return out.isEmpty() ? program.toString() : out.split("\n")[0];
            } catch (IOException e) {
                return program.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return program.toString();
            }
        }

        private static void deleteTree(Path dir) throws IOException {
            try (var files = Files.walk(dir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
