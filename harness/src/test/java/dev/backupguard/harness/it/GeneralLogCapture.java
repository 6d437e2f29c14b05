package dev.backupguard.harness.it;

import dev.backupguard.testserver.MariaDbServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * Captures the general log of whatever runs inside {@link #capture}, in every form an operator may hand to the audit:
 * the log file ({@code log_output=FILE}, switched on for the capture with {@code SET GLOBAL}), the table exported with
 * {@code mariadb --batch} (TSV), and the CSV engine's own data file of {@code mysql.general_log}.
 *
 * <p>The module's integration tests run in their own JVM with their own shared server, and one at a time; the global
 * settings are restored afterwards all the same, so later tests see {@code log_output=TABLE} as the fixture made it.
 */
final class GeneralLogCapture {

    /** Something that sends statements to the server while the log is captured. */
    @FunctionalInterface
    interface Work {
        void run() throws Exception;
    }

    /** The captured log in its three forms. */
    record Captured(Path file, Path tsv, Path csv) {
        String fileText() throws IOException {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
    }

    private GeneralLogCapture() {
    }

    static Captured capture(MariaDbServer server, Path dir, String name, Work work) throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".log").toAbsolutePath();
        Files.deleteIfExists(file);
        String originalFile = server.queryString("SELECT @@GLOBAL.general_log_file");
        server.execute("SET GLOBAL general_log_file = '" + file + "'",
                "SET GLOBAL log_output = 'FILE,TABLE'",
                "TRUNCATE TABLE mysql.general_log");
        try {
            work.run();
        } finally {
            server.execute("SET GLOBAL log_output = 'TABLE'",
                    "SET GLOBAL general_log_file = '" + originalFile.replace("'", "''") + "'");
        }
        Path tsv = dir.resolve(name + ".tsv");
        run(server.mariadbClientCommand("--batch", "-e", "SELECT * FROM mysql.general_log"), tsv);
        // The CSV engine appends each row to its data file as it is written; the file is the table.
        Path csv = dir.resolve(name + ".csv");
        Files.copy(server.dataDir().resolve("mysql").resolve("general_log.CSV"), csv,
                StandardCopyOption.REPLACE_EXISTING);
        return new Captured(file, tsv, csv);
    }

    /** Runs a client program to completion, its standard output into {@code out}; fails on a non-zero exit. */
    static void run(ProcessBuilder command, Path out) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("bg-client", ".err");
        try {
            Process p = command.redirectOutput(out.toFile()).redirectError(errors.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.command().get(0) + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command.command() + " failed with exit code " + p.exitValue() + ": "
                        + Files.readString(errors));
            }
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /** Runs {@code mariadb-dump} with these options as root, the dump itself into {@code dump}. */
    static void dump(MariaDbServer server, Path dump, String... options) throws IOException, InterruptedException {
        run(server.mariadbDumpCommand(options), dump);
    }
}
