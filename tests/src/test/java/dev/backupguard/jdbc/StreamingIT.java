package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backupguard.legacy.Bank;
import dev.backupguard.protocol.SnapshotWay;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streaming result sets (docs/server-facts.md, fact 5): Connector/J refuses any statement while a stream
 * ({@code setFetchSize(Integer.MIN_VALUE)}) is unread, MariaDB Connector/J (fetch size &gt; 0) silently reads the
 * rest into memory. backup-guard never injects while a stream of the connection is open.
 */
@WithMariaDb
class StreamingIT {

    private static final int ACCOUNTS = 1_000;
    private static MariaDbServer server;
    private static String db;

    @BeforeAll
    static void bank(MariaDbServer s) throws SQLException {
        server = s;
        db = server.createDatabase(MariaDbServer.databaseNameFor(StreamingIT.class));
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            Bank.create(c, ACCOUNTS, 1_000, false);
        }
    }

    /**
     * MariaDB Connector/J, fetch size 10: while the job streams checking, it reads savings on another statement.
     * The savepoint rollback that releases checking's metadata lock is held back (it would make the driver buffer
     * the rest of checking); it is sent at the next table once no stream is open.
     */
    @Test
    void mariadbStreamOpenWhileTheJobReadsAnotherTableGetsNoInjectedStatement() throws Exception {
        try (Connection c = connect(JdbcDriver.MARIADB)) {
            ServerLog log = ServerLog.mark(server, c);
            Statement a = c.createStatement();
            a.setFetchSize(10);
            ResultSet checking = a.executeQuery("SELECT * FROM checking");
            for (int i = 0; i < 10; i++) {
                assertThat(checking.next()).isTrue();
            }
            int savings = count(c, "SELECT * FROM savings", 10);
            int rest = 10;
            while (checking.next()) {
                rest++;
            }
            a.close();
            int transfers = count(c, "SELECT * FROM transfers", 10);

            assertThat(savings).isEqualTo(ACCOUNTS);
            assertThat(rest).isEqualTo(ACCOUNTS);
            assertThat(transfers).isZero();
            List<String> sent = log.statements();
            int first = sent.indexOf("SELECT * FROM checking");
            assertThat(sent.subList(first, sent.size())).containsExactly(
                    "SELECT * FROM checking",
                    "SELECT * FROM savings", // no ROLLBACK TO SAVEPOINT while checking streams
                    JobShape.ROLLBACK_TO,   // both streams closed: the metadata locks go
                    "SELECT * FROM transfers");
        }
    }

    /**
     * Connector/J, fetch size MIN_VALUE: an exhausted stream (next() returned false, not yet closed) allows new
     * statements, so the guard injects the savepoint rollback before the next table as usual.
     */
    @Test
    void connectorJExhaustedStreamLetsTheGuardInjectBeforeTheNextTable() throws Exception {
        try (Connection c = connect(JdbcDriver.MYSQL)) {
            ServerLog log = ServerLog.mark(server, c);
            Statement a = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            a.setFetchSize(Integer.MIN_VALUE);
            ResultSet checking = a.executeQuery("SELECT * FROM checking");
            int rows = 0;
            while (checking.next()) {
                rows++;
            }
            // checking is exhausted but neither it nor its statement is closed
            int savings = count(c, "SELECT * FROM savings", Integer.MIN_VALUE);

            assertThat(rows).isEqualTo(ACCOUNTS);
            assertThat(savings).isEqualTo(ACCOUNTS);
            List<String> sent = log.statements();
            assertThat(sent.subList(sent.indexOf("SELECT * FROM checking"), sent.size())).containsExactly(
                    "SELECT * FROM checking", JobShape.ROLLBACK_TO, "SELECT * FROM savings");
            a.close();
        }
    }

    /**
     * The snapshot must start (statements injected) while a stream of the connection is open: the guard refuses
     * the job's statement with a clear SQLException instead of injecting into the stream, and the stream is intact.
     * Through Connector/J the driver would have failed anyway; through MariaDB Connector/J the guard keeps the rest
     * of the stream from being buffered in memory.
     */
    @Test
    void snapshotNeededWhileAStreamIsOpenIsRefusedAndTheStreamStaysReadable() throws Exception {
        for (JdbcDriver driver : JdbcDriver.values()) {
            try (Connection c = connect(driver)) {
                ServerLog log = ServerLog.mark(server, c);
                Statement a = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
                a.setFetchSize(driver == JdbcDriver.MYSQL ? Integer.MIN_VALUE : 10);
                // Not a data read (a system schema): no backup session yet, nothing injected.
                ResultSet columns = a.executeQuery("SELECT COLUMN_NAME FROM information_schema.COLUMNS");
                assertThat(columns.next()).isTrue();

                assertThatThrownBy(() -> count(c, "SELECT * FROM checking", 0))
                        .as(driver.name())
                        .isInstanceOf(BackupGuardException.class)
                        .hasMessageContaining("still open");
                assertThat(log.probes()).as("not even the server-facts probe ran into the stream").isEmpty();
                int rows = 1;
                while (columns.next()) {
                    rows++;
                }
                a.close();
                assertThat(rows).isGreaterThan(10);
                assertThat(log.statements()).as("nothing was injected").containsExactly(
                        "SELECT COLUMN_NAME FROM information_schema.COLUMNS");
                // With the stream closed, the same read starts the snapshot.
                assertThat(count(c, "SELECT * FROM checking", 0)).isEqualTo(ACCOUNTS);
                assertThat(log.statements()).contains(JobShape.START);
            }
        }
    }

    private static int count(Connection c, String sql, int fetchSize) throws SQLException {
        try (Statement s = c.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
            if (fetchSize != 0) {
                s.setFetchSize(fetchSize);
            }
            try (ResultSet rs = s.executeQuery(sql)) {
                int n = 0;
                while (rs.next()) {
                    n++;
                }
                return n;
            }
        }
    }

    private static Connection connect(JdbcDriver driver) throws SQLException {
        return DriverManager.getConnection(GuardedUrls.guarded(server, driver, db, "enforce",
                SnapshotWay.AUTO), server.rootUser(), server.rootPassword());
    }
}
