package dev.backupguard.bench;

import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
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
        List<Double> raw = new ArrayList<>();
        List<Double> guarded = new ArrayList<>();
        List<Double> pairRatios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        List<Double> clientCpuRatios = new ArrayList<>();
        List<Double> app = new ArrayList<>();
        List<Double> appRatios = new ArrayList<>();
        List<Double> appCpuRatios = new ArrayList<>();
        CpuClock clock = CpuClock.of(server);
        server.execute("SET GLOBAL general_log = 0");
        try {
            dump(connections, clock, Arm.RAW, sizes.tables()); // warm-up of every path, untimed
            dump(connections, clock, Arm.GUARDED, sizes.tables());
            dump(connections, clock, Arm.GUARDED_APP_USER, sizes.tables());
            for (int rep = 0; rep < sizes.tableRepetitions(); rep++) {
                boolean guardFirst = rep % 2 == 1;
                DumpThroughput.Run first = dump(connections, clock, guardFirst ? Arm.GUARDED : Arm.RAW, sizes.tables());
                DumpThroughput.Run second = dump(connections, clock, guardFirst ? Arm.RAW : Arm.GUARDED, sizes.tables());
                DumpThroughput.Run r = guardFirst ? second : first;
                DumpThroughput.Run g = guardFirst ? first : second;
                raw.add(r.seconds());
                guarded.add(g.seconds());
                pairRatios.add(g.seconds() / r.seconds());
                cpuRatios.add((double) g.cpu().total() / r.cpu().total());
                clientCpuRatios.add((double) g.cpu().thread() / r.cpu().thread());
                // The application user's run comes right after the pair, compared with the pair's unguarded run.
                DumpThroughput.Run a = dump(connections, clock, Arm.GUARDED_APP_USER, sizes.tables());
                app.add(a.seconds());
                appRatios.add(a.seconds() / r.seconds());
                appCpuRatios.add((double) a.cpu().total() / r.cpu().total());
            }
        } finally {
            server.execute("SET GLOBAL general_log = 1");
        }
        Stats r = Stats.of(raw);
        Stats g = Stats.of(guarded);
        MarkdownTable table = new MarkdownTable("guarded job", "unguarded s", "guarded s",
                "time guarded ÷ unguarded, paired runs (goal ≤ 1.05)", "ratio of the medians",
                "CPU guarded ÷ unguarded (client thread + server)", "client thread CPU guarded ÷ unguarded");
        table.row("root (metadata locks released per table)", r.format(2), g.format(2),
                Stats.of(pairRatios).format(3), Stats.fmt(g.median() / r.median(), 3), Stats.of(cpuRatios).format(3),
                Stats.of(clientCpuRatios).format(3));
        table.row("application user (no BINLOG ADMIN: metadata locks kept)", r.format(2), Stats.of(app).format(2),
                Stats.of(appRatios).format(3), Stats.fmt(Stats.of(app).median() / r.median(), 3),
                Stats.of(appCpuRatios).format(3), "–");
        String md = table + "\n"
                + sizes.tables() + " InnoDB tables of 3 rows (`id INT` key, `VARCHAR(20)`), created in "
                + Stats.fmt(createSeconds, 0) + " s. The job: `SHOW TABLES`, then per table `SHOW CREATE TABLE` and"
                + " `SELECT *`, every row read, on one MariaDB C/J connection. Medians over " + sizes.tableRepetitions()
                + " runs per arm (min–max), raw and guarded alternating, each pair followed by the application user's guarded run; the headline ratio is the median of guarded ÷ unguarded over runs made"
                + " back to back; general log off. CPU columns: the job thread's CPU time plus the server process's"
                + " (`/proc`, 10 ms ticks) per run, guarded ÷ unguarded of the back-to-back pair (CPU time does not grow"
                + " when the machine is busy, wall time does). Guarded: default settings (enforce,"
                + " backup-job role, way auto), root (so `sql_log_bin=0` is allowed and ROLLBACK TO SAVEPOINT does"
                + " release metadata locks: one more round trip per table); and the same as the unprivileged application"
                + " user, for whom the guard cannot switch the binlog off, so it sends no per-table ROLLBACK TO SAVEPOINT"
                + " and every dumped table keeps its metadata lock until the end (server fact 3d).\n";
        return new Section(7, "Many tables", md);
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
    enum Arm { RAW, GUARDED, GUARDED_APP_USER }

    /** Dumps every table; returns the time and CPU it took. */
    static DumpThroughput.Run dump(JobConnections connections, CpuClock clock, Arm arm, int expectedTables)
            throws SQLException {
        boolean guard = arm != Arm.RAW;
        try (Connection c = switch (arm) {
            case RAW -> connections.raw(JdbcDriver.MARIADB);
            case GUARDED -> connections.guarded(JdbcDriver.MARIADB, Map.of());
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
