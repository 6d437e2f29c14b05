package dev.backupguard.bench;

import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A follow-up to item 7, not part of the suite: how much of the application user's slow guarded dump is the server
 * holding a metadata lock on every dumped table in one transaction (as mariadb-dump {@code --single-transaction}
 * does on MariaDB with the binlog on), and how much is the guard. Dumps the many-tables schema table by table:
 * raw in autocommit, raw inside one {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} (locks kept, no guard), and
 * guarded as the application user (locks kept). Prints wall and client-thread CPU seconds per run.
 *
 * <pre>java -cp bench/target/classes:$(cat bench/target/classpath.txt) \
 *     -Dbackupguard-test.mariadb.workdir=bench/target/mariadb dev.backupguard.bench.MetadataLockCost 10000 2</pre>
 */
public final class MetadataLockCost {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private MetadataLockCost() {
    }

    public static void main(String[] args) throws Exception {
        int tables = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        try (MariaDbServer server = MariaDbServer.start()) {
            ManyTables.createTables(server, tables);
            server.execute("SET GLOBAL general_log = 0");
            JobConnections connections = new JobConnections(server, ManyTables.DATABASE);
            for (int rep = 0; rep < repetitions; rep++) {
                for (String arm : List.of("raw, autocommit", "raw, one snapshot transaction",
                        "guarded, application user")) {
                    System.out.println(arm + ": " + dump(connections, arm, tables));
                }
            }
        }
    }

    private static String dump(JobConnections connections, String arm, int expected) throws SQLException {
        try (Connection c = arm.startsWith("guarded") ? connections.guardedAsApp(JdbcDriver.MARIADB, Map.of())
                : connections.raw(JdbcDriver.MARIADB)) {
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            if (arm.contains("one snapshot")) {
                try (Statement s = c.createStatement()) {
                    s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                }
            }
            List<String> names = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW TABLES")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String t : names) {
                try (Statement s = c.createStatement()) {
                    try (ResultSet rs = s.executeQuery("SHOW CREATE TABLE `" + t + "`")) {
                        rs.next();
                    }
                    try (ResultSet rs = s.executeQuery("SELECT * FROM `" + t + "`")) {
                        while (rs.next()) {
                            rs.getString(2);
                        }
                    }
                }
            }
            if (names.size() != expected) {
                throw new IllegalStateException("dumped " + names.size() + " tables");
            }
            return String.format(java.util.Locale.ROOT, "wall %.2f s, client thread CPU %.2f s",
                    (System.nanoTime() - t0) / 1e9, (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9);
        }
    }
}
