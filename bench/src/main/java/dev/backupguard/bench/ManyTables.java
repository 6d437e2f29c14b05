package dev.backupguard.bench;

import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Item 7: a schema of many small tables dumped table by table ({@code SHOW CREATE TABLE}, then
 * {@code SELECT * FROM t}), raw and under backup-guard (default settings: the backup-job role, enforce mode). The
 * guarded job gets what the guard adds per table: a {@code ROLLBACK TO SAVEPOINT} before each new table (releases the
 * metadata locks of the tables already dumped), the table-read bookkeeping and telemetry, and once per session the
 * facts probe with the engine check over the schema. Runs alternate (the order flips every repetition).
 */
public final class ManyTables {

    static final String DATABASE = "bench_many";

    private ManyTables() {
    }

    public static void main(String[] args) throws Exception {
        Sizes sizes = BenchSuite.sizes(args);
        try (MariaDbServer server = MariaDbServer.start()) {
            System.out.println(run(server, sizes).render());
        }
    }

    public static Section run(MariaDbServer server, Sizes sizes) throws Exception {
        long t0 = System.nanoTime();
        createTables(server, sizes.tables());
        double createSeconds = (System.nanoTime() - t0) / 1e9;
        JobConnections connections = new JobConnections(server, DATABASE);
        Map<Arm, List<DumpThroughput.Run>> runs = new EnumMap<>(Arm.class);
        CpuClock clock = CpuClock.of(server);
        server.execute("SET GLOBAL general_log = 0");
        try {
            for (Arm arm : Arm.values()) {
                dump(connections, clock, arm, sizes.tables()); // warm-up of every path, untimed
                runs.put(arm, new ArrayList<>());
            }
            for (int rep = 0; rep < sizes.tableRepetitions(); rep++) {
                // Each arm is compared with the unguarded run of the same user made right before or after it; the
                // order flips every repetition so neither side always runs on a warmer server.
                List<Arm> order = new ArrayList<>(List.of(Arm.values()));
                if (rep % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (Arm arm : order) {
                    runs.get(arm).add(dump(connections, clock, arm, sizes.tables()));
                }
            }
        } finally {
            server.execute("SET GLOBAL general_log = 1");
        }
        MarkdownTable table = new MarkdownTable("job", "s", "time ÷ unguarded, paired runs (goal ≤ 1.05)",
                "ratio of the medians", "CPU ÷ unguarded (client thread + server)", "client thread CPU ÷ unguarded",
                "client thread CPU s", "server CPU s");
        for (Arm arm : Arm.values()) {
            List<DumpThroughput.Run> mine = runs.get(arm);
            List<DumpThroughput.Run> base = runs.get(arm.baseline());
            List<Double> seconds = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            List<Double> cpuRatios = new ArrayList<>();
            List<Double> clientCpuRatios = new ArrayList<>();
            List<Double> clientCpu = new ArrayList<>();
            List<Double> serverCpu = new ArrayList<>();
            for (int i = 0; i < mine.size(); i++) {
                clientCpu.add(mine.get(i).cpu().thread() / 1e9);
                serverCpu.add(mine.get(i).cpu().server() / 1e9);
                seconds.add(mine.get(i).seconds());
                ratios.add(mine.get(i).seconds() / base.get(i).seconds());
                cpuRatios.add((double) mine.get(i).cpu().total() / base.get(i).cpu().total());
                clientCpuRatios.add((double) mine.get(i).cpu().thread() / base.get(i).cpu().thread());
            }
            boolean isBaseline = arm.baseline() == arm;
            table.row(arm.label, Stats.of(seconds).format(2),
                    isBaseline ? "1 (baseline)" : Stats.of(ratios).format(3),
                    isBaseline ? "" : Stats.fmt(Stats.of(seconds).median() / median(base), 3),
                    isBaseline ? "" : Stats.of(cpuRatios).format(3),
                    isBaseline ? "" : Stats.of(clientCpuRatios).format(3), Stats.of(clientCpu).format(2),
                    Stats.of(serverCpu).format(2));
        }
        String md = table + "\n"
                + sizes.tables() + " InnoDB tables of 3 rows (`id INT` key, `VARCHAR(20)`), created in "
                + Stats.fmt(createSeconds, 0) + " s. The job: `SHOW TABLES`, then per table `SHOW CREATE TABLE` and"
                + " `SELECT *`, every row read, on one MariaDB C/J connection. Medians over " + sizes.tableRepetitions()
                + " runs per arm (min–max); every repetition runs each arm once, in an order that flips each time; a"
                + " guarded run is compared with the same user's unguarded run of the same repetition; general log"
                + " off. CPU columns: the job thread's CPU time plus the server process's (`/proc`, 10 ms ticks)."
                + " Guarded: default settings (enforce, backup-job role, way auto). As root the guard sets"
                + " `sql_log_bin=0`, so the ROLLBACK TO SAVEPOINT it sends before each new table releases the metadata"
                + " locks of the tables already dumped (one more round trip per table, as mysqldump). The row with"
                + " `rule.mdl-per-table=audit` is the same root job without that release: every dumped table keeps its"
                + " metadata lock to the end, which is what an unprivileged user gets anyway on MariaDB with the binary"
                + " log on (server fact 3d).\n";
        return new Section(7, "Many tables", md);
    }

    private static double median(List<DumpThroughput.Run> runs) {
        return Stats.of(runs.stream().map(DumpThroughput.Run::seconds).toList()).median();
    }

    static void createTables(MariaDbServer server, int tables) throws SQLException {
        server.createDatabase(DATABASE);
        // allowMultiQueries: a hundred tables per round trip; sql_log_bin=0 and sql_log_off=1 keep the set-up out of
        // the binary and general logs.
        String url = server.url(JdbcDriver.MARIADB, DATABASE) + "?allowMultiQueries=true";
        try (Connection c = DriverManager.getConnection(url, MariaDbServer.ROOT_USER, server.rootPassword());
             Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_bin = 0");
            s.execute("SET SESSION sql_log_off = 1");
            StringBuilder batch = new StringBuilder();
            for (int i = 1; i <= tables; i++) {
                String t = tableName(i);
                batch.append("CREATE TABLE ").append(t).append(" (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)")
                        .append(" ENGINE=InnoDB;INSERT INTO ").append(t).append(" VALUES (1,'one'),(2,'two'),(3,'three');");
                if (i % 100 == 0 || i == tables) {
                    s.execute(batch.toString());
                    while (s.getMoreResults() || s.getUpdateCount() != -1) {
                        // drain the multi-statement results
                    }
                    batch.setLength(0);
                }
            }
        }
    }

    static String tableName(int i) {
        return String.format("t%05d", i);
    }

    /** How the job connects. */
    enum Arm {
        RAW("root, unguarded"),
        GUARDED("root, guarded (metadata locks released per table)"),
        GUARDED_LOCKS_KEPT("root, guarded, `rule.mdl-per-table=audit` (metadata locks kept)"),
        RAW_APP_USER("application user, unguarded"),
        GUARDED_APP_USER("application user, guarded (no BINLOG ADMIN: metadata locks kept)");

        final String label;

        Arm(String label) {
            this.label = label;
        }

        /** The unguarded run of the same user this arm is compared with. */
        Arm baseline() {
            return switch (this) {
                case RAW, GUARDED, GUARDED_LOCKS_KEPT -> RAW;
                case RAW_APP_USER, GUARDED_APP_USER -> RAW_APP_USER;
            };
        }
    }

    /** Dumps every table; returns the time and CPU it took. */
    static DumpThroughput.Run dump(JobConnections connections, CpuClock clock, Arm arm, int expectedTables)
            throws SQLException {
        boolean guard = arm.baseline() != arm;
        try (Connection c = switch (arm) {
            case RAW -> connections.raw(JdbcDriver.MARIADB);
            case GUARDED -> connections.guarded(JdbcDriver.MARIADB, Map.of());
            case GUARDED_LOCKS_KEPT -> connections.guarded(JdbcDriver.MARIADB, Map.of("rule.mdl-per-table", "audit"));
            case RAW_APP_USER -> connections.rawAsApp(JdbcDriver.MARIADB);
            case GUARDED_APP_USER -> connections.guardedAsApp(JdbcDriver.MARIADB, Map.of());
        }) {
            CpuClock.Reading cpu0 = clock.now();
            long t0 = System.nanoTime();
            List<String> tables = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW TABLES")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            long rows = 0;
            for (String t : tables) {
                try (Statement s = c.createStatement()) {
                    try (ResultSet rs = s.executeQuery("SHOW CREATE TABLE `" + t + "`")) {
                        rs.next();
                        rs.getString(2);
                    }
                    try (ResultSet rs = s.executeQuery("SELECT * FROM `" + t + "`")) {
                        while (rs.next()) {
                            rs.getInt(1);
                            rs.getString(2);
                            rows++;
                        }
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            CpuClock.Reading cpu = clock.now().minus(cpu0);
            if (tables.size() != expectedTables || rows != 3L * expectedTables) {
                throw new IllegalStateException("dumped " + tables.size() + " tables, " + rows + " rows");
            }
            if (guard && JobConnections.guardOf(c).protocol().verdict().tablesRead().size() != expectedTables) {
                throw new IllegalStateException("the guard saw " + JobConnections.guardOf(c).protocol().verdict()
                        .tablesRead().size() + " table reads, expected " + expectedTables);
            }
            return new DumpThroughput.Run(seconds, cpu);
        }
    }
}
