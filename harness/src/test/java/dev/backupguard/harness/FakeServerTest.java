package dev.backupguard.harness;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the fake server answers backup code and backup-guard, shaped as MariaDB 11.4 answers (docs/server-facts.md). */
class FakeServerTest {

    static FakeServer shop() {
        return FakeServer.mariadb().binlog("binlog.000003", 1000, "0-1-7").database("shop")
                .table("accounts", "id INT, owner VARCHAR(20)", FakeServer.row(1, "ann"), FakeServer.row(2, "bob"))
                .table("legacy", "MyISAM", "id INT", FakeServer.row(9));
    }

    static List<String> column(ResultSet rs, int i) throws SQLException {
        List<String> out = new ArrayList<>();
        while (rs.next()) {
            out.add(rs.getString(i));
        }
        return out;
    }

    @Test
    void binlogStatusHasTheServersColumnsAndSnapshotStatusStaysAtTheSnapshot() throws Exception {
        try (Connection c = shop().connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                assertThat(rs.getMetaData().getColumnLabel(1)).isEqualTo("File");
                assertThat(rs.getMetaData().getColumnCount()).isEqualTo(4);
                rs.next();
                assertThat(rs.getString("File")).isEqualTo("binlog.000003");
                assertThat(rs.getLong("Position")).isEqualTo(1000);
            }
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            s.executeUpdate("INSERT INTO accounts VALUES (3, 'cy')"); // another commit moves the binlog on
            try (Connection other = FakeServer.of(c).connect(); Statement o = other.createStatement()) {
                o.executeUpdate("INSERT INTO accounts VALUES (4, 'dee')");
            }
            try (ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
                assertThat(column(rs, 2)).containsExactly("binlog.000003", "1000");
            }
            try (ResultSet rs = s.executeQuery("SHOW BINLOG STATUS")) {
                rs.next();
                assertThat(rs.getLong(2)).isEqualTo(1100);
            }
            assertThatThrownBy(() -> s.executeQuery("SHOW BINARY LOG STATUS"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1064));
        }
    }

    @Test
    void variablesAndFunctionsBackupCodeReads() throws Exception {
        try (Connection c = shop().connect(); Statement s = c.createStatement()) {
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            try (ResultSet rs = s.executeQuery("SELECT @@SESSION.tx_isolation, @@GLOBAL.gtid_binlog_pos, VERSION(), "
                    + "DATABASE(), BINLOG_GTID_POS('binlog.000003', 1000) AS pos")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("READ-COMMITTED");
                assertThat(rs.getString(2)).isEqualTo("0-1-7");
                assertThat(rs.getString(3)).isEqualTo("11.4.5-MariaDB-log");
                assertThat(rs.getString(4)).isEqualTo("shop");
                assertThat(rs.getString("pos")).isEqualTo("0-1-7");
            }
            assertThatThrownBy(() -> s.executeQuery("SELECT @@GLOBAL.gtid_executed"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1193));
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
        }
    }

    @Test
    void tablesAnswerReadsDefinitionsAndListings() throws Exception {
        try (Connection c = shop().connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT /*!40001 SQL_NO_CACHE */ `owner`, id FROM `accounts`")) {
                assertThat(rs.getMetaData().getColumnLabel(1)).isEqualTo("owner");
                assertThat(column(rs, 1)).containsExactly("ann", "bob");
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM shop.accounts")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2);
            }
            try (ResultSet rs = s.executeQuery("SHOW CREATE TABLE accounts")) {
                rs.next();
                assertThat(rs.getString(2)).startsWith("CREATE TABLE `accounts` (").endsWith("ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
            }
            try (ResultSet rs = s.executeQuery("SHOW FULL TABLES")) {
                assertThat(column(rs, 1)).containsExactly("accounts", "legacy");
            }
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM missing"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1146));
            assertThatThrownBy(() -> s.executeQuery("SELECT a.id FROM accounts a JOIN legacy l ON a.id = l.id"))
                    .hasMessageContaining("script its rows with answer(");
        }
    }

    @Test
    void theGuardsProbeLearnsTheNonTransactionalTables() throws Exception {
        FakeServer server = shop();
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement("/* backup-guard probe */ "
                + "SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE FROM information_schema.TABLES WHERE TABLE_TYPE = "
                + "'BASE TABLE' AND ENGINE IS NOT NULL AND UPPER(ENGINE) NOT IN ('INNODB') AND TABLE_SCHEMA IN (?)")) {
            ps.setString(1, "shop");
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(column(rs, 2)).containsExactly("legacy");
            }
        }
        assertThat(server.facts().nonTransactionalTables()).hasSize(1);
        assertThat(server.facts().snapshotReportsCoordinates()).isTrue();
    }

    @Test
    void scriptedAnswersAndFailuresWinOverBuiltInOnes() throws Exception {
        FakeServer server = shop().answer("SELECT MAX(id) FROM accounts", "max BIGINT", FakeServer.row(2L))
                .fail("LOCK INSTANCE FOR BACKUP", 1064, "syntax error");
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select   max(id) from accounts")) {
                rs.next();
                assertThat(rs.getLong("max")).isEqualTo(2);
            }
            assertThatThrownBy(() -> s.execute("LOCK INSTANCE FOR BACKUP")).hasMessage("syntax error");
        }
    }

    @Test
    void mysqlFlavorSpeaksMysql() throws Exception {
        try (Connection c = FakeServer.mysql("8.4.3").database("d").table("t", "id INT").connect();
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SHOW BINARY LOG STATUS")) {
                assertThat(rs.getMetaData().getColumnLabel(5)).isEqualTo("Executed_Gtid_Set");
            }
            assertThatThrownBy(() -> s.executeQuery("SHOW MASTER STATUS")).hasMessageContaining("syntax");
            try (ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
                assertThat(rs.next()).isFalse();
            }
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("MySQL");
        }
    }
}
