package dev.backupguard.facts;

import static dev.backupguard.facts.SessionSql.exec;
import static dev.backupguard.facts.SessionSql.query;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fact 14 of docs/server-facts.md, as assertions: a binlog rotation while a commit is between the binary log and the
 * engine makes {@code Binlog_snapshot_file}/{@code _position} wrong, first ahead of the snapshot's data, then a file
 * and an offset that do not belong together; a global read lock waits for that commit. {@link HalfCommit} holds the
 * commit at exactly that point. Every step waits for the server's state, none for time.
 */
@WithMariaDb
class RotationFactsIT {

    private static String db;
    private final List<Connection> connections = new ArrayList<>();
    private MariaDbServer server;
    private HalfCommit half;
    private Connection watcher;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase(MariaDbServer.databaseNameFor(RotationFactsIT.class));
        server.execute("CREATE TABLE " + db + ".w (id BIGINT AUTO_INCREMENT PRIMARY KEY, n INT) ENGINE=InnoDB",
                "INSERT INTO " + db + ".w (n) VALUES (0)");
    }

    @BeforeEach
    void server(MariaDbServer server) throws SQLException {
        this.server = server;
        half = new HalfCommit(server);
        watcher = connect();
    }

    @AfterEach
    void close() throws SQLException {
        half.close();
        for (Connection c : connections) {
            c.close();
        }
    }

    @Test
    void aRotationWhileACommitIsBetweenBinlogAndEngineMakesTheSnapshotCoordinatesWrong() throws Exception {
        Connection a = connect();
        Connection w = connect();
        Connection f = connect();
        long rowsBefore = count(a);
        String oldFile = binlogStatus(a)[0];

        Future<String> commit = half.hold(w, () -> insert(w));
        // The rotation blocks after it opened the new file (SHOW BINLOG STATUS waits for it meanwhile), and MariaDB
        // points the global snapshot position at that new file's start.
        Future<?> flush = half.meanwhile(() -> run(f, "FLUSH BINARY LOGS"));
        ServerWait.until("the rotation to open a new file", () -> !oldFile.equals(globalSnapshotStatus()[0]));
        String newFile = globalSnapshotStatus()[0];

        // 1. A snapshot started now: the start of the new file, whose GTID position includes the commit still
        //    waiting, while the snapshot does not see its row.
        String[] during = snapshot(a);
        assertThat(during[0]).isEqualTo(newFile);
        assertThat(Long.parseLong(during[2])).as("rows the snapshot sees").isEqualTo(rowsBefore);
        String gtidDuring = gtidAt(during[0], Long.parseLong(during[1]));

        half.release();
        String committed = commit.get();
        flush.get();
        assertThat(gtidDuring).as("the GTID position of the coordinates: the waiting commit's")
                .isEqualTo(committed);

        // 2. Once it committed: the new file's name with the offset the commit ended at in the old file. Nothing of
        //    the new file is at that offset yet; it names a transaction only once the new file grows that far.
        String[] after = snapshot(a);
        long offset = Long.parseLong(after[1]);
        assertThat(after[0]).isEqualTo(newFile);
        assertThat(Long.parseLong(after[2])).isEqualTo(rowsBefore + 1);
        assertThat(gtidAt(oldFile, offset)).as("the offset is where the commit ended in the old file")
                .isEqualTo(committed);
        assertThat(gtidAt(newFile, offset)).as("and no position of the new file").isNull();
        assertThat(Long.parseLong(binlogStatus(a)[1])).isLessThan(offset);

        // 3. The next commit puts the pair right again.
        exec(w, "INSERT INTO w (n) VALUES (2)");
        String next = query(w, "SELECT @@last_gtid");
        String[] later = snapshot(a);
        assertThat(gtidAt(later[0], Long.parseLong(later[1]))).isEqualTo(next);
        assertThat(Long.parseLong(later[2])).isEqualTo(rowsBefore + 2);
    }

    @Test
    void theGlobalReadLockWaitsForThatCommitSoARotationUnderItLeavesExactCoordinates() throws Exception {
        Connection a = connect();
        Connection w = connect();
        long rowsBefore = count(a);

        Future<String> commit = half.hold(w, () -> insert(w));
        Future<?> lock = half.meanwhile(() -> run(a, "FLUSH TABLES WITH READ LOCK"));
        ServerWait.until("FTWRL to wait for the commit", () -> "Waiting for backup lock".equals(state(a)));
        half.release();
        String committed = commit.get();
        lock.get();

        exec(a, "FLUSH LOGS");
        exec(a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        String[] position = binlogStatus(a);
        long rows = count(a);
        exec(a, "UNLOCK TABLES");
        exec(a, "COMMIT");

        assertThat(rows).isEqualTo(rowsBefore + 1);
        assertThat(gtidAt(position[0], Long.parseLong(position[1]))).isEqualTo(committed);
    }

    private static String insert(Connection w) throws SQLException {
        exec(w, "INSERT INTO w (n) VALUES (1)");
        return query(w, "SELECT @@last_gtid");
    }

    /** START TRANSACTION WITH CONSISTENT SNAPSHOT: its file, position and row count; then COMMIT. */
    private static String[] snapshot(Connection a) throws SQLException {
        exec(a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
        String[] status = HalfCommit.snapshotStatus(a);
        long rows = count(a);
        exec(a, "COMMIT");
        return new String[] {status[0], status[1], Long.toString(rows)};
    }

    /** A statement for the background: a Callable, so that its SQLException reaches the Future. */
    private static Void run(Connection c, String sql) throws SQLException {
        exec(c, sql);
        return null;
    }

    /** Outside a transaction the snapshot status is the server's last commit position (fact 2). */
    private String[] globalSnapshotStatus() {
        try {
            return HalfCommit.snapshotStatus(watcher);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] binlogStatus(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINLOG STATUS")) {
            rs.next();
            return new String[] {rs.getString("File"), rs.getString("Position")};
        }
    }

    private String gtidAt(String file, long position) {
        return server.queryString("SELECT BINLOG_GTID_POS('" + file + "', " + position + ")");
    }

    private static long count(Connection c) throws SQLException {
        return Long.parseLong(query(c, "SELECT COUNT(*) FROM w"));
    }

    private String state(Connection c) {
        try {
            return server.queryString("SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = "
                    + MariaDbServer.threadId(c));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Connection connect() throws SQLException {
        Connection c = server.connect(JdbcDriver.MARIADB, db);
        connections.add(c);
        return c;
    }
}
