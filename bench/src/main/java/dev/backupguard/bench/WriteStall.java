package dev.backupguard.bench;

import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Item 5: a concurrent writer's latencies while a backup runs, with and without a long write query running on the
 * server. The writer does short autocommit UPDATEs on a table of its own ({@code ticks}) in a loop; the long query is
 * {@code UPDATE slow SET c = c + SLEEP(n) WHERE id = 1} on another table: a write, because on MariaDB FTWRL waits for
 * running writes, not for SELECTs (server fact 4). A waiting FTWRL blocks every new write on the server, so a backup
 * that sends FTWRL while the long query runs stalls the writer for as long as the long query has left.
 */
public final class WriteStall {

    private WriteStall() {
    }

    public static void main(String[] args) throws Exception {
        Sizes sizes = BenchSuite.sizes(args);
        try (MariaDbServer server = MariaDbServer.start()) {
            System.out.println(run(server, sizes).render());
        }
    }

    static List<BackupRun> scenarios() {
        return List.of(
                BackupRun.unguarded(LegacyJob.LOCK_WHOLE_DUMP, JdbcDriver.MARIADB),
                BackupRun.guarded(LegacyJob.LOCK_WHOLE_DUMP, JdbcDriver.MARIADB, "way auto", LockWindow.AUTO),
                BackupRun.guarded(LegacyJob.LOCK_WHOLE_DUMP, JdbcDriver.MARIADB, "way global-lock",
                        LockWindow.GLOBAL_LOCK),
                BackupRun.mariadbDump("--single-transaction", "--master-data=2"),
                BackupRun.mariadbDump("--single-transaction", "--master-data=2", "--flush-logs"));
    }

    /** One scenario's measurements over its repetitions. */
    private record Figures(List<Double> maxMillis, List<Double> p99Millis, List<Double> writes, List<Double> seconds) {
        Figures() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    public static Section run(MariaDbServer server, Sizes sizes) throws Exception {
        if (!server.queryString("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '"
                + LockWindow.DATABASE + "'").equals("1")) {
            LockWindow.createBank(server, sizes.bankAccounts());
        }
        String db = LockWindow.DATABASE;
        server.execute("DROP TABLE IF EXISTS " + db + ".ticks, " + db + ".slow",
                "CREATE TABLE " + db + ".ticks (id INT PRIMARY KEY, n BIGINT NOT NULL) ENGINE=InnoDB",
                "INSERT INTO " + db + ".ticks SELECT seq, 0 FROM " + db + ".seq_1_to_100",
                "CREATE TABLE " + db + ".slow (id INT PRIMARY KEY, c BIGINT NOT NULL) ENGINE=InnoDB",
                "INSERT INTO " + db + ".slow VALUES (1, 0), (2, 0)");
        List<BackupRun> scenarios = scenarios();
        Map<String, Figures> figures = new LinkedHashMap<>();
        server.execute("SET GLOBAL general_log = 0");
        try {
            for (int rep = 0; rep < sizes.stallRepetitions(); rep++) {
                for (boolean longQuery : new boolean[] {false, true}) {
                    for (BackupRun s : scenarios) {
                        Figures f = figures.computeIfAbsent(key(s, longQuery), k -> new Figures());
                        measure(server, s, longQuery ? sizes.longQuery() : null, f);
                    }
                }
            }
        } finally {
            server.execute("SET GLOBAL general_log = 1");
        }
        MarkdownTable table = new MarkdownTable("backup", "long write running", "writer's longest write ms",
                "writer's p99 ms", "writes during the backup", "backup took s");
        for (boolean longQuery : new boolean[] {false, true}) {
            for (BackupRun s : scenarios) {
                Figures f = figures.get(key(s, longQuery));
                table.row(s.label(), longQuery ? sizes.longQuery().toSeconds() + " s UPDATE" : "none",
                        Stats.of(f.maxMillis()).format(1), Stats.of(f.p99Millis()).format(2),
                        Stats.of(f.writes()).format(0), Stats.of(f.seconds()).format(2));
            }
        }
        String md = table + "\n"
                + "The writer: one MariaDB C/J connection in a JVM of its own (so the benchmark JVM's garbage"
                + " collections are not counted as write latency), autocommit `UPDATE ticks SET n = n + 1 WHERE id = ?`"
                + " in a loop from just before the backup starts until it ends; latencies of every write in that time."
                + " The long write: `UPDATE slow SET c = c + SLEEP(" + sizes.longQuery().toSeconds() + ") WHERE id = 1`"
                + " on another connection, started first and seen running in the processlist before the backup"
                + " starts, killed (KILL QUERY) after the backup if still running. Medians over "
                + sizes.stallRepetitions() + " runs (min–max). Bank of " + sizes.bankAccounts() + " accounts;"
                + " general log off. The unguarded `LOCK_WHOLE_DUMP` job holds FTWRL for its whole dump; mariadb-dump"
                + " `--single-transaction --master-data=2` takes no global lock on MariaDB (server fact 8), with"
                + " `--flush-logs` it does.\n";
        return new Section(5, "Write stall of a concurrent writer", md);
    }

