package dev.backupguard.jdbc;

import dev.backupguard.config.Connector;
import dev.backupguard.protocol.Result;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Map;

/**
 * The answer to an absorbed statement (SHOW MASTER STATUS answered with the snapshot's coordinates, a GTID read):
 * a forward-only, read-only result set over a few in-memory rows, with the server's column labels and types, so the
 * job reads it exactly as it would read the server's own. It reads values by column index; reads by label, updates
 * and everything else come from {@link RefusingResultSet} (generated), which refuses what is not written here.
 */
final class AnsweredResultSet extends RefusingResultSet {

    private final Result.Rows rows;
    private final Statement owner;
    private final Connector driver;
    private int row = -1;
    private boolean closed;
    private boolean wasNull;

    /** {@code driver}: the Connector/J whose result sets this one reads like. */
    AnsweredResultSet(Result.Rows rows, Statement owner, Connector driver) {
        this.rows = rows;
        this.owner = owner;
        this.driver = driver;
    }

    @Override
    SQLFeatureNotSupportedException unsupported(String method) {
        return new SQLFeatureNotSupportedException("backup-guard answered this statement itself; its result set "
                + "does not support " + method, "0A000");
    }

    private void open() throws SQLException {
        if (closed) {
            throw new SQLException("result set is closed", "S1000");
        }
    }

    private Object value(int column) throws SQLException {
        open();
        if (row < 0 || row >= rows.rows().size()) {
            throw new SQLException("no current row", "S1000");
        }
        if (column < 1 || column > rows.columns().size()) {
            throw new SQLException("column index " + column + " out of range 1.." + rows.columns().size(), "S1009");
        }
        Object v = rows.rows().get(row).get(column - 1);
        wasNull = v == null;
        return v;
    }

    // ---------------------------------------------------------------- cursor

    @Override
    public boolean next() throws SQLException {
        open();
        if (row < rows.rows().size()) {
            row++;
        }
        return row < rows.rows().size();
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isBeforeFirst() {
        return row < 0 && !rows.rows().isEmpty();
    }

    @Override
    public boolean isAfterLast() {
        return row >= rows.rows().size() && !rows.rows().isEmpty();
    }

    @Override
    public boolean isFirst() {
        return row == 0 && !rows.rows().isEmpty();
    }

    @Override
    public boolean isLast() {
        return row == rows.rows().size() - 1 && row >= 0;
    }

    @Override
    public int getRow() {
        return row >= 0 && row < rows.rows().size() ? row + 1 : 0;
    }

    // ---------------------------------------------------------------- values

    @Override
    public int findColumn(String label) throws SQLException {
        List<Result.Column> cols = rows.columns();
        for (int i = 0; i < cols.size(); i++) {
            if (cols.get(i).label().equalsIgnoreCase(label)) {
                return i + 1;
            }
        }
        throw new SQLException("no column labelled '" + label + "'", "S0022");
    }

    @Override
    public boolean wasNull() {
        return wasNull;
    }

    @Override
    public String getString(int column) throws SQLException {
        Object v = value(column);
        return v == null ? null : v.toString();
    }

    @Override
    public long getLong(int column) throws SQLException {
        Object v = value(column);
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new SQLException("value '" + v + "' is not a number", "22018", e);
        }
    }

    @Override
    public int getInt(int column) throws SQLException {
        return Math.toIntExact(getLong(column));
    }

    @Override
    public short getShort(int column) throws SQLException {
        return (short) getLong(column);
    }

    @Override
    public byte getByte(int column) throws SQLException {
        return (byte) getLong(column);
    }

    @Override
    public double getDouble(int column) throws SQLException {
        return getLong(column);
    }

    @Override
    public float getFloat(int column) throws SQLException {
        return getLong(column);
    }

    @Override
    public boolean getBoolean(int column) throws SQLException {
        return getLong(column) != 0;
    }

    @Override
    public BigDecimal getBigDecimal(int column) throws SQLException {
        Object v = value(column);
        return v == null ? null : new BigDecimal(v.toString());
    }

    @Override
    public Object getObject(int column) throws SQLException {
        Object v = value(column);
        // Position is BIGINT UNSIGNED on the server; drivers give java.math.BigInteger for it (Connector/J) or Long.
        if (v instanceof Long l && rows.columns().get(column - 1).sqlType() == Types.BIGINT) {
            return BigInteger.valueOf(l);
        }
        return v;
    }

    @Override
    public Object getObject(int column, Map<String, Class<?>> map) throws SQLException {
        return getObject(column);
    }

    @Override
    public <T> T getObject(int column, Class<T> type) throws SQLException {
        if (type == String.class) {
            return type.cast(getString(column));
        }
        if (type == Long.class || type == Integer.class) {
            if (value(column) == null) {
                return null;
            }
            return type.cast(type == Long.class ? Long.valueOf(getLong(column)) : Integer.valueOf(getInt(column)));
        }
        Object v = getObject(column);
        if (v == null || type.isInstance(v)) {
            return type.cast(v);
        }
        throw new SQLException("cannot convert column " + column + " to " + type.getName(), "22018");
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        open();
        return new AnsweredMetaData(rows, driver);
    }

    // ---------------------------------------------------------------- the result set's own properties

    @Override
    public Statement getStatement() {
        return owner;
    }

    @Override
    public SQLWarning getWarnings() {
        return null;
    }

    @Override
    public void clearWarnings() {
        // An answer from memory has no warnings.
    }

    @Override
    public int getType() {
        return TYPE_FORWARD_ONLY;
    }

    @Override
    public int getConcurrency() {
        return CONCUR_READ_ONLY;
    }

    @Override
    public int getHoldability() {
        return CLOSE_CURSORS_AT_COMMIT;
    }

    @Override
    public int getFetchDirection() {
        return FETCH_FORWARD;
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        if (direction != FETCH_FORWARD) {
            throw unsupported("fetch directions other than FETCH_FORWARD");
        }
    }

    @Override
    public int getFetchSize() {
        return 0;
    }

    @Override
    public void setFetchSize(int rows) {
        // A few rows in memory: nothing to fetch.
    }
}
