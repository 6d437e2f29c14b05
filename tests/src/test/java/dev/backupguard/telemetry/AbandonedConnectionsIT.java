package dev.backupguard.telemetry;

import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections with a trace file of their own that the job drops without {@code close()}: the file's writer thread
 * must not outlive them. The writer is closed when its last connection is released; an abandoned connection is
 * released once it is collected (its Cleaner), and its driver connection is closed then too.
 */
@WithMariaDb
class AbandonedConnectionsIT {

    private static final int CONNECTIONS = 12;

    @TempDir
    Path dir;

    @Test
    void anAbandonedConnectionsTraceWriterStopsOnceItIsCollected(MariaDbServer server) throws Exception {
        String db = server.createDatabase(MariaDbServer.databaseNameFor(AbandonedConnectionsIT.class));
        server.execute("CREATE TABLE " + db + ".t (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO " + db + ".t VALUES (1)");
        String prefix = "abandoned-" + Long.toHexString(System.nanoTime());
        List<Long> ids = openAndDrop(server, db, prefix);
        assertThat(writers(prefix)).as("one writer per trace file while the connections are in use")
                .isEqualTo(CONNECTIONS);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((writers(prefix) > 0 || anyOpen(server, ids)) && System.nanoTime() < deadline) {
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }

        assertThat(writers(prefix)).as("trace writer threads left after the connections were collected").isZero();
        assertThat(anyOpen(server, ids)).as("a driver connection of an abandoned one is still open").isFalse();
        // What they published was written before the writers stopped: half of them read a table (a backup session).
        for (int i = 0; i < CONNECTIONS; i += 2) {
            assertThat(Files.readString(dir.resolve(prefix + "-" + i + ".jsonl")))
                    .contains("\"event\":\"table_read_finished\"");
        }
    }

    /** Opens the connections, uses each (every other one reads a table), keeps none; returns their thread ids. */
    private List<Long> openAndDrop(MariaDbServer server, String db, String prefix) throws SQLException {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            Properties p = new Properties();
            p.setProperty("user", server.rootUser());
            p.setProperty("password", server.rootPassword());
            p.setProperty("backupguard.trace.file", dir.resolve(prefix + "-" + i + ".jsonl").toString());
            p.setProperty("backupguard.scope", db);
            Connection c = DriverManager.getConnection("jdbc:backupguard:"
                    + server.url(JdbcDriver.MARIADB, db).substring("jdbc:".length()), p);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(i % 2 == 0 ? "SELECT * FROM t"
                    : "SELECT 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.next()).isFalse();
            }
            ids.add(MariaDbServer.threadId(c));
        }
        return ids;
    }

    private static long writers(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("backup-guard-trace-writer " + prefix)).count();
    }

    private static boolean anyOpen(MariaDbServer server, List<Long> ids) {
        StringBuilder in = new StringBuilder();
        for (long id : ids) {
            in.append(in.length() == 0 ? "" : ",").append(id);
        }
        return !"0".equals(server.queryString("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID IN ("
                + in + ")"));
    }
}
