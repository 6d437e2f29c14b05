package dev.backupguard.jdbc;

import dev.backupguard.classify.Statement;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.List;

/**
 * A prepared statement under backup-guard: its SQL is classified once, when it is prepared; each execution is
 * planned like a plain statement's. A rewrite (never needed for statements with parameters) is sent as plain SQL.
 */
class GuardedPreparedStatement extends GuardedStatement implements PreparedStatement {

    private final PreparedStatement ps;
    private final String sql;
    private Statement classified;
    private int batched;

    GuardedPreparedStatement(GuardedConnection conn, PreparedStatement ps, String sql) throws SQLException {
        super(conn, ps);
        this.ps = ps;
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
        return query(classified(), text -> text == sql ? ps.executeQuery() : rewritten(text, true));
    }

    @Override
    public int executeUpdate() throws SQLException {
        return (int) update(classified(), text -> text == sql ? (long) ps.executeUpdate() : rewrittenCount(text));
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return update(classified(), text -> text == sql ? ps.executeLargeUpdate() : rewrittenCount(text));
    }

    @Override
    public boolean execute() throws SQLException {
        return execute(classified(), text -> text == sql ? ps.execute() : rewritten(text, false) != null);
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
        ps.addBatch();
        batched++;
    }

    @Override
    public void clearBatch() throws SQLException {
        super.clearBatch();
        batched = 0;
    }

    /** A parameter batch runs one statement many times: planned once, refused or passed as a whole. */
    @Override
    public long[] executeLargeBatch() throws SQLException {
        if (batched == 0) {
            return super.executeLargeBatch();
        }
        int n = batched;
        batched = 0;
        startExecution();
        long[][] out = new long[1][];
        update(classified(), text -> {
            out[0] = ps.executeLargeBatch();
            return (long) n;
        });
        // Absorbed as a whole (never sent): one count per batched execution, as the driver would answer.
        return out[0] == null ? new long[n] : out[0];
    }

    @Override
    public int[] executeBatch() throws SQLException {
        if (batched == 0) {
            return super.executeBatch();
        }
        int n = batched;
        batched = 0;
        startExecution();
        int[][] out = new int[1][];
        update(classified(), text -> {
            out[0] = ps.executeBatch();
            return (long) n;
        });
        return out[0] == null ? new int[n] : out[0];
    }

    // ---------------------------------------------------------------- plain delegation

    @Override
    public void setNull(int index, int i1) throws SQLException {
        ps.setNull(index, i1);
    }

    @Override
    public void setBoolean(int index, boolean bv1) throws SQLException {
        ps.setBoolean(index, bv1);
    }

    @Override
    public void setByte(int index, byte bv1) throws SQLException {
        ps.setByte(index, bv1);
    }

    @Override
    public void setShort(int index, short sv1) throws SQLException {
        ps.setShort(index, sv1);
    }

    @Override
    public void setInt(int index, int i1) throws SQLException {
        ps.setInt(index, i1);
    }

    @Override
    public void setLong(int index, long lv1) throws SQLException {
        ps.setLong(index, lv1);
    }

    @Override
    public void setFloat(int index, float fv1) throws SQLException {
        ps.setFloat(index, fv1);
    }

    @Override
    public void setDouble(int index, double dv1) throws SQLException {
        ps.setDouble(index, dv1);
    }

    @Override
    public void setBigDecimal(int index, java.math.BigDecimal bigDecimal) throws SQLException {
        ps.setBigDecimal(index, bigDecimal);
    }

    @Override
    public void setString(int index, String s1) throws SQLException {
        ps.setString(index, s1);
    }

    @Override
    public void setBytes(int index, byte[] bytes) throws SQLException {
        ps.setBytes(index, bytes);
    }

    @Override
    public void setDate(int index, Date date) throws SQLException {
        ps.setDate(index, date);
    }

    @Override
    public void setTime(int index, Time time) throws SQLException {
        ps.setTime(index, time);
    }

    @Override
    public void setTimestamp(int index, Timestamp timestamp) throws SQLException {
        ps.setTimestamp(index, timestamp);
    }

    @Override
    public void setAsciiStream(int index, java.io.InputStream inputStream, int i2) throws SQLException {
        ps.setAsciiStream(index, inputStream, i2);
    }

    @Override
    public void setUnicodeStream(int index, java.io.InputStream inputStream, int i2) throws SQLException {
        ps.setUnicodeStream(index, inputStream, i2);
    }

    @Override
    public void setBinaryStream(int index, java.io.InputStream inputStream, int i2) throws SQLException {
        ps.setBinaryStream(index, inputStream, i2);
    }

    @Override
    public void clearParameters() throws SQLException {
        ps.clearParameters();
    }

