package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.lenient;
import static org.mockito.Mockito.mock;

import dev.backupguard.classify.Statement;
import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.ServerFacts;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The coordinates are read the way the protocol chose, with each server's own statements: MariaDB's and Percona's
 * snapshot status inside the snapshot, SHOW MASTER STATUS / SHOW BINARY LOG STATUS (by version) under the lock.
 */
class CoordinatesReaderTest {

    static final ServerFacts MARIADB = ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log");
    static final ServerFacts PERCONA = ServerFacts.of(ServerFacts.Flavor.PERCONA, "8.0.36-28");
    static final ServerFacts MYSQL80 = ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.0.36");
    static final ServerFacts MYSQL84 = ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.4.3");

    /** Answers each query with the rows given for its text; records what was asked. */
    static final class Server implements CoordinatesReader.Runner {
        final List<String> asked = new ArrayList<>();
        final Map<String, ResultSet> answers;

        Server(Map<String, ResultSet> answers) {
            this.answers = answers;
        }

        @Override
        public ResultSet query(Statement st) {
            asked.add(st.sql());
            return answers.getOrDefault(st.sql(), empty());
        }
    }

    @Test
    void mariadbSnapshotStatusAndItsGtid() throws SQLException {
        Server server = new Server(Map.of(
                "SHOW STATUS LIKE 'binlog_snapshot_%'", rows(List.of("Variable_name", "Value"),
                        List.of("Binlog_snapshot_file", "binlog.000003"), List.of("Binlog_snapshot_position", "379")),
                "SELECT BINLOG_GTID_POS('binlog.000003', 379)", rows(List.of("g"), List.of("0-1-14"))));

        BinlogCoordinates c = CoordinatesReader.read(BinlogCoordinates.Source.SNAPSHOT_STATUS, MARIADB, server);

        assertThat(c).isEqualTo(new BinlogCoordinates("binlog.000003", 379, "0-1-14",
                BinlogCoordinates.Source.SNAPSHOT_STATUS));
        assertThat(server.asked).containsExactly("SHOW STATUS LIKE 'binlog_snapshot_%'",
                "SELECT BINLOG_GTID_POS('binlog.000003', 379)");
    }

    @Test
    void mariadbSnapshotCoordinatesWithNoGtidPositionAreNeverTaken() throws SQLException {
        // After a rotation that raced a commit, MariaDB pairs the new file with an offset of the old one until the
        // next commit, and BINLOG_GTID_POS of that pair is NULL (docs/server-facts.md, fact 14).
        Server server = new Server(Map.of(
                "SHOW STATUS LIKE 'binlog_snapshot_%'", rows(List.of("Variable_name", "Value"),
                        List.of("Binlog_snapshot_file", "binlog.000015"), List.of("Binlog_snapshot_position", "1030")),
                "SELECT BINLOG_GTID_POS('binlog.000015', 1030)", rows(List.of("g"), Arrays.asList((Object) null))));

        assertThatThrownBy(() -> CoordinatesReader.read(BinlogCoordinates.Source.SNAPSHOT_STATUS, MARIADB, server))
                .isInstanceOf(SQLException.class).hasFieldOrPropertyWithValue("SQLState", "25000")
                .hasMessageContaining("binlog.000015:1030").hasMessageContaining("fact 14");
    }

    @Test
    void anEmptyGtidPositionIsOneBeforeTheFirstTransaction() throws SQLException {
        // '' (not NULL) is what MariaDB answers for a position before any GTID of a fresh log (fact 1).
        Server server = new Server(Map.of(
                "SHOW STATUS LIKE 'binlog_snapshot_%'", rows(List.of("Variable_name", "Value"),
                        List.of("Binlog_snapshot_file", "binlog.000001"), List.of("Binlog_snapshot_position", "329")),
                "SELECT BINLOG_GTID_POS('binlog.000001', 329)", rows(List.of("g"), List.of(""))));

        assertThat(CoordinatesReader.read(BinlogCoordinates.Source.SNAPSHOT_STATUS, MARIADB, server).gtid()).isEmpty();
    }

    @Test
    void perconaSnapshotStatusCarriesItsGtidSetItself() throws SQLException {
        Server server = new Server(Map.of("SHOW STATUS LIKE 'binlog_snapshot_%'", rows(List.of("Variable_name", "Value"),
                List.of("Binlog_snapshot_file", "binlog.000007"), List.of("Binlog_snapshot_position", "155"),
                List.of("Binlog_snapshot_gtid_executed", "uuid:1-9"))));

        BinlogCoordinates c = CoordinatesReader.read(BinlogCoordinates.Source.SNAPSHOT_STATUS, PERCONA, server);

        assertThat(c.gtid()).isEqualTo("uuid:1-9");
        assertThat(server.asked).containsExactly("SHOW STATUS LIKE 'binlog_snapshot_%'");
    }

