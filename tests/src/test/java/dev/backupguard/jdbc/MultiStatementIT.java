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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Multi-statement text ({@code allowMultiQueries=true}) through the guard, as the server's general log saw it: in a
 * backup session the parts go one at a time, each planned like a statement of its own; where every part passes
 * unchanged the text goes whole, as the job wrote it.
 */
@WithMariaDb
class MultiStatementIT {

    private static final int ACCOUNTS = 100;
    private static MariaDbServer server;
    private static String db;

    @BeforeAll
    static void bank(MariaDbServer s) throws SQLException {
        server = s;
        db = server.createDatabase(MariaDbServer.databaseNameFor(MultiStatementIT.class));
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            Bank.create(c, ACCOUNTS, 10, false);
        }
    }

    @Test
    void aBackupSessionsMultiStatementTextIsPlannedPartByPart() throws Exception {
        try (Connection c = connect("enforce", "")) {
            ServerLog log = ServerLog.mark(server, c);
            int rows;
            try (Statement s = c.createStatement()) {
                assertThat(s.execute("SELECT * FROM checking; SELECT * FROM savings")).isTrue();
                rows = count(s.getResultSet());
            }
            assertThat(rows).as("the last part's rows are the job's result").isEqualTo(ACCOUNTS);
            List<String> expected = new ArrayList<>();
            expected.add(JobShape.SKIP_BINLOG);
            expected.addAll(JobShape.start(SnapshotWay.AUTO));
            expected.addAll(List.of("SELECT * FROM checking", JobShape.ROLLBACK_TO, "SELECT * FROM savings"));
            assertThat(log.statements()).containsExactlyElementsOf(expected);
            GuardedConnection guard = c.unwrap(GuardedConnection.class);
            assertThat(guard.protocol().verdict().consistent()).isTrue();
            assertThat(guard.protocol().verdict().tablesRead()).hasSize(2);
        }
    }

    @Test
    void blockModeRefusesTheUnsafePartAndSendsNothingOfTheText() throws Exception {
        try (Connection c = connect("block", "")) {
            ServerLog log = ServerLog.mark(server, c);
            try (Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.execute("SELECT * FROM checking; SELECT * FROM savings"))
                        .isInstanceOf(BackupGuardException.class)
                        .hasMessageContaining("snapshot-start")
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("25"));
            }
            assertThat(log.statements()).noneMatch(sql -> sql.contains("checking") || sql.contains("savings"));
        }
    }

    @Test
    void textWhosePartsAllPassIsSentWholeAndEveryResultReachesTheJob() throws Exception {
        try (Connection c = connect("enforce", "&backupguard.session=never")) {
            ServerLog log = ServerLog.mark(server, c);
            try (Statement s = c.createStatement()) {
                assertThat(s.execute("SELECT * FROM checking; SELECT * FROM savings")).isTrue();
                int first = count(s.getResultSet());
                assertThat(s.getMoreResults()).isTrue();
                int second = count(s.getResultSet());
                assertThat(first).isEqualTo(ACCOUNTS);
                assertThat(second).isEqualTo(ACCOUNTS);
            }
            assertThat(log.statements()).containsExactly("SELECT * FROM checking; SELECT * FROM savings");
        }
    }

    private static int count(ResultSet rs) throws SQLException {
        int n = 0;
        while (rs.next()) {
            n++;
        }
        return n;
    }

    private static Connection connect(String mode, String more) throws SQLException {
        return DriverManager.getConnection(GuardedUrls.guarded(server, JdbcDriver.MARIADB, db, mode, SnapshotWay.AUTO)
                + "&allowMultiQueries=true" + more, server.rootUser(), server.rootPassword());
    }
}
