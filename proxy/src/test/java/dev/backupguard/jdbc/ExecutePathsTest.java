package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every execute path of Statement, PreparedStatement and CallableStatement goes through the guard: on an ordinary
 * connection each reaches the driver's same overload with the same arguments; in a backup session a statement the
 * protocol absorbs reaches no overload at all.
 */
class ExecutePathsTest {

    private static final Map<String, String> BACKUP = Map.of("backupguard.session", "backup");
    private static final String CONSISTENT_SNAPSHOT = "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */";
    private static final int[] INDEXES = {1};
    private static final String[] NAMES = {"id"};

    /** A job's call on a Statement, and the same call on the driver's statement. */
    interface Call {
        Object on(Statement s, String sql) throws SQLException;
    }

    static Stream<Arguments> statementOverloads() {
        return Stream.of(
                Arguments.of("execute", (Call) Statement::execute),
                Arguments.of("execute keys", (Call) (s, q) -> s.execute(q, Statement.RETURN_GENERATED_KEYS)),
                Arguments.of("execute indexes", (Call) (s, q) -> s.execute(q, INDEXES)),
                Arguments.of("execute names", (Call) (s, q) -> s.execute(q, NAMES)),
                Arguments.of("executeQuery", (Call) Statement::executeQuery),
                Arguments.of("executeUpdate", (Call) Statement::executeUpdate),
                Arguments.of("executeUpdate keys", (Call) (s, q) -> s.executeUpdate(q, Statement.RETURN_GENERATED_KEYS)),
                Arguments.of("executeUpdate indexes", (Call) (s, q) -> s.executeUpdate(q, INDEXES)),
                Arguments.of("executeUpdate names", (Call) (s, q) -> s.executeUpdate(q, NAMES)),
                Arguments.of("executeLargeUpdate", (Call) Statement::executeLargeUpdate),
                Arguments.of("executeLargeUpdate keys",
                        (Call) (s, q) -> s.executeLargeUpdate(q, Statement.RETURN_GENERATED_KEYS)),
                Arguments.of("executeLargeUpdate indexes", (Call) (s, q) -> s.executeLargeUpdate(q, INDEXES)),
                Arguments.of("executeLargeUpdate names", (Call) (s, q) -> s.executeLargeUpdate(q, NAMES)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statementOverloads")
    void ordinaryStatementReachesTheSameDriverOverload(String name, Call call) throws SQLException {
        FakeServer server = new FakeServer();
        Statement s = server.guard(Map.of()).createStatement();

        call.on(s, "INSERT INTO t VALUES (1)");

        call.on(verify(server.jobStatement), "INSERT INTO t VALUES (1)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statementOverloads")
    void absorbedStatementReachesNoDriverOverload(String name, Call call) throws SQLException {
        FakeServer server = new FakeServer();
        GuardedConnection c = server.guard(BACKUP);
        c.createStatement().executeQuery("SELECT * FROM accounts").close(); // the snapshot is open
        Statement s = c.createStatement();

        call.on(s, "START TRANSACTION"); // a second start would commit the snapshot: absorbed

        assertThat(server.sent).doesNotContain("START TRANSACTION");
        assertThat(mockingDetails(server.jobStatement).getInvocations())
                .noneMatch(i -> List.of(i.getArguments()).contains("START TRANSACTION"));
    }

    @Test
    void everyPrepareOverloadIsGuardedAndItsExecutionPlanned() throws SQLException {
        FakeServer server = new FakeServer();
        PreparedStatement raw = mock(PreparedStatement.class);
        CallableStatement rawCall = mock(CallableStatement.class);
        ResultSet noTables = FakeServer.rows(List.of()); // the probe's engine check prepares a statement too
        when(raw.executeQuery()).thenReturn(noTables);
        when(server.raw.prepareStatement(anyString())).thenReturn(raw);
        when(server.raw.prepareStatement(anyString(), org.mockito.ArgumentMatchers.anyInt())).thenReturn(raw);
        when(server.raw.prepareStatement(anyString(), org.mockito.ArgumentMatchers.any(int[].class))).thenReturn(raw);
        when(server.raw.prepareStatement(anyString(), org.mockito.ArgumentMatchers.any(String[].class)))
                .thenReturn(raw);
        when(server.raw.prepareStatement(anyString(), org.mockito.ArgumentMatchers.anyInt(),
                org.mockito.ArgumentMatchers.anyInt())).thenReturn(raw);
        when(server.raw.prepareStatement(anyString(), org.mockito.ArgumentMatchers.anyInt(),
                org.mockito.ArgumentMatchers.anyInt(), org.mockito.ArgumentMatchers.anyInt())).thenReturn(raw);
        when(server.raw.prepareCall(anyString())).thenReturn(rawCall);
        when(server.raw.prepareCall(anyString(), org.mockito.ArgumentMatchers.anyInt(),
                org.mockito.ArgumentMatchers.anyInt())).thenReturn(rawCall);
        when(server.raw.prepareCall(anyString(), org.mockito.ArgumentMatchers.anyInt(),
                org.mockito.ArgumentMatchers.anyInt(), org.mockito.ArgumentMatchers.anyInt())).thenReturn(rawCall);
        GuardedConnection c = server.guard(BACKUP);
        c.createStatement().executeQuery("SELECT * FROM accounts").close(); // the snapshot is open
        String sql = "START TRANSACTION";
        int t = ResultSet.TYPE_FORWARD_ONLY;
        int k = ResultSet.CONCUR_READ_ONLY;
        int h = ResultSet.HOLD_CURSORS_OVER_COMMIT;
        List<PreparedStatement> all = List.of(c.prepareStatement(sql),
                c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS), c.prepareStatement(sql, INDEXES),
                c.prepareStatement(sql, NAMES), c.prepareStatement(sql, t, k), c.prepareStatement(sql, t, k, h),
                c.prepareCall(sql), c.prepareCall(sql, t, k), c.prepareCall(sql, t, k, h));

        for (PreparedStatement ps : all) {
            assertThat(ps.getConnection()).isSameAs(c);
            assertThat(ps.executeUpdate()).isZero();
            assertThat(ps.executeLargeUpdate()).isZero();
            assertThat(ps.execute()).isFalse();
            assertThat(ps.getUpdateCount()).isZero();
            ps.addBatch();
            ps.addBatch();
            assertThat(ps.executeBatch()).as("answered as a whole: one count per execution, nothing ran")
                    .containsExactly(0, 0);
        }
        verify(raw, never()).executeUpdate();
        verify(raw, never()).executeLargeUpdate();
        verify(raw, never()).execute();
        verify(raw, never()).executeBatch();
        verify(rawCall, never()).execute();
        assertThat(server.sent).doesNotContain(sql);
    }

    @Test
    void ordinaryPreparedBatchIsOneDriverCall() throws SQLException {
        FakeServer server = new FakeServer();
        PreparedStatement raw = mock(PreparedStatement.class);
        when(server.raw.prepareStatement("INSERT INTO t VALUES (?)")).thenReturn(raw);
        when(raw.executeBatch()).thenReturn(new int[]{1, 1});
        PreparedStatement ps = server.guard(Map.of()).prepareStatement("INSERT INTO t VALUES (?)");
        ps.setInt(1, 1);
        ps.addBatch();
        ps.setInt(1, 2);
        ps.addBatch();

        assertThat(ps.executeBatch()).containsExactly(1, 1);
        verify(raw).executeBatch();
        verify(raw).setInt(1, 2);
    }

    /**
     * A prepared table read that starts the backup session is the plan's own statement in the start sequence, not a
     * rewrite: it runs in its prepared form, with its parameters, never as plain SQL text with a '?' in it.
     */
    @Test
    void preparedStatementThatStartsTheSessionRunsPrepared() throws SQLException {
        FakeServer server = new FakeServer();
        PreparedStatement raw = mock(PreparedStatement.class);
        String sql = "SELECT * FROM accounts WHERE id = ?";
        doReturn(raw).when(server.raw).prepareStatement(sql); // not recorded as sent, as when(...) would
        ResultSet noRows = FakeServer.rows(List.of());
        when(raw.executeQuery()).thenReturn(noRows);
        PreparedStatement ps = server.guard(BACKUP).prepareStatement(sql);
        ps.setInt(1, 7);

        ps.executeQuery().close();

        verify(raw).setInt(1, 7);
        verify(raw).executeQuery();
        assertThat(server.sent).contains(CONSISTENT_SNAPSHOT).doesNotContain(sql);
    }

    /**
     * A prepared START TRANSACTION that starts the backup session is rewritten to START TRANSACTION WITH CONSISTENT
     * SNAPSHOT, which is sent as plain SQL; the prepared statement itself is never executed.
     */
    @Test
    void rewrittenPreparedStatementIsSentAsPlainSql() throws SQLException {
        FakeServer server = new FakeServer();
        PreparedStatement raw = mock(PreparedStatement.class);
        doReturn(raw).when(server.raw).prepareStatement("START TRANSACTION");
        PreparedStatement ps = server.guard(BACKUP).prepareStatement("START TRANSACTION");

        assertThat(ps.execute()).isFalse();

        verify(raw, never()).execute();
        assertThat(server.sent).contains(CONSISTENT_SNAPSHOT).doesNotContain("START TRANSACTION");
    }

    @Test
    void nativeSqlIsTheDriversAndSendsNothing() throws SQLException {
        FakeServer server = new FakeServer();
        when(server.raw.nativeSQL("SELECT {fn NOW()}")).thenReturn("SELECT NOW()");
        Connection c = server.guard(Map.of());

        assertThat(c.nativeSQL("SELECT {fn NOW()}")).isEqualTo("SELECT NOW()");
        assertThat(server.sent).isEmpty();
    }
}
