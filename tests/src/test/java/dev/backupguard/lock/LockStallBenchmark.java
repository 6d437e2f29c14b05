package dev.backupguard.lock;

import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.testserver.MariaDbServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The stall of seeds 004, measured: a write that runs {@code LONG_WRITE_SECONDS} (UPDATE t SET c = c + SLEEP(20)
 * WHERE id = 1), a backup that needs the global read lock starting once it has run 2 s, and a writer issuing short
 * updates of another row in a loop. The figure is the longest time one of the writer's updates took, per way of
 * taking the backup: a naive job, mariadb-dump --lock-all-tables, and backup-guard with several settings.
 *
 * <p>Run: {@code mvn -B -ntp -pl tests -am test-compile dependency:build-classpath -Dmdep.includeScope=test
 * -Dmdep.outputFile=target/test.classpath -Dsurefire.skip} then
 * {@code java -cp tests/target/test-classes:tests/target/classes:$(cat tests/target/test.classpath)
 * dev.backupguard.lock.LockStallBenchmark [seconds]} (about 25 s per scenario with the default 20 s write).
 */
public final class LockStallBenchmark {

    private static final int DEFAULT_LONG_WRITE_SECONDS = 20;
    private static final long START_AFTER_MS = 2000;

    private LockStallBenchmark() {
    }

    /** One way of taking the backup. */
    private interface Backup {
        String run(LockScenario s) throws Exception;
    }

    private record Scenario(String name, Backup backup) {
    }

    private record Figure(String scenario, long longestWriteMs, long writes, long backupMs, String outcome) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_LONG_WRITE_SECONDS;
        List<Scenario> scenarios = List.of(
                new Scenario("naive job: FTWRL, SHOW MASTER STATUS, START TRANSACTION WITH CONSISTENT SNAPSHOT, "
                        + "UNLOCK TABLES (no guard)", LockStallBenchmark::naive),
                new Scenario("mariadb-dump --lock-all-tables (FTWRL, no bound)", LockStallBenchmark::mariadbDump),
                new Scenario("backup-guard, snapshot.way=global-lock, defaults (lock.wait-ms=1000, "
                        + "long-query-seconds=60)", s -> guarded(s, Map.of("snapshot.way", "global-lock"))),
                new Scenario("backup-guard, global-lock, lock.long-query-seconds=1 (preflight waits)",
                        s -> guarded(s, Map.of("snapshot.way", "global-lock", "lock.long-query-seconds", "1"))),
                new Scenario("backup-guard, global-lock, lock.long-query-seconds=1, lock.kill-long-queries=true",
                        s -> guarded(s, Map.of("snapshot.way", "global-lock", "lock.long-query-seconds", "1",
                                "lock.kill-long-queries", "true"))),
                new Scenario("backup-guard, defaults (snapshot.way=auto: no FTWRL on MariaDB)",
                        s -> guarded(s, Map.of())));
        List<Figure> figures = new ArrayList<>();
        try (MariaDbServer server = MariaDbServer.start()) {
            String db = server.createDatabase("lock_stall_bench");
            for (Scenario sc : scenarios) {
                figures.add(measure(server, db, sc, seconds));
                System.out.println(figures.get(figures.size() - 1));
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Long write: UPDATE t SET c = c + SLEEP(%d) WHERE id = 1; backup starts after "
                + "it ran %d ms; MariaDB %s%n%n", seconds, START_AFTER_MS, MariaDbServer.VERSION);
        System.out.println("| backup | longest wait of a concurrent write | writes done | backup took | outcome |");
        System.out.println("|---|---:|---:|---:|---|");
        for (Figure f : figures) {
            System.out.printf(Locale.ROOT, "| %s | %,d ms | %,d | %,d ms | %s |%n", f.scenario(), f.longestWriteMs(),
                    f.writes(), f.backupMs(), f.outcome());
        }
    }

    private static Figure measure(MariaDbServer server, String db, Scenario sc, int seconds) throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            LockScenario.LongWrite longWrite = s.longWrite(seconds);
            LockScenario.Writer writer = s.writer();
            s.awaitRunning(longWrite, START_AFTER_MS);
            long t0 = System.nanoTime();
            String outcome;
            try {
                outcome = sc.backup().run(s);
            } catch (SQLException e) {
                outcome = "refused: " + e.getMessage().replaceAll("\\s+", " ");
                outcome = outcome.length() > 160 ? outcome.substring(0, 160) + "..." : outcome;
            }
            long backupMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            SQLException longWriteError = longWrite.outcome();
            long longest = writer.stop();
            if (longWriteError != null) {
                outcome += "; long write: error " + longWriteError.getErrorCode();
            }
            return new Figure(sc.name(), longest, writer.count.get(), backupMs, outcome);
        }
    }

    private static String naive(LockScenario s) throws SQLException {
        try (Connection c = s.plain()) {
            LockScenario.exec(c, "SET SESSION lock_wait_timeout = 86400");
            LockScenario.exec(c, "FLUSH TABLES WITH READ LOCK");
            LockScenario.count(c, "SHOW MASTER STATUS");
            LockScenario.exec(c, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
            LockScenario.exec(c, "UNLOCK TABLES");
            int rows = LockScenario.count(c, "SELECT * FROM t");
            LockScenario.exec(c, "COMMIT");
            return "dumped " + rows + " rows";
        }
    }

    private static String mariadbDump(LockScenario s) throws IOException, InterruptedException {
        Process p = s.server.mariadbDumpCommand("--lock-all-tables", s.db).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        String text = new String(out, StandardCharsets.UTF_8);
        return code == 0 && text.contains("INSERT INTO `t`") ? "dumped" : "exit " + code;
    }

    private static String guarded(LockScenario s, Map<String, String> settings) throws SQLException {
        Connection c = s.guarded(settings);
        long id = MariaDbServer.threadId(c);
        int rows = BoundedLockWaitIT.dump(c);
        long cancels = s.events(GuardEvent.LockWaitCancelled.class, id).size();
        long kills = s.events(GuardEvent.QueryKilled.class, id).size();
        String preflight = s.events(GuardEvent.PreflightChecked.class, id).stream().map(GuardEvent.PreflightChecked::outcome)
                .distinct().toList().toString();
        c.close();
        return "dumped " + rows + " rows; FTWRL cancelled " + cancels + "x; queries killed " + kills + "; preflight "
                + preflight + (BackupGuard.lockGuard() instanceof GlobalReadLock ? "" : " (not the default guard!)");
    }
}
