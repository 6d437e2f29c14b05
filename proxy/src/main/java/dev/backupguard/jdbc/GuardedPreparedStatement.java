package dev.backupguard.jdbc;

import dev.backupguard.classify.Statement;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A prepared statement under backup-guard: its SQL is classified once, when it is prepared; each execution is
 * planned like a plain statement's. A rewrite (never needed for statements with parameters) is sent as plain SQL.
 */
class GuardedPreparedStatement extends DelegatingPreparedStatement {

    private final String sql;
    private Statement classified;
    private int batched;

    GuardedPreparedStatement(GuardedConnection conn, PreparedStatement ps, String sql) throws SQLException {
        super(conn, ps);
        this.sql = sql;
        this.classified = classify(conn, sql);
    }

    private static Statement classify(GuardedConnection conn, String sql) throws SQLException {
        List<Statement> parts = conn.multiStatements() ? conn.classifyAll(sql) : List.of(conn.classify(sql));
        // A prepared multi-statement is one server call: planned by its first statement when the rest pass
        // unchanged; otherwise by the first statement that does not (so a backup statement is never hidden).
        Statement first = parts.get(0);
        for (Statement p : parts) {
            if (!conn.passUnchanged(List.of(p))) {
                first = p;
                break;
            }
        }
        return new Statement(first.kind(), sql, first.target(), first.tables(), first.name(), first.isolation(),
                first.flags());
    }

    /**
     * The statement as the protocol needs it now: a query prepared while only its leading keyword mattered (the
     * guardrail role, no backup session) is classified in full once the connection becomes a backup session.
     */
    private Statement classified() throws SQLException {
        if (classified.has(Statement.F_SHALLOW) && conn.needsDetails()) {
            classified = classify(conn, sql);
        }
        return classified;
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return query(classified(), (text, rewritten) -> rewritten ? rewritten(text, true) : prepared.executeQuery());
    }

    @Override
    public int executeUpdate() throws SQLException {
        return (int) update(classified(),
                (text, rewritten) -> rewritten ? rewrittenCount(text) : prepared.executeUpdate());
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return update(classified(),
                (text, rewritten) -> rewritten ? rewrittenCount(text) : prepared.executeLargeUpdate());
    }

    @Override
    public boolean execute() throws SQLException {
        return execute(classified(),
                (text, rewritten) -> rewritten ? rewritten(text, false) != null : prepared.execute());
    }

    private ResultSet rewritten(String sql, boolean query) throws SQLException {
        java.sql.Statement s = conn.raw().createStatement();
        s.closeOnCompletion();
        if (query) {
            return s.executeQuery(sql);
        }
        s.execute(sql);
        ResultSet rs = s.getResultSet();
        if (rs == null) {
            s.close();
        }
        return rs;
    }

    private long rewrittenCount(String sql) throws SQLException {
        try (java.sql.Statement s = conn.raw().createStatement()) {
            return s.executeLargeUpdate(sql);
        }
    }

    @Override
    public void addBatch() throws SQLException {
        prepared.addBatch();
        batched++;
    }

    @Override
    public void clearBatch() throws SQLException {
        super.clearBatch();
        batched = 0;
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        return batched == 0 ? super.executeLargeBatch() : parameterBatch(prepared::executeLargeBatch, long[]::new);
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return batched == 0 ? super.executeBatch() : parameterBatch(prepared::executeBatch, int[]::new);
    }

    /** The driver's batch call: {@code int[]} or {@code long[]} counts. */
    @FunctionalInterface
    private interface BatchCall<T> {
        T run() throws SQLException;
    }

    /**
     * A parameter batch runs one statement many times: planned once, refused or passed as a whole. Absorbed as a
     * whole (never sent), it answers one count of 0 per batched execution, as the driver would.
     */
    private <T> T parameterBatch(BatchCall<T> call, IntFunction<T> absorbed) throws SQLException {
        int n = batched;
        batched = 0;
        List<T> sent = new ArrayList<>(1);
        update(classified(), (text, rewritten) -> {
            sent.add(call.run());
            return (long) n;
        });
        return sent.isEmpty() ? absorbed.apply(n) : sent.get(0);
    }
}
