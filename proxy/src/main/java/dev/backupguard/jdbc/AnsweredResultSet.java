package dev.backupguard.jdbc;

import dev.backupguard.protocol.Result;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Calendar;
import java.util.List;
import java.util.Map;

/**
 * The answer to an absorbed statement (SHOW MASTER STATUS answered with the snapshot's coordinates, a GTID read):
 * a forward-only, read-only result set over a few in-memory rows, with the server's column labels and types, so the
 * job reads it exactly as it would read the server's own.
 */
final class AnsweredResultSet implements ResultSet {

    private final Result.Rows rows;
    private final Statement owner;
    private int row = -1;
    private boolean closed;
    private boolean wasNull;

    AnsweredResultSet(Result.Rows rows, Statement owner) {
        this.rows = rows;
        this.owner = owner;
    }

    static SQLException unsupported(String what) {
        return new SQLFeatureNotSupportedException("backup-guard answered this statement itself; its result set "
                + "does not support " + what, "0A000");
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
    public boolean wasNull() {
        return wasNull;
    }

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
    public String getString(int index) throws SQLException {
        Object v = value(index);
        return v == null ? null : v.toString();
    }

    @Override
    public String getString(String label) throws SQLException {
        return getString(findColumn(label));
    }

    @Override
    public long getLong(int index) throws SQLException {
        Object v = value(index);
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
    public long getLong(String label) throws SQLException {
        return getLong(findColumn(label));
    }

    @Override
    public int getInt(int index) throws SQLException {
        return Math.toIntExact(getLong(index));
    }

    @Override
    public int getInt(String label) throws SQLException {
        return getInt(findColumn(label));
    }

    @Override
    public short getShort(int index) throws SQLException {
        return (short) getLong(index);
    }

    @Override
    public short getShort(String label) throws SQLException {
        return getShort(findColumn(label));
    }

    @Override
    public byte getByte(int index) throws SQLException {
        return (byte) getLong(index);
    }

    @Override
    public byte getByte(String label) throws SQLException {
        return getByte(findColumn(label));
    }

    @Override
    public double getDouble(int index) throws SQLException {
        return getLong(index);
    }

    @Override
    public double getDouble(String label) throws SQLException {
        return getDouble(findColumn(label));
    }

    @Override
    public float getFloat(int index) throws SQLException {
        return getLong(index);
    }

    @Override
    public float getFloat(String label) throws SQLException {
        return getFloat(findColumn(label));
    }

    @Override
    public boolean getBoolean(int index) throws SQLException {
        return getLong(index) != 0;
    }

    @Override
    public boolean getBoolean(String label) throws SQLException {
        return getBoolean(findColumn(label));
    }

    @Override
    public BigDecimal getBigDecimal(int index) throws SQLException {
        Object v = value(index);
        return v == null ? null : new BigDecimal(v.toString());
    }

    @Override
    public BigDecimal getBigDecimal(String label) throws SQLException {
        return getBigDecimal(findColumn(label));
    }

    @Override
    public Object getObject(int index) throws SQLException {
        Object v = value(index);
        // Position is BIGINT UNSIGNED on the server; drivers give java.math.BigInteger for it (Connector/J) or Long.
        if (v instanceof Long l && rows.columns().get(index - 1).sqlType() == Types.BIGINT) {
            return java.math.BigInteger.valueOf(l);
        }
        return v;
    }

    @Override
    public Object getObject(String label) throws SQLException {
        return getObject(findColumn(label));
    }

    @Override
    public <T> T getObject(int index, Class<T> type) throws SQLException {
        if (type == String.class) {
            return type.cast(getString(index));
        }
        if (type == Long.class) {
            Object v = value(index);
            return v == null ? null : type.cast(getLong(index));
        }
        if (type == Integer.class) {
            Object v = value(index);
            return v == null ? null : type.cast(getInt(index));
        }
        Object v = getObject(index);
        if (v == null || type.isInstance(v)) {
            return type.cast(v);
        }
        throw new SQLException("cannot convert column " + index + " to " + type.getName(), "22018");
    }

    @Override
    public <T> T getObject(String label, Class<T> type) throws SQLException {
        return getObject(findColumn(label), type);
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        open();
        return new AnsweredMetaData(rows.columns());
    }

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

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName(), "S1009");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    /** Column descriptions of an answered result set. */
    private record AnsweredMetaData(List<Result.Column> columns) implements ResultSetMetaData {

        private Result.Column col(int i) throws SQLException {
            if (i < 1 || i > columns.size()) {
                throw new SQLException("column index " + i + " out of range 1.." + columns.size(), "S1009");
            }
            return columns.get(i - 1);
        }

        @Override
        public int getColumnCount() {
            return columns.size();
        }

        @Override
        public String getColumnLabel(int i) throws SQLException {
            return col(i).label();
        }

        @Override
        public String getColumnName(int i) throws SQLException {
            return col(i).label();
        }

        @Override
        public int getColumnType(int i) throws SQLException {
            return col(i).sqlType();
        }

        @Override
        public String getColumnTypeName(int i) throws SQLException {
            return col(i).typeName();
        }

        @Override
        public String getColumnClassName(int i) throws SQLException {
            return col(i).sqlType() == Types.BIGINT ? "java.math.BigInteger" : "java.lang.String";
        }

        @Override
        public boolean isAutoIncrement(int i) {
            return false;
        }

        @Override
        public boolean isCaseSensitive(int i) {
            return false;
        }

        @Override
        public boolean isSearchable(int i) {
            return false;
        }

        @Override
        public boolean isCurrency(int i) {
            return false;
        }

        @Override
        public int isNullable(int i) {
            return columnNullable;
        }

        @Override
        public boolean isSigned(int i) {
            return false;
        }

        @Override
        public int getColumnDisplaySize(int i) throws SQLException {
            return col(i).sqlType() == Types.BIGINT ? 20 : 512;
        }

        @Override
        public String getSchemaName(int i) {
            return "";
        }

        @Override
        public int getPrecision(int i) throws SQLException {
            return getColumnDisplaySize(i);
        }

        @Override
        public int getScale(int i) {
            return 0;
        }

        @Override
        public String getTableName(int i) {
            return "";
        }

        @Override
        public String getCatalogName(int i) {
            return "";
        }

        @Override
        public boolean isReadOnly(int i) {
            return true;
        }

        @Override
        public boolean isWritable(int i) {
            return false;
        }

        @Override
        public boolean isDefinitelyWritable(int i) {
            return false;
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            if (iface.isInstance(this)) {
                return iface.cast(this);
            }
            throw new SQLException("not a wrapper for " + iface.getName(), "S1009");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return iface.isInstance(this);
        }
    }

    @Override
    public Object getObject(int index, Map<String, Class<?>> map) throws SQLException {
        return getObject(index);
    }

    @Override
    public Object getObject(String label, Map<String, Class<?>> map) throws SQLException {
        return getObject(label);
    }

    // ---------------------------------------------------------------- not supported on an answered result set

    @Override
    public java.math.BigDecimal getBigDecimal(int index, int i1) throws SQLException {
        throw unsupported("getBigDecimal");
    }

    @Override
    public byte[] getBytes(int index) throws SQLException {
        throw unsupported("getBytes");
    }

    @Override
    public Date getDate(int index) throws SQLException {
        throw unsupported("getDate");
    }

    @Override
    public Time getTime(int index) throws SQLException {
        throw unsupported("getTime");
    }

    @Override
    public Timestamp getTimestamp(int index) throws SQLException {
        throw unsupported("getTimestamp");
    }

    @Override
    public java.io.InputStream getAsciiStream(int index) throws SQLException {
        throw unsupported("getAsciiStream");
    }

    @Override
    public java.io.InputStream getUnicodeStream(int index) throws SQLException {
        throw unsupported("getUnicodeStream");
    }

    @Override
    public java.io.InputStream getBinaryStream(int index) throws SQLException {
        throw unsupported("getBinaryStream");
    }

    @Override
    public java.math.BigDecimal getBigDecimal(String label, int i1) throws SQLException {
        throw unsupported("getBigDecimal");
    }

    @Override
    public byte[] getBytes(String label) throws SQLException {
        throw unsupported("getBytes");
    }

    @Override
    public Date getDate(String label) throws SQLException {
        throw unsupported("getDate");
    }

    @Override
    public Time getTime(String label) throws SQLException {
        throw unsupported("getTime");
    }

    @Override
    public Timestamp getTimestamp(String label) throws SQLException {
        throw unsupported("getTimestamp");
    }

    @Override
    public java.io.InputStream getAsciiStream(String label) throws SQLException {
        throw unsupported("getAsciiStream");
    }

    @Override
    public java.io.InputStream getUnicodeStream(String label) throws SQLException {
        throw unsupported("getUnicodeStream");
    }

    @Override
    public java.io.InputStream getBinaryStream(String label) throws SQLException {
        throw unsupported("getBinaryStream");
    }

    @Override
    public String getCursorName() throws SQLException {
        throw unsupported("getCursorName");
    }

    @Override
    public java.io.Reader getCharacterStream(int index) throws SQLException {
        throw unsupported("getCharacterStream");
    }

    @Override
    public java.io.Reader getCharacterStream(String label) throws SQLException {
        throw unsupported("getCharacterStream");
    }

    @Override
    public void beforeFirst() throws SQLException {
        throw unsupported("beforeFirst");
    }

    @Override
    public void afterLast() throws SQLException {
        throw unsupported("afterLast");
    }

    @Override
    public boolean first() throws SQLException {
        throw unsupported("first");
    }

    @Override
    public boolean last() throws SQLException {
        throw unsupported("last");
    }

    @Override
    public boolean absolute(int index) throws SQLException {
        throw unsupported("absolute");
    }

    @Override
    public boolean relative(int index) throws SQLException {
        throw unsupported("relative");
    }

    @Override
    public boolean previous() throws SQLException {
        throw unsupported("previous");
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        throw unsupported("rowUpdated");
    }

    @Override
    public boolean rowInserted() throws SQLException {
        throw unsupported("rowInserted");
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        throw unsupported("rowDeleted");
    }

    @Override
    public void updateNull(int index) throws SQLException {
        throw unsupported("updateNull");
    }

    @Override
    public void updateBoolean(int index, boolean bv1) throws SQLException {
        throw unsupported("updateBoolean");
    }

    @Override
    public void updateByte(int index, byte bv1) throws SQLException {
        throw unsupported("updateByte");
    }

    @Override
    public void updateShort(int index, short sv1) throws SQLException {
        throw unsupported("updateShort");
    }

    @Override
    public void updateInt(int index, int i1) throws SQLException {
        throw unsupported("updateInt");
    }

    @Override
    public void updateLong(int index, long lv1) throws SQLException {
        throw unsupported("updateLong");
    }

    @Override
    public void updateFloat(int index, float fv1) throws SQLException {
        throw unsupported("updateFloat");
    }

    @Override
    public void updateDouble(int index, double dv1) throws SQLException {
        throw unsupported("updateDouble");
    }

    @Override
    public void updateBigDecimal(int index, java.math.BigDecimal bigDecimal) throws SQLException {
        throw unsupported("updateBigDecimal");
    }

    @Override
    public void updateString(int index, String s1) throws SQLException {
        throw unsupported("updateString");
    }

    @Override
    public void updateBytes(int index, byte[] bytes) throws SQLException {
        throw unsupported("updateBytes");
    }

    @Override
    public void updateDate(int index, Date date) throws SQLException {
        throw unsupported("updateDate");
    }

    @Override
    public void updateTime(int index, Time time) throws SQLException {
        throw unsupported("updateTime");
    }

    @Override
    public void updateTimestamp(int index, Timestamp timestamp) throws SQLException {
        throw unsupported("updateTimestamp");
    }

    @Override
    public void updateAsciiStream(int index, java.io.InputStream inputStream, int i2) throws SQLException {
        throw unsupported("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(int index, java.io.InputStream inputStream, int i2) throws SQLException {
        throw unsupported("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(int index, java.io.Reader reader, int i2) throws SQLException {
        throw unsupported("updateCharacterStream");
    }

    @Override
    public void updateObject(int index, Object object, int i2) throws SQLException {
        throw unsupported("updateObject");
    }

    @Override
    public void updateObject(int index, Object object) throws SQLException {
        throw unsupported("updateObject");
    }

    @Override
    public void updateNull(String label) throws SQLException {
        throw unsupported("updateNull");
    }

    @Override
    public void updateBoolean(String label, boolean bv1) throws SQLException {
        throw unsupported("updateBoolean");
    }

    @Override
    public void updateByte(String label, byte bv1) throws SQLException {
        throw unsupported("updateByte");
    }

    @Override
    public void updateShort(String label, short sv1) throws SQLException {
        throw unsupported("updateShort");
    }

    @Override
    public void updateInt(String label, int i1) throws SQLException {
        throw unsupported("updateInt");
    }

    @Override
    public void updateLong(String label, long lv1) throws SQLException {
        throw unsupported("updateLong");
    }

    @Override
    public void updateFloat(String label, float fv1) throws SQLException {
        throw unsupported("updateFloat");
    }

    @Override
    public void updateDouble(String label, double dv1) throws SQLException {
        throw unsupported("updateDouble");
    }

    @Override
    public void updateBigDecimal(String label, java.math.BigDecimal bigDecimal) throws SQLException {
        throw unsupported("updateBigDecimal");
    }

    @Override
    public void updateString(String label, String s1) throws SQLException {
        throw unsupported("updateString");
    }

    @Override
    public void updateBytes(String label, byte[] bytes) throws SQLException {
        throw unsupported("updateBytes");
    }

    @Override
    public void updateDate(String label, Date date) throws SQLException {
        throw unsupported("updateDate");
    }

    @Override
    public void updateTime(String label, Time time) throws SQLException {
        throw unsupported("updateTime");
    }

    @Override
    public void updateTimestamp(String label, Timestamp timestamp) throws SQLException {
        throw unsupported("updateTimestamp");
    }

    @Override
    public void updateAsciiStream(String label, java.io.InputStream inputStream, int i2) throws SQLException {
        throw unsupported("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(String label, java.io.InputStream inputStream, int i2) throws SQLException {
        throw unsupported("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(String label, java.io.Reader reader, int i2) throws SQLException {
        throw unsupported("updateCharacterStream");
    }

    @Override
    public void updateObject(String label, Object object, int i2) throws SQLException {
        throw unsupported("updateObject");
    }

    @Override
    public void updateObject(String label, Object object) throws SQLException {
        throw unsupported("updateObject");
    }

    @Override
    public void insertRow() throws SQLException {
        throw unsupported("insertRow");
    }

    @Override
    public void updateRow() throws SQLException {
        throw unsupported("updateRow");
    }

    @Override
    public void deleteRow() throws SQLException {
        throw unsupported("deleteRow");
    }

    @Override
    public void refreshRow() throws SQLException {
        throw unsupported("refreshRow");
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        throw unsupported("cancelRowUpdates");
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        throw unsupported("moveToInsertRow");
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        throw unsupported("moveToCurrentRow");
    }

    @Override
    public Ref getRef(int index) throws SQLException {
        throw unsupported("getRef");
    }

    @Override
    public Blob getBlob(int index) throws SQLException {
        throw unsupported("getBlob");
    }

    @Override
    public Clob getClob(int index) throws SQLException {
        throw unsupported("getClob");
    }

    @Override
    public Array getArray(int index) throws SQLException {
        throw unsupported("getArray");
    }

    @Override
    public Ref getRef(String label) throws SQLException {
        throw unsupported("getRef");
    }

    @Override
    public Blob getBlob(String label) throws SQLException {
        throw unsupported("getBlob");
    }

    @Override
    public Clob getClob(String label) throws SQLException {
        throw unsupported("getClob");
    }

    @Override
    public Array getArray(String label) throws SQLException {
        throw unsupported("getArray");
    }

    @Override
    public Date getDate(int index, java.util.Calendar calendar) throws SQLException {
        throw unsupported("getDate");
    }

    @Override
    public Date getDate(String label, java.util.Calendar calendar) throws SQLException {
        throw unsupported("getDate");
    }

    @Override
    public Time getTime(int index, java.util.Calendar calendar) throws SQLException {
        throw unsupported("getTime");
    }

    @Override
    public Time getTime(String label, java.util.Calendar calendar) throws SQLException {
        throw unsupported("getTime");
    }

    @Override
    public Timestamp getTimestamp(int index, java.util.Calendar calendar) throws SQLException {
        throw unsupported("getTimestamp");
    }

    @Override
    public Timestamp getTimestamp(String label, java.util.Calendar calendar) throws SQLException {
        throw unsupported("getTimestamp");
    }

    @Override
    public java.net.URL getURL(int index) throws SQLException {
        throw unsupported("getURL");
    }

    @Override
    public java.net.URL getURL(String label) throws SQLException {
        throw unsupported("getURL");
    }

    @Override
    public void updateRef(int index, Ref ref) throws SQLException {
        throw unsupported("updateRef");
    }

    @Override
    public void updateRef(String label, Ref ref) throws SQLException {
        throw unsupported("updateRef");
    }

    @Override
    public void updateBlob(int index, Blob blob) throws SQLException {
        throw unsupported("updateBlob");
    }

    @Override
    public void updateBlob(String label, Blob blob) throws SQLException {
        throw unsupported("updateBlob");
    }

    @Override
    public void updateClob(int index, Clob clob) throws SQLException {
        throw unsupported("updateClob");
    }

    @Override
    public void updateClob(String label, Clob clob) throws SQLException {
        throw unsupported("updateClob");
    }

    @Override
    public void updateArray(int index, Array array) throws SQLException {
        throw unsupported("updateArray");
    }

    @Override
    public void updateArray(String label, Array array) throws SQLException {
        throw unsupported("updateArray");
    }

    @Override
    public RowId getRowId(int index) throws SQLException {
        throw unsupported("getRowId");
    }

    @Override
    public RowId getRowId(String label) throws SQLException {
        throw unsupported("getRowId");
    }

    @Override
    public void updateRowId(int index, RowId rowId) throws SQLException {
        throw unsupported("updateRowId");
    }

    @Override
    public void updateRowId(String label, RowId rowId) throws SQLException {
        throw unsupported("updateRowId");
    }

    @Override
    public void updateNString(int index, String s1) throws SQLException {
        throw unsupported("updateNString");
    }

    @Override
    public void updateNString(String label, String s1) throws SQLException {
        throw unsupported("updateNString");
    }

    @Override
    public void updateNClob(int index, NClob nClob) throws SQLException {
        throw unsupported("updateNClob");
    }

    @Override
    public void updateNClob(String label, NClob nClob) throws SQLException {
        throw unsupported("updateNClob");
    }

    @Override
    public NClob getNClob(int index) throws SQLException {
        throw unsupported("getNClob");
    }

    @Override
    public NClob getNClob(String label) throws SQLException {
        throw unsupported("getNClob");
    }

    @Override
    public SQLXML getSQLXML(int index) throws SQLException {
        throw unsupported("getSQLXML");
    }

    @Override
    public SQLXML getSQLXML(String label) throws SQLException {
        throw unsupported("getSQLXML");
    }

    @Override
    public void updateSQLXML(int index, SQLXML sQLXML) throws SQLException {
        throw unsupported("updateSQLXML");
    }

    @Override
    public void updateSQLXML(String label, SQLXML sQLXML) throws SQLException {
        throw unsupported("updateSQLXML");
    }

    @Override
    public String getNString(int index) throws SQLException {
        throw unsupported("getNString");
    }

    @Override
    public String getNString(String label) throws SQLException {
        throw unsupported("getNString");
    }

    @Override
    public java.io.Reader getNCharacterStream(int index) throws SQLException {
        throw unsupported("getNCharacterStream");
    }

    @Override
    public java.io.Reader getNCharacterStream(String label) throws SQLException {
        throw unsupported("getNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(int index, java.io.Reader reader, long lv2) throws SQLException {
        throw unsupported("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(String label, java.io.Reader reader, long lv2) throws SQLException {
        throw unsupported("updateNCharacterStream");
    }

    @Override
    public void updateAsciiStream(int index, java.io.InputStream inputStream, long lv2) throws SQLException {
        throw unsupported("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(int index, java.io.InputStream inputStream, long lv2) throws SQLException {
        throw unsupported("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(int index, java.io.Reader reader, long lv2) throws SQLException {
        throw unsupported("updateCharacterStream");
    }

    @Override
    public void updateAsciiStream(String label, java.io.InputStream inputStream, long lv2) throws SQLException {
        throw unsupported("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(String label, java.io.InputStream inputStream, long lv2) throws SQLException {
        throw unsupported("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(String label, java.io.Reader reader, long lv2) throws SQLException {
        throw unsupported("updateCharacterStream");
    }

    @Override
    public void updateBlob(int index, java.io.InputStream inputStream, long lv2) throws SQLException {
        throw unsupported("updateBlob");
    }

    @Override
    public void updateBlob(String label, java.io.InputStream inputStream, long lv2) throws SQLException {
        throw unsupported("updateBlob");
    }

    @Override
    public void updateClob(int index, java.io.Reader reader, long lv2) throws SQLException {
        throw unsupported("updateClob");
    }

    @Override
    public void updateClob(String label, java.io.Reader reader, long lv2) throws SQLException {
        throw unsupported("updateClob");
    }

    @Override
    public void updateNClob(int index, java.io.Reader reader, long lv2) throws SQLException {
        throw unsupported("updateNClob");
    }

    @Override
    public void updateNClob(String label, java.io.Reader reader, long lv2) throws SQLException {
        throw unsupported("updateNClob");
    }

    @Override
    public void updateNCharacterStream(int index, java.io.Reader reader) throws SQLException {
        throw unsupported("updateNCharacterStream");
    }

    @Override
    public void updateNCharacterStream(String label, java.io.Reader reader) throws SQLException {
        throw unsupported("updateNCharacterStream");
    }

    @Override
    public void updateAsciiStream(int index, java.io.InputStream inputStream) throws SQLException {
        throw unsupported("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(int index, java.io.InputStream inputStream) throws SQLException {
        throw unsupported("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(int index, java.io.Reader reader) throws SQLException {
        throw unsupported("updateCharacterStream");
    }

    @Override
    public void updateAsciiStream(String label, java.io.InputStream inputStream) throws SQLException {
        throw unsupported("updateAsciiStream");
    }

    @Override
    public void updateBinaryStream(String label, java.io.InputStream inputStream) throws SQLException {
        throw unsupported("updateBinaryStream");
    }

    @Override
    public void updateCharacterStream(String label, java.io.Reader reader) throws SQLException {
        throw unsupported("updateCharacterStream");
    }

    @Override
    public void updateBlob(int index, java.io.InputStream inputStream) throws SQLException {
        throw unsupported("updateBlob");
    }

    @Override
    public void updateBlob(String label, java.io.InputStream inputStream) throws SQLException {
        throw unsupported("updateBlob");
    }

    @Override
    public void updateClob(int index, java.io.Reader reader) throws SQLException {
        throw unsupported("updateClob");
    }

    @Override
    public void updateClob(String label, java.io.Reader reader) throws SQLException {
        throw unsupported("updateClob");
    }

    @Override
    public void updateNClob(int index, java.io.Reader reader) throws SQLException {
        throw unsupported("updateNClob");
    }

    @Override
    public void updateNClob(String label, java.io.Reader reader) throws SQLException {
        throw unsupported("updateNClob");
    }

    @Override
    public void updateObject(int index, Object object, SQLType sQLType, int i3) throws SQLException {
        throw unsupported("updateObject");
    }

    @Override
    public void updateObject(String label, Object object, SQLType sQLType, int i3) throws SQLException {
        throw unsupported("updateObject");
    }

    @Override
    public void updateObject(int index, Object object, SQLType sQLType) throws SQLException {
        throw unsupported("updateObject");
    }

    @Override
    public void updateObject(String label, Object object, SQLType sQLType) throws SQLException {
        throw unsupported("updateObject");
    }

}