    @Test
    void underTheLockEachServerGetsItsOwnStatusStatement() throws SQLException {
        ResultSet mysql = rows(List.of("File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB", "Executed_Gtid_Set"),
                List.of("binlog.000002", 4242L, "", "", "uuid-a:1-5,\nuuid-b:1-3"));
        Server m84 = new Server(Map.of("SHOW BINARY LOG STATUS", mysql));
        BinlogCoordinates c = CoordinatesReader.read(BinlogCoordinates.Source.LOCKED_BINLOG_STATUS, MYSQL84, m84);
        assertThat(m84.asked).containsExactly("SHOW BINARY LOG STATUS");
        assertThat(c.gtid()).as("the server's line breaks taken out").isEqualTo("uuid-a:1-5,uuid-b:1-3");
        assertThat(c.position()).isEqualTo(4242);

        Server m80 = new Server(Map.of("SHOW MASTER STATUS", rows(List.of("File", "Position"),
                List.of("binlog.000009", 4L))));
        CoordinatesReader.read(BinlogCoordinates.Source.LOCKED_BINLOG_STATUS, MYSQL80, m80);
        assertThat(m80.asked).containsExactly("SHOW MASTER STATUS");

        Server maria = new Server(Map.of(
                "SHOW MASTER STATUS", rows(List.of("File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB"),
                        List.of("binlog.000001", 379L, "", "")),
                "SELECT BINLOG_GTID_POS('binlog.000001', 379)",
                rows(List.of("BINLOG_GTID_POS('binlog.000001', 379)"), List.of("0-1-14"))));
        c = CoordinatesReader.read(BinlogCoordinates.Source.LOCKED_BINLOG_STATUS, MARIADB, maria);
        // Under the lock only the position; MariaDB's GTID is derived from it after UNLOCK TABLES.
        assertThat(maria.asked).containsExactly("SHOW MASTER STATUS");
        assertThat(CoordinatesReader.needsCompletion(c, MARIADB)).isTrue();
        c = CoordinatesReader.complete(c, MARIADB, maria);
        assertThat(maria.asked).containsExactly("SHOW MASTER STATUS", "SELECT BINLOG_GTID_POS('binlog.000001', 379)");
        assertThat(c).isEqualTo(new BinlogCoordinates("binlog.000001", 379, "0-1-14",
                BinlogCoordinates.Source.LOCKED_BINLOG_STATUS));
        assertThat(CoordinatesReader.needsCompletion(c, MARIADB)).isFalse();
    }

    @Test
    void noPositionIsAClearErrorNamingThePrivilege() {
        Server server = new Server(Map.of());

        assertThatThrownBy(() -> CoordinatesReader.read(BinlogCoordinates.Source.LOCKED_BINLOG_STATUS, MYSQL84,
                server)).isInstanceOf(SQLException.class).hasMessageContaining("SHOW BINARY LOG STATUS")
                .hasMessageContaining("REPLICATION CLIENT");
    }

    static ResultSet empty() {
        try {
            return rows(List.of("File", "Position"));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A result set with these column labels and rows; values by index or label. */
    @SafeVarargs
    static ResultSet rows(List<String> labels, List<Object>... rows) throws SQLException {
        List<List<Object>> all = Arrays.asList(rows);
        ResultSet rs = mock(ResultSet.class);
        ResultSetMetaData md = mock(ResultSetMetaData.class);
        lenient().when(md.getColumnCount()).thenReturn(labels.size());
        lenient().when(md.getColumnLabel(anyInt())).thenAnswer(i -> labels.get((int) i.getArgument(0) - 1));
        lenient().when(rs.getMetaData()).thenReturn(md);
        int[] at = {-1};
        lenient().when(rs.next()).thenAnswer(i -> ++at[0] < all.size());
        lenient().when(rs.getString(anyInt())).thenAnswer(i -> text(all.get(at[0]).get((int) i.getArgument(0) - 1)));
        lenient().when(rs.getString(anyString())).thenAnswer(i ->
                text(all.get(at[0]).get(labels.indexOf((String) i.getArgument(0)))));
        lenient().when(rs.getLong(anyString())).thenAnswer(i ->
                ((Number) all.get(at[0]).get(labels.indexOf((String) i.getArgument(0)))).longValue());
        return rs;
    }

    /** SQL NULL stays null, as a driver's getString gives it. */
    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
