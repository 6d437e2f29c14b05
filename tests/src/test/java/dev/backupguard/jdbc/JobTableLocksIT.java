package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.protocol.SnapshotWay;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A backup job that holds LOCK TABLES locks when its backup begins, on the global-lock way: the server refuses FLUSH
 * TABLES WITH READ LOCK while the session holds them (error 1192, docs/server-facts.md fact 11), so the guard releases
 * them before its own global read lock (the START TRANSACTION after it would release them anyway).
 */
@WithMariaDb
class JobTableLocksIT {

    private static MariaDbServer server;
    private static String db;

    @BeforeAll
    static void tables(MariaDbServer s) {
        server = s;
        db = server.createDatabase(MariaDbServer.databaseNameFor(JobTableLocksIT.class));
        server.execute("CREATE TABLE " + db + ".locked (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO " + db + ".locked VALUES (1)",
                "CREATE TABLE " + db + ".other (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO " + db + ".other VALUES (1), (2)");
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void theGuardReleasesTheJobsTableLocksBeforeItsGlobalReadLock(JdbcDriver driver) throws SQLException {
        String url = GuardedUrls.guarded(server, driver, db, "enforce", SnapshotWay.GLOBAL_LOCK);
        try (Connection job = DriverManager.getConnection(url, server.rootUser(), server.rootPassword());
             Statement s = job.createStatement()) {
            s.execute("LOCK TABLES locked WRITE");

            assertThat(count(s, "other")).as("the first read: the backup's snapshot starts").isEqualTo(2);
            assertThat(count(s, "locked")).isEqualTo(1);

            assertThat(server.queriesOf(job)).containsSubsequence("LOCK TABLES locked WRITE", "UNLOCK TABLES",
                    "FLUSH TABLES WITH READ LOCK", "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
                    "SELECT COUNT(*) FROM other", "SELECT COUNT(*) FROM locked");
        }
    }

    private static long count(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
