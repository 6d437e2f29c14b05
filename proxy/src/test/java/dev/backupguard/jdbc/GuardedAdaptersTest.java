package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.backupguard.protocol.ProtocolSettings;
import dev.backupguard.protocol.SessionProtocol;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The JDBC adapters over mocked drivers: the wrapper contract, absorbed answers, batches, failure fallback. */
class GuardedAdaptersTest {

    /** A made-up driver interface, to check unwrap reaches through to what the driver implements. */
    interface DriverConnection extends Connection {
    }

    private static final Map<String, String> BACKUP = Map.of("backupguard.session", "backup");

    // ---------------------------------------------------------------- unwrap, identity, close

    @Test
    void unwrapAndIsWrapperForReachTheDriverAndNeverThrowForClasses() throws SQLException {
        FakeServer server = new FakeServer();
        Connection raw = mock(DriverConnection.class);
        when(raw.isWrapperFor(any())).thenThrow(new SQLException("driver says no"));
        GuardedConnection c = new GuardedConnection(raw, dev.backupguard.config.Settings.defaults(),
                ConnectionSource.NONE, new dev.backupguard.telemetry.Telemetry(),
                dev.backupguard.lock.GlobalReadLockGuard.DIRECT, false, null);

        assertThat(c.isWrapperFor(DriverConnection.class)).isTrue();
        assertThat(c.unwrap(DriverConnection.class)).isSameAs(raw);
        assertThat(c.unwrap(GuardedConnection.class)).isSameAs(c);
        assertThat(c.unwrap(Connection.class)).isSameAs(c);
        assertThat(c.isWrapperFor(String.class)).as("a class: false, and the driver's exception is swallowed")
                .isFalse();
        assertThat(c.isWrapperFor(Integer.class)).isFalse();

        GuardedConnection g = server.guard(Map.of());
        Statement s = g.createStatement();
        assertThat(s.isWrapperFor(Statement.class)).isTrue();
        assertThat(s.unwrap(Statement.class)).isSameAs(s);
        assertThat(s.isWrapperFor(String.class)).isFalse();
        when(server.jobStatement.isWrapperFor(any())).thenThrow(new IllegalStateException("broken driver"));
        assertThat(s.isWrapperFor(Runnable.class)).isFalse();
    }

    @Test
    void statementsAndResultSetsHandOutTheGuardedObjects() throws SQLException {
        FakeServer server = new FakeServer();
        PreparedStatement rawPs = mock(PreparedStatement.class);
        when(server.raw.prepareStatement("SELECT 1")).thenReturn(rawPs);
        ResultSet one = FakeServer.rows(java.util.List.of(java.util.List.of(1L)));
        when(rawPs.executeQuery()).thenReturn(one);
        java.sql.CallableStatement rawCs = mock(java.sql.CallableStatement.class);
        when(server.raw.prepareCall("{call p()}")).thenReturn(rawCs);
        GuardedConnection c = server.guard(Map.of());

        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1");
        assertThat(s.getConnection()).isSameAs(c);
        assertThat(rs.getStatement()).isSameAs(s);
        assertThat(s.getResultSet()).isSameAs(rs);
        PreparedStatement ps = c.prepareStatement("SELECT 1");
        assertThat(ps.getConnection()).isSameAs(c);
        assertThat(ps.executeQuery().getStatement()).isSameAs(ps);
        assertThat(c.prepareCall("{call p()}").getConnection()).isSameAs(c);
        assertThat(c).isEqualTo(c).isNotEqualTo(server.raw).hasSameHashCodeAs(c);
    }

    @Test
    void closeIsIdempotentAndClosesTheDriverConnectionOnce() throws SQLException {
        FakeServer server = new FakeServer();
        GuardedConnection c = server.guard(Map.of());
        c.close();
        c.close();
        verify(server.raw, times(1)).close();
        assertThat(c.isClosed()).isTrue();
        assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    }

    // ---------------------------------------------------------------- absorbed statements

