package dev.backupguard.bench;

import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Item 3: a table read whole through a streaming result set, raw and through backup-guard (enforce mode, a backup
 * session: the guard starts the snapshot, reads its coordinates, watches every row), with both drivers. Raw and
 * guarded runs alternate (the order flips every repetition) so drift in the machine's load hits both; every run opens
 * a new connection, outside the timing. The timing covers what a dump job does: from {@code createStatement} to the
 * last row read and the result set closed, so it includes the guard's session start (facts probe, snapshot,
 * coordinates).
 *
 * <p>Streaming: MySQL Connector/J with {@code setFetchSize(Integer.MIN_VALUE)} (row by row); MariaDB Connector/J with
 * a positive fetch size (it rejects MIN_VALUE, server fact 5).
 */
public final class DumpThroughput {

    static final String DATABASE = "bench_dump";
    static final int MARIADB_FETCH_SIZE = 1000;

    private DumpThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Sizes sizes = BenchSuite.sizes(args);
        try (MariaDbServer server = MariaDbServer.start()) {
            System.out.println(run(server, sizes).render());
        }
    }

    public static Section run(MariaDbServer server, Sizes sizes) throws SQLException {
        int rows = sizes.dumpRows();
        long created = System.nanoTime();
        createTable(server, rows);
        double createSeconds = (System.nanoTime() - created) / 1e9;
        server.execute("SET GLOBAL general_log = 0");
        JobConnections connections = new JobConnections(server, DATABASE);
        Map<JdbcDriver, List<Double>> raw = new EnumMap<>(JdbcDriver.class);
        Map<JdbcDriver, List<Double>> guarded = new EnumMap<>(JdbcDriver.class);
        Map<JdbcDriver, List<Double>> pairRatios = new EnumMap<>(JdbcDriver.class);
        Map<JdbcDriver, List<Double>> cpuRatios = new EnumMap<>(JdbcDriver.class);
        Map<JdbcDriver, List<Double>> clientCpuRatios = new EnumMap<>(JdbcDriver.class);
        CpuClock clock = CpuClock.of(server);
        try {
            for (JdbcDriver driver : JdbcDriver.values()) {
                // One untimed run of each arm first: class loading and JIT of both paths.
                read(connections, clock, driver, false, rows);
                read(connections, clock, driver, true, rows);
                raw.put(driver, new ArrayList<>());
                guarded.put(driver, new ArrayList<>());
                pairRatios.put(driver, new ArrayList<>());
                cpuRatios.put(driver, new ArrayList<>());
                clientCpuRatios.put(driver, new ArrayList<>());
            }
            for (int rep = 0; rep < sizes.dumpRepetitions(); rep++) {
                for (JdbcDriver driver : JdbcDriver.values()) {
                    boolean guardFirst = rep % 2 == 1;
                    Run first = read(connections, clock, driver, guardFirst, rows);
                    Run second = read(connections, clock, driver, !guardFirst, rows);
                    Run r = guardFirst ? second : first;
                    Run g = guardFirst ? first : second;
                    raw.get(driver).add(rows / r.seconds());
                    guarded.get(driver).add(rows / g.seconds());
                    pairRatios.get(driver).add(r.seconds() / g.seconds());
                    cpuRatios.get(driver).add((double) g.cpu().total() / r.cpu().total());
                    clientCpuRatios.get(driver).add((double) g.cpu().thread() / r.cpu().thread());
                }
            }
        } finally {
            server.execute("SET GLOBAL general_log = 1");
        }
        MarkdownTable table = new MarkdownTable("driver (streaming)", "raw rows/s", "backup-guard rows/s",
                "throughput guarded ÷ raw, paired runs (goal ≥ 0.98)", "ratio of the medians",
                "CPU raw ÷ guarded (client thread + server)", "client thread CPU raw ÷ guarded");
        for (JdbcDriver driver : JdbcDriver.values()) {
            Stats r = Stats.of(raw.get(driver));
            Stats g = Stats.of(guarded.get(driver));
            table.row(driverLabel(driver), r.format(0), g.format(0), Stats.of(pairRatios.get(driver)).format(3),
                    Stats.fmt(g.median() / r.median(), 3), inverse(cpuRatios.get(driver)).format(3),
                    inverse(clientCpuRatios.get(driver)).format(3));
        }
        String md = table + "\n"
                + rows + " rows (`id BIGINT` key, `INT`, `DECIMAL(12,2)`, `VARCHAR`, `DATETIME`: about 60 bytes a row),"
                + " every column read with `getString` as a dump writes text. Medians over " + sizes.dumpRepetitions()
                + " runs per arm and driver (min–max in brackets), raw and guarded alternating, a new connection per"
                + " run; the headline ratio is the median over the repetitions of guarded ÷ raw of the two runs made back to back"
                + " (they share the machine's load), next to the ratio of the two medians. The guarded runs are"
                + " backup sessions in enforce mode (`backupguard.session=backup`, snapshot way auto: on MariaDB the"
                + " lock-free snapshot-status way); the time includes the guard's session start. General log off during"
                + " the runs (production servers run without it). CPU columns: the reading thread's CPU time plus the"
                + " server process's (`/proc`, 10 ms ticks) per run, as raw ÷ guarded of the back-to-back pair so that"
                + " they read like the throughput ratio; CPU time does not grow when the machine is busy, wall time"
                + " does. Table filled in " + Stats.fmt(createSeconds, 1)
                + " s with `INSERT ... SELECT` from `seq_1_to_" + rows + "`.\n";
        return new Section(3, "Dump throughput against the real server", md);
    }

    /** Ratios of cost (guarded ÷ raw) turned into ratios of throughput (raw ÷ guarded), comparable to the goal. */
    static Stats inverse(List<Double> costRatios) {
        return Stats.of(costRatios.stream().mapToDouble(x -> 1 / x).toArray());
    }

    /** One read: its wall time and the CPU it took. */
    record Run(double seconds, CpuClock.Reading cpu) {
    }

    static String driverLabel(JdbcDriver driver) {
        return driver == JdbcDriver.MYSQL ? "MySQL Connector/J 9.7.0 (fetch size MIN_VALUE)"
                : "MariaDB Connector/J 3.5.11 (fetch size " + MARIADB_FETCH_SIZE + ")";
    }

    static void createTable(MariaDbServer server, int rows) {
        server.createDatabase(DATABASE);
        server.execute("CREATE TABLE " + DATABASE + ".transfers (id BIGINT PRIMARY KEY, account INT NOT NULL,"
                        + " amount DECIMAL(12,2) NOT NULL, note VARCHAR(40) NOT NULL, created DATETIME NOT NULL)"
                        + " ENGINE=InnoDB",
                // The SEQUENCE engine makes the rows server-side in one statement.
                "INSERT INTO " + DATABASE + ".transfers SELECT seq, seq % 10007, (seq % 100000) / 100,"
                        + " CONCAT('transfer number ', seq), TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND"
                        + " FROM " + DATABASE + ".seq_1_to_" + rows);
    }

    /** Reads the table whole; returns the time and CPU it took. */
    static Run read(JobConnections connections, CpuClock clock, JdbcDriver driver, boolean guard, int expectedRows)
            throws SQLException {
        try (Connection c = guard ? connections.guarded(driver, Map.of("backupguard.session", "backup"))
                : connections.raw(driver)) {
            CpuClock.Reading cpu0 = clock.now();
            long t0 = System.nanoTime();
            long rows = 0;
            long chars = 0;
            try (Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                s.setFetchSize(driver == JdbcDriver.MYSQL ? Integer.MIN_VALUE : MARIADB_FETCH_SIZE);
                try (ResultSet rs = s.executeQuery("SELECT * FROM transfers")) {
                    while (rs.next()) {
                        for (int i = 1; i <= 5; i++) {
                            chars += rs.getString(i).length();
                        }
                        rows++;
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            CpuClock.Reading cpu = clock.now().minus(cpu0);
            if (rows != expectedRows || chars == 0) {
                throw new IllegalStateException("read " + rows + " rows, expected " + expectedRows);
            }
            if (guard && JobConnections.guardOf(c).protocol().coordinates() == null) {
                throw new IllegalStateException("the guarded read was not a backup session with a snapshot");
            }
            return new Run(seconds, cpu);
        }
    }
}