    private static String key(BackupRun s, boolean longQuery) {
        return s.label() + "|" + longQuery;
    }

    private static void measure(MariaDbServer server, BackupRun backup, Duration longQuery, Figures figures)
            throws Exception {
        LongWrite slow = longQuery == null ? null : LongWrite.start(server, longQuery);
        try (Writer writer = new Writer(server)) {
            writer.start();
            long t0 = System.nanoTime();
            backup.run(server, LockWindow.DATABASE);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long[] latencies = writer.stop();
            if (latencies.length == 0) {
                throw new IllegalStateException("the writer wrote nothing during " + backup.label());
            }
            Arrays.sort(latencies);
            figures.maxMillis().add(latencies[latencies.length - 1] / 1e6);
            figures.p99Millis().add(latencies[(int) Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)] / 1e6);
            figures.writes().add((double) latencies.length);
            figures.seconds().add(seconds);
        } finally {
            if (slow != null) {
                slow.end();
            }
        }
    }

    /** The writer in its own JVM ({@link WriterMain}): the benchmark JVM's GC pauses must not count as write latency. */
    private static final class Writer implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final PrintWriter in;

        Writer(MariaDbServer server) throws IOException {
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(javaBin, "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    WriterMain.class.getName(), server.url(JdbcDriver.MARIADB, LockWindow.DATABASE), MariaDbServer.ROOT_USER)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            in.println(server.rootPassword()); // on stdin, never on the command line
            expect("ready");
        }

        /** Returns once the first write is done: the writer is under way before the backup starts. */
        void start() throws IOException {
            in.println("start");
            expect("started");
        }

        /** Stops after the write in flight; the latencies (ns) of every write. */
        long[] stop() throws IOException {
            in.println("stop");
            String line = out.readLine();
            if (line == null || !line.startsWith("latencies")) {
                throw new IllegalStateException("the writer failed: " + line);
            }
            String[] f = line.trim().split(" ");
            long[] latencies = new long[f.length - 1];
            for (int i = 1; i < f.length; i++) {
                latencies[i - 1] = Long.parseLong(f[i]);
            }
            return latencies;
        }

        private void expect(String word) throws IOException {
            String line = out.readLine();
            if (!word.equals(line)) {
                throw new IllegalStateException("the writer said '" + line + "', expected '" + word + "'");
            }
        }

        @Override
        public void close() {
            in.close();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The long write, on a thread of its own until it ends or is killed. */
    private static final class LongWrite {
        private final MariaDbServer server;
        private final Connection connection;
        private final long threadId;
        private final Thread thread;

        private LongWrite(MariaDbServer server, Connection connection, long threadId, Thread thread) {
            this.server = server;
            this.connection = connection;
            this.threadId = threadId;
            this.thread = thread;
        }

        static LongWrite start(MariaDbServer server, Duration duration) throws SQLException {
            Connection c = new JobConnections(server, LockWindow.DATABASE).raw(JdbcDriver.MARIADB);
            long id = MariaDbServer.threadId(c);
            Thread t = new Thread(() -> {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("UPDATE slow SET c = c + SLEEP(" + duration.toSeconds() + ") WHERE id = 1");
                } catch (SQLException e) {
                    // 1317 when killed after the backup: expected
                }
            }, "bench-long-write");
            t.start();
            LongWrite w = new LongWrite(server, c, id, t);
            w.awaitRunning();
            return w;
        }

        private void awaitRunning() {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                String state = server.queryString("SELECT state FROM information_schema.processlist WHERE id = "
                        + threadId + " AND info LIKE 'UPDATE slow%'");
                if ("User sleep".equals(state)) {
                    return;
                }
                LockSupport.parkNanos(1_000_000);
            }
            throw new IllegalStateException("the long write did not start sleeping within 30 s");
        }

        void end() throws SQLException, InterruptedException {
            if (thread.isAlive()) {
                server.execute("KILL QUERY " + threadId);
            }
            thread.join(Duration.ofMinutes(1).toMillis());
            connection.close();
        }
    }
}
