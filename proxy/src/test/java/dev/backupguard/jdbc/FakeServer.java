package dev.backupguard.jdbc;

import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.lenient;
import static org.mockito.Mockito.mock;

import dev.backupguard.config.Settings;
import dev.backupguard.lock.GlobalReadLockGuard;
import dev.backupguard.protocol.SessionProtocol;
import dev.backupguard.telemetry.Telemetry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A driver connection made of Mockito mocks that answers what backup-guard asks (the server-facts probe, the
 * snapshot coordinates) like MariaDB 11.4 does, and records every SQL text the guard and the job send through it.
 * Only for adapter tests: what the server decides is tested against the real one (tests module).
 */
final class FakeServer {

    final Connection raw = mock(Connection.class);
    /** The job's statement as the driver sees it (the guard wraps it). */
    final Statement jobStatement = mock(Statement.class);
    /** Every SQL text sent through any statement of {@link #raw}, in order. */
    final List<String> sent = new ArrayList<>();
    /** The session's sql_mode, as a query for it is answered. */
    String sqlMode = "STRICT_TRANS_TABLES";
    /** The transaction ended behind the guard's back: savepoints are "does not exist" (1305) from now on. */
    boolean savepointsGone;
    /** The account lacks BINLOG ADMIN: {@code SET SESSION sql_log_bin} is refused (1227). */
    boolean noBinlogAdmin;
    /** Statements the server refuses, with the vendor error code. */
    final Map<String, Integer> refused = new java.util.HashMap<>();
    /** What {@code SELECT @@in_transaction, <binlog snapshot file>, <position>} answers (the guard's state check). */
    List<Object> transactionState = java.util.Arrays.asList(1L, "binlog.000001", "4242");

    FakeServer() throws SQLException {
        Statement internal = mock(Statement.class);
        lenient().when(raw.getAutoCommit()).thenReturn(true);
        lenient().when(raw.createStatement()).thenReturn(jobStatement, internal, internal, internal, internal);
        for (Statement s : List.of(jobStatement, internal)) {
            lenient().when(s.execute(anyString())).thenAnswer(i -> {
                String sql = i.getArgument(0);
                sent.add(sql);
                if (noBinlogAdmin && sql.startsWith("SET SESSION sql_log_bin")) {
                    throw new SQLException("Access denied; you need (at least one of) the BINLOG ADMIN privilege(s)",
                            "42000", 1227);
                }
                if (refused.containsKey(sql)) {
                    throw new SQLException("refused", "HY000", refused.get(sql));
                }
                if (savepointsGone && (sql.startsWith("ROLLBACK TO SAVEPOINT") || sql.startsWith("RELEASE SAVEPOINT"))) {
                    throw new SQLException("SAVEPOINT " + sql.substring(sql.lastIndexOf(' ') + 1) + " does not exist",
                            "42000", 1305);
                }
                return false;
            });
            lenient().when(s.executeQuery(anyString())).thenAnswer(i -> answer(i.getArgument(0)));
            lenient().when(s.executeLargeUpdate(anyString())).thenAnswer(i -> {
                sent.add(i.getArgument(0));
                return 1L;
            });
        }
        PreparedStatement engines = mock(PreparedStatement.class);
        lenient().when(raw.prepareStatement(anyString())).thenAnswer(i -> {
            sent.add(i.getArgument(0));
            return engines;
        });
        lenient().when(engines.executeQuery()).thenAnswer(i -> rows(List.of()));
    }

    private ResultSet answer(String sql) throws SQLException {
        sent.add(sql);
        if (sql.contains("VERSION(), @@SESSION.sql_mode")) {
            return rows(List.of(java.util.Arrays.asList("11.4.5-MariaDB-log", sqlMode)));
        }
        if (sql.contains("VERSION()")) {
            return rows(List.of(List.of("11.4.5-MariaDB-log", "MariaDB Server", 1L, 1L, 42L, "shop")));
        }
        if (sql.contains("tx_isolation")) {
            return rows(List.of(List.of("REPEATABLE-READ", "0-1-17", "STRICT_TRANS_TABLES")));
        }
        if (sql.startsWith("SHOW STATUS LIKE 'binlog_snapshot")) {
            return rows(List.of(List.of("Binlog_snapshot_file", "binlog.000001"),
                    List.of("Binlog_snapshot_position", "4242")));
        }
        if (sql.contains("@@in_transaction")) {
            return rows(List.of(transactionState));
        }
        if (sql.startsWith("SELECT BINLOG_GTID_POS")) {
            return rows(List.of(List.of("0-1-17")));
        }
        return rows(List.of(List.of(1L)));
    }

    /** A mock result set over these rows (getString, getLong by index; next until the end). */
    static ResultSet rows(List<List<Object>> rows) throws SQLException {
        ResultSet rs = mock(ResultSet.class);
        int[] at = {-1};
        lenient().when(rs.next()).thenAnswer(i -> ++at[0] < rows.size());
        lenient().when(rs.getString(org.mockito.ArgumentMatchers.anyInt())).thenAnswer(i -> {
            Object v = rows.get(at[0]).get((int) i.getArgument(0) - 1);
            return v == null ? null : v.toString();
        });
        lenient().when(rs.getLong(org.mockito.ArgumentMatchers.anyInt())).thenAnswer(i ->
                ((Number) rows.get(at[0]).get((int) i.getArgument(0) - 1)).longValue());
        lenient().when(rs.getMetaData()).thenReturn(mock(ResultSetMetaData.class));
        return rs;
    }

    /** A guarded connection over this fake, with the given backupguard.* settings. */
    GuardedConnection guard(Map<String, String> settings) throws SQLException {
        return new GuardedConnection(raw, Settings.from(settings), ConnectionSource.NONE, new Telemetry(),
                GlobalReadLockGuard.DIRECT, false, "backup");
    }

    GuardedConnection guard(Map<String, String> settings, SessionProtocol protocol) throws SQLException {
        return new GuardedConnection(raw, Settings.from(settings), ConnectionSource.NONE, new Telemetry(),
                GlobalReadLockGuard.DIRECT, false, "backup", protocol);
    }
}