    @Test
    void absorbedShowMasterStatusLooksLikeTheServersOwnResult() throws SQLException {
        FakeServer server = new FakeServer();
        GuardedConnection c = server.guard(BACKUP);
        Statement s = c.createStatement();

        assertThat(s.execute("SHOW MASTER STATUS")).as("a result set").isTrue();
        assertThat(server.sent).doesNotContain("SHOW MASTER STATUS"); // answered from the snapshot
        ResultSet rs = s.getResultSet();
        assertThat(rs).isInstanceOf(AnsweredResultSet.class);
        assertThat(rs.getStatement()).isSameAs(s);
        assertThat(s.getUpdateCount()).isEqualTo(-1);
        var md = rs.getMetaData();
        assertThat(md.getColumnCount()).isEqualTo(4);
        assertThat(md.getColumnLabel(1)).isEqualTo("File");
        assertThat(md.getColumnType(1)).isEqualTo(Types.VARCHAR);
        assertThat(md.getColumnLabel(2)).isEqualTo("Position");
        assertThat(md.getColumnType(2)).isEqualTo(Types.BIGINT);
        assertThat(md.getColumnTypeName(2)).isEqualTo("BIGINT UNSIGNED");
        assertThat(md.getColumnClassName(2)).isEqualTo("java.math.BigInteger");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("File")).isEqualTo("binlog.000001");
        assertThat(rs.getLong("Position")).isEqualTo(4242);
        assertThat(rs.getObject(2)).isEqualTo(java.math.BigInteger.valueOf(4242));
        assertThat(rs.getString("Binlog_Do_DB")).isEmpty();
        assertThat(rs.next()).isFalse();
        assertThat(s.getMoreResults()).isFalse();
        assertThat(s.getUpdateCount()).as("no more results").isEqualTo(-1);
        assertThat(s.getResultSet()).isNull();
    }

    @Test
    void absorbedStatementWithoutRowsAnswersAnUpdateCountOfZero() throws SQLException {
        FakeServer server = new FakeServer();
        GuardedConnection c = server.guard(BACKUP);
        Statement s = c.createStatement();
        s.executeQuery("SELECT * FROM accounts").close(); // starts the snapshot

        assertThat(s.execute("START TRANSACTION")).as("absorbed: a second start would commit the snapshot")
                .isFalse();
        assertThat(s.getUpdateCount()).isZero();
        assertThat(s.getResultSet()).isNull();
        assertThat(s.getMoreResults()).isFalse();
        assertThat(s.getUpdateCount()).isEqualTo(-1);
        assertThat(s.executeUpdate("COMMIT")).isZero();
        assertThat(server.sent).doesNotContain("START TRANSACTION", "COMMIT");
    }

    @Test
    void answeredResultSetIsForwardOnlyReadOnlyAndClosable() throws SQLException {
        var rows = new dev.backupguard.protocol.Result.Rows(
                java.util.List.of(dev.backupguard.protocol.Result.Column.varchar("@@gtid_binlog_pos")),
                java.util.List.of(java.util.Arrays.asList((Object) null)));
        Statement owner = mock(Statement.class);
        AnsweredResultSet rs = new AnsweredResultSet(rows, owner, dev.backupguard.config.Connector.EITHER);

        assertThatThrownBy(() -> rs.getString(1)).as("before next()").isInstanceOf(SQLException.class);
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isNull();
        assertThat(rs.wasNull()).isTrue();
        assertThat(rs.getLong(1)).isZero();
        assertThatThrownBy(() -> rs.getString(2)).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> rs.findColumn("nope")).isInstanceOf(SQLException.class);
        assertThat(rs.getType()).isEqualTo(ResultSet.TYPE_FORWARD_ONLY);
        assertThat(rs.getConcurrency()).isEqualTo(ResultSet.CONCUR_READ_ONLY);
        assertThat(rs.getStatement()).isSameAs(owner);
        assertThat(rs.isWrapperFor(ResultSet.class)).isTrue();
        assertThat(rs.isWrapperFor(String.class)).isFalse();
        assertThat(rs.next()).isFalse();
        rs.close();
        rs.close();
        assertThat(rs.isClosed()).isTrue();
        assertThatThrownBy(rs::next).isInstanceOf(SQLException.class);
    }

    // ---------------------------------------------------------------- batches

    @Test
    void ordinaryBatchGoesToTheDriverInOneCall() throws SQLException {
        FakeServer server = new FakeServer();
        when(server.jobStatement.executeLargeBatch()).thenReturn(new long[]{1, 1});
        Statement s = server.guard(Map.of()).createStatement();
        s.addBatch("INSERT INTO t VALUES (1)");
        s.addBatch("UPDATE t SET c = 2");

        assertThat(s.executeBatch()).containsExactly(1, 1);
        verify(server.jobStatement, times(1)).executeLargeBatch();
        verify(server.jobStatement, never()).executeLargeUpdate(anyString());
    }

    @Test
    void batchInABackupSessionGoesThroughTheGuardOneStatementAtATime() throws SQLException {
        FakeServer server = new FakeServer();
        Statement s = server.guard(BACKUP).createStatement();
        s.addBatch("SET @a = 1");
        s.addBatch("DO 1");

        assertThat(s.executeBatch()).containsExactly(1, 1);
        verify(server.jobStatement, never()).executeLargeBatch();
        verify(server.jobStatement, times(2)).executeLargeUpdate(anyString());
        assertThat(server.sent).containsSubsequence("SET @a = 1", "DO 1");
    }

    // ---------------------------------------------------------------- internal failure

    @Test
    void protocolFailureDegradesAnOrdinaryConnectionToDelegationAndIsLoggedOnce() throws SQLException {
        GuardedConnection.internalFailureLogged(true);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 2; i++) {
                FakeServer server = new FakeServer();
                SessionProtocol broken = mock(SessionProtocol.class);
                when(broken.plan(any())).thenThrow(new IllegalStateException("bug " + i));
                when(broken.settings()).thenReturn(ProtocolSettings.defaults());
                GuardedConnection c = server.guard(Map.of(), broken);
                Statement s = c.createStatement();
                s.execute("SELECT * FROM accounts");
                s.execute("SELECT * FROM ledger");
                c.setAutoCommit(false);

                verify(server.jobStatement).execute("SELECT * FROM accounts");
                verify(server.jobStatement).execute("SELECT * FROM ledger");
                verify(server.raw).setAutoCommit(false);
                verify(broken, times(1)).plan(any()); // degraded after the first failure: no more planning
            }
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log.split("falls back to plain delegation", -1)).as("logged once for two connections")
                .hasSize(2);
        assertThat(GuardedConnection.internalFailureLogged(false)).isTrue();
    }

    @Test
    void protocolFailureAfterAnOrdinaryStatementRanStillGivesTheJobItsResult() throws SQLException {
        FakeServer server = new FakeServer();
        SessionProtocol broken = mock(SessionProtocol.class);
        when(broken.plan(any())).thenReturn(dev.backupguard.protocol.Plan.PASS);
        when(broken.passesUnchanged(any())).thenReturn(true);
        when(broken.sent(any())).thenThrow(new IllegalStateException("bug in the model"));
        when(server.jobStatement.executeLargeBatch()).thenReturn(new long[]{1});
        Statement s = server.guard(Map.of(), broken).createStatement();

        assertThat(s.executeUpdate("INSERT INTO t VALUES (1)")).as("the driver's answer").isZero();
        verify(server.jobStatement).executeUpdate("INSERT INTO t VALUES (1)");
        s.execute("SELECT * FROM accounts");
        verify(server.jobStatement).execute("SELECT * FROM accounts");
        verify(broken, times(1)).sent(any()); // degraded after the first failure
        s.addBatch("INSERT INTO t VALUES (2)");
        assertThat(s.executeBatch()).containsExactly(1);
    }

    @Test
    void protocolFailureInABackupSessionStopsTheBackup() throws SQLException {
        FakeServer server = new FakeServer();
        SessionProtocol broken = mock(SessionProtocol.class);
        when(broken.plan(any())).thenThrow(new IllegalStateException("bug"));
        when(broken.isBackupSession()).thenReturn(true);
        Statement s = server.guard(Map.of(), broken).createStatement();

        assertThatThrownBy(() -> s.executeQuery("SELECT * FROM accounts")).isInstanceOf(SQLException.class)
                .hasMessageContaining("will not let the backup continue unsafely");
        verify(server.jobStatement, never()).executeQuery(anyString());
    }

    // ---------------------------------------------------------------- pool request boundaries

    @Test
    void endRequestEndsTheBackupSessionLikeClose() throws SQLException {
        FakeServer server = new FakeServer();
        GuardedConnection c = server.guard(BACKUP);
        c.createStatement().executeQuery("SELECT * FROM accounts").close();
        assertThat(c.protocol().inSnapshot()).isTrue();

        c.endRequest();

        assertThat(c.protocol().inSnapshot()).isFalse();
        assertThat(c.protocol().isBackupSession()).isFalse();
        assertThat(server.sent).endsWith("ROLLBACK", "SET SESSION sql_log_bin = 1");
        verify(server.raw).endRequest();
        verify(server.raw, never()).close();
        assertThat(c.isClosed()).isFalse();
    }

    // ---------------------------------------------------------------- DataSource

    @Test
    void dataSourceUnwrapsToItsTargetAndGuardsItsConnections() throws SQLException {
        FakeServer server = new FakeServer();
        DataSource target = mock(DataSource.class);
        when(target.getConnection()).thenReturn(server.raw);
        BackupGuardDataSource ds = new BackupGuardDataSource(target);

        assertThat(ds.unwrap(DataSource.class)).isSameAs(ds);
        assertThat(ds.isWrapperFor(BackupGuardDataSource.class)).isTrue();
        assertThat(ds.isWrapperFor(String.class)).isFalse();
        assertThat(ds.getTarget()).isSameAs(target);
        Connection c = ds.getConnection();
        assertThat(c).isInstanceOf(GuardedConnection.class);
        assertThat(BackupGuard.wrap(c, new java.util.Properties(), ConnectionSource.NONE)).as("never twice")
                .isSameAs(c);
    }
}