    @Override
    public void setObject(int index, Object object, int i2) throws SQLException {
        ps.setObject(index, object, i2);
    }

    @Override
    public void setObject(int index, Object object) throws SQLException {
        ps.setObject(index, object);
    }

    @Override
    public void setCharacterStream(int index, java.io.Reader reader, int i2) throws SQLException {
        ps.setCharacterStream(index, reader, i2);
    }

    @Override
    public void setRef(int index, Ref ref) throws SQLException {
        ps.setRef(index, ref);
    }

    @Override
    public void setBlob(int index, Blob blob) throws SQLException {
        ps.setBlob(index, blob);
    }

    @Override
    public void setClob(int index, Clob clob) throws SQLException {
        ps.setClob(index, clob);
    }

    @Override
    public void setArray(int index, Array array) throws SQLException {
        ps.setArray(index, array);
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return ps.getMetaData();
    }

    @Override
    public void setDate(int index, Date date, java.util.Calendar calendar) throws SQLException {
        ps.setDate(index, date, calendar);
    }

    @Override
    public void setTime(int index, Time time, java.util.Calendar calendar) throws SQLException {
        ps.setTime(index, time, calendar);
    }

    @Override
    public void setTimestamp(int index, Timestamp timestamp, java.util.Calendar calendar) throws SQLException {
        ps.setTimestamp(index, timestamp, calendar);
    }

    @Override
    public void setNull(int index, int i1, String s2) throws SQLException {
        ps.setNull(index, i1, s2);
    }

    @Override
    public void setURL(int index, java.net.URL uRL) throws SQLException {
        ps.setURL(index, uRL);
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        return ps.getParameterMetaData();
    }

    @Override
    public void setRowId(int index, RowId rowId) throws SQLException {
        ps.setRowId(index, rowId);
    }

    @Override
    public void setNString(int index, String s1) throws SQLException {
        ps.setNString(index, s1);
    }

    @Override
    public void setNCharacterStream(int index, java.io.Reader reader, long lv2) throws SQLException {
        ps.setNCharacterStream(index, reader, lv2);
    }

    @Override
    public void setNClob(int index, NClob nClob) throws SQLException {
        ps.setNClob(index, nClob);
    }

    @Override
    public void setClob(int index, java.io.Reader reader, long lv2) throws SQLException {
        ps.setClob(index, reader, lv2);
    }

    @Override
    public void setBlob(int index, java.io.InputStream inputStream, long lv2) throws SQLException {
        ps.setBlob(index, inputStream, lv2);
    }

    @Override
    public void setNClob(int index, java.io.Reader reader, long lv2) throws SQLException {
        ps.setNClob(index, reader, lv2);
    }

    @Override
    public void setSQLXML(int index, SQLXML sQLXML) throws SQLException {
        ps.setSQLXML(index, sQLXML);
    }

    @Override
    public void setObject(int index, Object object, int i2, int i3) throws SQLException {
        ps.setObject(index, object, i2, i3);
    }

    @Override
    public void setAsciiStream(int index, java.io.InputStream inputStream, long lv2) throws SQLException {
        ps.setAsciiStream(index, inputStream, lv2);
    }

    @Override
    public void setBinaryStream(int index, java.io.InputStream inputStream, long lv2) throws SQLException {
        ps.setBinaryStream(index, inputStream, lv2);
    }

    @Override
    public void setCharacterStream(int index, java.io.Reader reader, long lv2) throws SQLException {
        ps.setCharacterStream(index, reader, lv2);
    }

    @Override
    public void setAsciiStream(int index, java.io.InputStream inputStream) throws SQLException {
        ps.setAsciiStream(index, inputStream);
    }

    @Override
    public void setBinaryStream(int index, java.io.InputStream inputStream) throws SQLException {
        ps.setBinaryStream(index, inputStream);
    }

    @Override
    public void setCharacterStream(int index, java.io.Reader reader) throws SQLException {
        ps.setCharacterStream(index, reader);
    }

    @Override
    public void setNCharacterStream(int index, java.io.Reader reader) throws SQLException {
        ps.setNCharacterStream(index, reader);
    }

    @Override
    public void setClob(int index, java.io.Reader reader) throws SQLException {
        ps.setClob(index, reader);
    }

    @Override
    public void setBlob(int index, java.io.InputStream inputStream) throws SQLException {
        ps.setBlob(index, inputStream);
    }

    @Override
    public void setNClob(int index, java.io.Reader reader) throws SQLException {
        ps.setNClob(index, reader);
    }

    @Override
    public void setObject(int index, Object object, SQLType sQLType, int i3) throws SQLException {
        ps.setObject(index, object, sQLType, i3);
    }

    @Override
    public void setObject(int index, Object object, SQLType sQLType) throws SQLException {
        ps.setObject(index, object, sQLType);
    }

}
