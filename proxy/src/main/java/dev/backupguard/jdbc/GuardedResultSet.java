package dev.backupguard.jdbc;

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
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * A driver's result set, watched only as far as the protocol needs: when it is read to its end or closed (so a
 * statement may be injected again on its connection) and how many rows it gave. Rows are never copied; every other
 * method delegates. {@link #getStatement()} returns the guarded statement.
 */
final class GuardedResultSet implements ResultSet {

    /** Told once when the result set is exhausted or closed, whichever comes first. */
    interface Observer {
        void finished(GuardedResultSet rs, long rows);
    }

    private final ResultSet delegate;
    private final Statement owner;
    private final Observer observer;
    private long rows;
    private boolean finished;

    GuardedResultSet(ResultSet delegate, Statement owner, Observer observer) {
        this.delegate = delegate;
        this.owner = owner;
        this.observer = observer;
    }

    ResultSet delegate() {
        return delegate;
    }

    @Override
    public boolean next() throws SQLException {
        boolean more = delegate.next();
        if (more) {
            rows++;
        } else {
            finish();
        }
        return more;
    }

    @Override
    public void close() throws SQLException {
        try {
            delegate.close();
        } finally {
            finish();
        }
    }

    /** Also called when the owning statement is closed or executes again: JDBC closes its result set then. */
    void finish() {
        if (!finished) {
            finished = true;
            observer.finished(this, rows);
        }
    }

    boolean isFinished() {
        return finished;
    }

    @Override
    public boolean isClosed() throws SQLException {
        return delegate.isClosed();
    }

    @Override
    public Statement getStatement() {
        return owner;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return Unwrapping.unwrap(this, delegate, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return Unwrapping.isWrapperFor(this, delegate, iface);
    }

    // ---------------------------------------------------------------- plain delegation below

    @Override
    public boolean wasNull() throws SQLException {
        return delegate.wasNull();
    }

    @Override
    public String getString(int index) throws SQLException {
        return delegate.getString(index);
    }

    @Override
    public boolean getBoolean(int index) throws SQLException {
        return delegate.getBoolean(index);
    }

    @Override
    public byte getByte(int index) throws SQLException {
        return delegate.getByte(index);
    }

    @Override
    public short getShort(int index) throws SQLException {
        return delegate.getShort(index);
    }

    @Override
    public int getInt(int index) throws SQLException {
        return delegate.getInt(index);
    }

    @Override
    public long getLong(int index) throws SQLException {
        return delegate.getLong(index);
    }

    @Override
    public float getFloat(int index) throws SQLException {
        return delegate.getFloat(index);
    }

    @Override
    public double getDouble(int index) throws SQLException {
        return delegate.getDouble(index);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int index, int i1) throws SQLException {
        return delegate.getBigDecimal(index, i1);
    }

    @Override
    public byte[] getBytes(int index) throws SQLException {
        return delegate.getBytes(index);
    }

    @Override
    public Date getDate(int index) throws SQLException {
        return delegate.getDate(index);
    }

    @Override
    public Time getTime(int index) throws SQLException {
        return delegate.getTime(index);
    }

    @Override
    public Timestamp getTimestamp(int index) throws SQLException {
        return delegate.getTimestamp(index);
    }

    @Override
    public java.io.InputStream getAsciiStream(int index) throws SQLException {
        return delegate.getAsciiStream(index);
    }

    @Override
    public java.io.InputStream getUnicodeStream(int index) throws SQLException {
        return delegate.getUnicodeStream(index);
    }

    @Override
    public java.io.InputStream getBinaryStream(int index) throws SQLException {
        return delegate.getBinaryStream(index);
    }

    @Override
    public String getString(String label) throws SQLException {
        return delegate.getString(label);
    }

    @Override
    public boolean getBoolean(String label) throws SQLException {
        return delegate.getBoolean(label);
    }

    @Override
    public byte getByte(String label) throws SQLException {
        return delegate.getByte(label);
    }

    @Override
    public short getShort(String label) throws SQLException {
        return delegate.getShort(label);
    }

    @Override
    public int getInt(String label) throws SQLException {
        return delegate.getInt(label);
    }

    @Override
    public long getLong(String label) throws SQLException {
        return delegate.getLong(label);
    }

    @Override
    public float getFloat(String label) throws SQLException {
        return delegate.getFloat(label);
    }

    @Override
    public double getDouble(String label) throws SQLException {
        return delegate.getDouble(label);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(String label, int i1) throws SQLException {
        return delegate.getBigDecimal(label, i1);
    }

    @Override
    public byte[] getBytes(String label) throws SQLException {
        return delegate.getBytes(label);
    }

    @Override
    public Date getDate(String label) throws SQLException {
        return delegate.getDate(label);
    }

    @Override
    public Time getTime(String label) throws SQLException {
        return delegate.getTime(label);
    }

    @Override
    public Timestamp getTimestamp(String label) throws SQLException {
        return delegate.getTimestamp(label);
    }

    @Override
    public java.io.InputStream getAsciiStream(String label) throws SQLException {
        return delegate.getAsciiStream(label);
    }

    @Override
    public java.io.InputStream getUnicodeStream(String label) throws SQLException {
        return delegate.getUnicodeStream(label);
    }

    @Override
    public java.io.InputStream getBinaryStream(String label) throws SQLException {
        return delegate.getBinaryStream(label);
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return delegate.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        delegate.clearWarnings();
    }

    @Override
    public String getCursorName() throws SQLException {
        return delegate.getCursorName();
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return delegate.getMetaData();
    }

    @Override
    public Object getObject(int index) throws SQLException {
        return delegate.getObject(index);
    }

    @Override
    public Object getObject(String label) throws SQLException {
        return delegate.getObject(label);
    }

    @Override
    public int findColumn(String label) throws SQLException {
        return delegate.findColumn(label);
    }

    @Override
    public java.io.Reader getCharacterStream(int index) throws SQLException {
        return delegate.getCharacterStream(index);
    }

    @Override
    public java.io.Reader getCharacterStream(String label) throws SQLException {
        return delegate.getCharacterStream(label);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int index) throws SQLException {
        return delegate.getBigDecimal(index);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(String label) throws SQLException {
        return delegate.getBigDecimal(label);
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        return delegate.isBeforeFirst();
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        return delegate.isAfterLast();
    }

    @Override
    public boolean isFirst() throws SQLException {
        return delegate.isFirst();
    }

    @Override
    public boolean isLast() throws SQLException {
        return delegate.isLast();
    }

    @Override
    public void beforeFirst() throws SQLException {
        delegate.beforeFirst();
    }

    @Override
    public void afterLast() throws SQLException {
        delegate.afterLast();
    }

    @Override
    public boolean first() throws SQLException {
        return delegate.first();
    }

    @Override
    public boolean last() throws SQLException {
        return delegate.last();
    }

    @Override
    public int getRow() throws SQLException {
        return delegate.getRow();
    }

    @Override
    public boolean absolute(int index) throws SQLException {
        return delegate.absolute(index);
    }

    @Override
    public boolean relative(int index) throws SQLException {
        return delegate.relative(index);
    }

    @Override
    public boolean previous() throws SQLException {
        return delegate.previous();
    }

    @Override
    public void setFetchDirection(int index) throws SQLException {
        delegate.setFetchDirection(index);
    }

    @Override
    public int getFetchDirection() throws SQLException {
        return delegate.getFetchDirection();
    }

    @Override
    public void setFetchSize(int index) throws SQLException {
        delegate.setFetchSize(index);
    }

    @Override
    public int getFetchSize() throws SQLException {
        return delegate.getFetchSize();
    }

    @Override
    public int getType() throws SQLException {
        return delegate.getType();
    }

    @Override
    public int getConcurrency() throws SQLException {
        return delegate.getConcurrency();
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        return delegate.rowUpdated();
    }

    @Override
    public boolean rowInserted() throws SQLException {
        return delegate.rowInserted();
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        return delegate.rowDeleted();
    }

    @Override
    public void updateNull(int index) throws SQLException {
        delegate.updateNull(index);
    }

    @Override
    public void updateBoolean(int index, boolean bv1) throws SQLException {
        delegate.updateBoolean(index, bv1);
    }

    @Override
    public void updateByte(int index, byte bv1) throws SQLException {
        delegate.updateByte(index, bv1);
    }

    @Override
    public void updateShort(int index, short sv1) throws SQLException {
        delegate.updateShort(index, sv1);
    }

    @Override
    public void updateInt(int index, int i1) throws SQLException {
        delegate.updateInt(index, i1);
    }

    @Override
    public void updateLong(int index, long lv1) throws SQLException {
        delegate.updateLong(index, lv1);
    }

    @Override
    public void updateFloat(int index, float fv1) throws SQLException {
        delegate.updateFloat(index, fv1);
    }

    @Override
    public void updateDouble(int index, double dv1) throws SQLException {
        delegate.updateDouble(index, dv1);
    }

    @Override
    public void updateBigDecimal(int index, java.math.BigDecimal bigDecimal) throws SQLException {
        delegate.updateBigDecimal(index, bigDecimal);
    }

    @Override
    public void updateString(int index, String s1) throws SQLException {
        delegate.updateString(index, s1);
    }

    @Override
    public void updateBytes(int index, byte[] bytes) throws SQLException {
        delegate.updateBytes(index, bytes);
    }

    @Override
    public void updateDate(int index, Date date) throws SQLException {
        delegate.updateDate(index, date);
    }

    @Override
    public void updateTime(int index, Time time) throws SQLException {
        delegate.updateTime(index, time);
    }

    @Override
    public void updateTimestamp(int index, Timestamp timestamp) throws SQLException {
        delegate.updateTimestamp(index, timestamp);
    }

    @Override
    public void updateAsciiStream(int index, java.io.InputStream inputStream, int i2) throws SQLException {
        delegate.updateAsciiStream(index, inputStream, i2);
    }

    @Override
    public void updateBinaryStream(int index, java.io.InputStream inputStream, int i2) throws SQLException {
        delegate.updateBinaryStream(index, inputStream, i2);
    }

    @Override
    public void updateCharacterStream(int index, java.io.Reader reader, int i2) throws SQLException {
        delegate.updateCharacterStream(index, reader, i2);
    }

    @Override
    public void updateObject(int index, Object object, int i2) throws SQLException {
        delegate.updateObject(index, object, i2);
    }

    @Override
    public void updateObject(int index, Object object) throws SQLException {
        delegate.updateObject(index, object);
    }

    @Override
    public void updateNull(String label) throws SQLException {
        delegate.updateNull(label);
    }

    @Override
    public void updateBoolean(String label, boolean bv1) throws SQLException {
        delegate.updateBoolean(label, bv1);
    }

    @Override
    public void updateByte(String label, byte bv1) throws SQLException {
        delegate.updateByte(label, bv1);
    }

    @Override
    public void updateShort(String label, short sv1) throws SQLException {
        delegate.updateShort(label, sv1);
    }

    @Override
    public void updateInt(String label, int i1) throws SQLException {
        delegate.updateInt(label, i1);
    }

    @Override
    public void updateLong(String label, long lv1) throws SQLException {
        delegate.updateLong(label, lv1);
    }

    @Override
    public void updateFloat(String label, float fv1) throws SQLException {
        delegate.updateFloat(label, fv1);
    }

    @Override
    public void updateDouble(String label, double dv1) throws SQLException {
        delegate.updateDouble(label, dv1);
    }

    @Override
    public void updateBigDecimal(String label, java.math.BigDecimal bigDecimal) throws SQLException {
        delegate.updateBigDecimal(label, bigDecimal);
    }

    @Override
    public void updateString(String label, String s1) throws SQLException {
        delegate.updateString(label, s1);
    }

    @Override
    public void updateBytes(String label, byte[] bytes) throws SQLException {
        delegate.updateBytes(label, bytes);
    }

    @Override
    public void updateDate(String label, Date date) throws SQLException {
        delegate.updateDate(label, date);
    }

    @Override
    public void updateTime(String label, Time time) throws SQLException {
        delegate.updateTime(label, time);
    }

    @Override
    public void updateTimestamp(String label, Timestamp timestamp) throws SQLException {
        delegate.updateTimestamp(label, timestamp);
    }

    @Override
    public void updateAsciiStream(String label, java.io.InputStream inputStream, int i2) throws SQLException {
        delegate.updateAsciiStream(label, inputStream, i2);
    }

    @Override
    public void updateBinaryStream(String label, java.io.InputStream inputStream, int i2) throws SQLException {
        delegate.updateBinaryStream(label, inputStream, i2);
    }

    @Override
    public void updateCharacterStream(String label, java.io.Reader reader, int i2) throws SQLException {
        delegate.updateCharacterStream(label, reader, i2);
    }

    @Override
    public void updateObject(String label, Object object, int i2) throws SQLException {
        delegate.updateObject(label, object, i2);
    }

    @Override
    public void updateObject(String label, Object object) throws SQLException {
        delegate.updateObject(label, object);
    }

    @Override
    public void insertRow() throws SQLException {
        delegate.insertRow();
    }

    @Override
    public void updateRow() throws SQLException {
        delegate.updateRow();
    }

    @Override
    public void deleteRow() throws SQLException {
        delegate.deleteRow();
    }

    @Override
    public void refreshRow() throws SQLException {
        delegate.refreshRow();
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        delegate.cancelRowUpdates();
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        delegate.moveToInsertRow();
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        delegate.moveToCurrentRow();
    }

    @Override
    public Object getObject(int index, java.util.Map<String, Class<?>> type) throws SQLException {
        return delegate.getObject(index, type);
    }

    @Override
    public Ref getRef(int index) throws SQLException {
        return delegate.getRef(index);
    }

    @Override
    public Blob getBlob(int index) throws SQLException {
        return delegate.getBlob(index);
    }

    @Override
    public Clob getClob(int index) throws SQLException {
        return delegate.getClob(index);
    }

    @Override
    public Array getArray(int index) throws SQLException {
        return delegate.getArray(index);
    }

    @Override
    public Object getObject(String label, java.util.Map<String, Class<?>> type) throws SQLException {
        return delegate.getObject(label, type);
    }

    @Override
    public Ref getRef(String label) throws SQLException {
        return delegate.getRef(label);
    }

    @Override
    public Blob getBlob(String label) throws SQLException {
        return delegate.getBlob(label);
    }

    @Override
    public Clob getClob(String label) throws SQLException {
        return delegate.getClob(label);
    }

    @Override
    public Array getArray(String label) throws SQLException {
        return delegate.getArray(label);
    }

    @Override
    public Date getDate(int index, java.util.Calendar calendar) throws SQLException {
        return delegate.getDate(index, calendar);
    }

    @Override
    public Date getDate(String label, java.util.Calendar calendar) throws SQLException {
        return delegate.getDate(label, calendar);
    }

    @Override
    public Time getTime(int index, java.util.Calendar calendar) throws SQLException {
        return delegate.getTime(index, calendar);
    }

    @Override
    public Time getTime(String label, java.util.Calendar calendar) throws SQLException {
        return delegate.getTime(label, calendar);
    }

    @Override
    public Timestamp getTimestamp(int index, java.util.Calendar calendar) throws SQLException {
        return delegate.getTimestamp(index, calendar);
    }

    @Override
    public Timestamp getTimestamp(String label, java.util.Calendar calendar) throws SQLException {
        return delegate.getTimestamp(label, calendar);
    }

    @Override
    public java.net.URL getURL(int index) throws SQLException {
        return delegate.getURL(index);
    }

    @Override
    public java.net.URL getURL(String label) throws SQLException {
        return delegate.getURL(label);
    }

    @Override
    public void updateRef(int index, Ref ref) throws SQLException {
        delegate.updateRef(index, ref);
    }

    @Override
    public void updateRef(String label, Ref ref) throws SQLException {
        delegate.updateRef(label, ref);
    }

    @Override
    public void updateBlob(int index, Blob blob) throws SQLException {
        delegate.updateBlob(index, blob);
    }

    @Override
    public void updateBlob(String label, Blob blob) throws SQLException {
        delegate.updateBlob(label, blob);
    }

    @Override
    public void updateClob(int index, Clob clob) throws SQLException {
        delegate.updateClob(index, clob);
    }

    @Override
    public void updateClob(String label, Clob clob) throws SQLException {
        delegate.updateClob(label, clob);
    }

    @Override
    public void updateArray(int index, Array array) throws SQLException {
        delegate.updateArray(index, array);
    }

    @Override
    public void updateArray(String label, Array array) throws SQLException {
        delegate.updateArray(label, array);
    }

    @Override
    public RowId getRowId(int index) throws SQLException {
        return delegate.getRowId(index);
    }

    @Override
    public RowId getRowId(String label) throws SQLException {
        return delegate.getRowId(label);
    }

    @Override
    public void updateRowId(int index, RowId rowId) throws SQLException {
        delegate.updateRowId(index, rowId);
    }

    @Override
    public void updateRowId(String label, RowId rowId) throws SQLException {
        delegate.updateRowId(label, rowId);
    }

    @Override
    public int getHoldability() throws SQLException {
        return delegate.getHoldability();
    }

    @Override
    public void updateNString(int index, String s1) throws SQLException {
        delegate.updateNString(index, s1);
    }

    @Override
    public void updateNString(String label, String s1) throws SQLException {
        delegate.updateNString(label, s1);
    }

    @Override
    public void updateNClob(int index, NClob nClob) throws SQLException {
        delegate.updateNClob(index, nClob);
    }

    @Override
    public void updateNClob(String label, NClob nClob) throws SQLException {
        delegate.updateNClob(label, nClob);
    }

    @Override
    public NClob getNClob(int index) throws SQLException {
        return delegate.getNClob(index);
    }

    @Override
    public NClob getNClob(String label) throws SQLException {
        return delegate.getNClob(label);
    }

    @Override
    public SQLXML getSQLXML(int index) throws SQLException {
        return delegate.getSQLXML(index);
    }

    @Override
    public SQLXML getSQLXML(String label) throws SQLException {
        return delegate.getSQLXML(label);
    }

    @Override
    public void updateSQLXML(int index, SQLXML sQLXML) throws SQLException {
        delegate.updateSQLXML(index, sQLXML);
    }

    @Override
    public void updateSQLXML(String label, SQLXML sQLXML) throws SQLException {
        delegate.updateSQLXML(label, sQLXML);
    }

    @Override
    public String getNString(int index) throws SQLException {
        return delegate.getNString(index);
    }

    @Override
    public String getNString(String label) throws SQLException {
        return delegate.getNString(label);
    }

    @Override
    public java.io.Reader getNCharacterStream(int index) throws SQLException {
        return delegate.getNCharacterStream(index);
    }

    @Override
    public java.io.Reader getNCharacterStream(String label) throws SQLException {
        return delegate.getNCharacterStream(label);
    }

    @Override
    public void updateNCharacterStream(int index, java.io.Reader reader, long lv2) throws SQLException {
        delegate.updateNCharacterStream(index, reader, lv2);
    }

    @Override
    public void updateNCharacterStream(String label, java.io.Reader reader, long lv2) throws SQLException {
        delegate.updateNCharacterStream(label, reader, lv2);
    }

    @Override
    public void updateAsciiStream(int index, java.io.InputStream inputStream, long lv2) throws SQLException {
        delegate.updateAsciiStream(index, inputStream, lv2);
    }

    @Override
    public void updateBinaryStream(int index, java.io.InputStream inputStream, long lv2) throws SQLException {
        delegate.updateBinaryStream(index, inputStream, lv2);
    }

    @Override
    public void updateCharacterStream(int index, java.io.Reader reader, long lv2) throws SQLException {
        delegate.updateCharacterStream(index, reader, lv2);
    }

    @Override
    public void updateAsciiStream(String label, java.io.InputStream inputStream, long lv2) throws SQLException {
        delegate.updateAsciiStream(label, inputStream, lv2);
    }

    @Override
    public void updateBinaryStream(String label, java.io.InputStream inputStream, long lv2) throws SQLException {
        delegate.updateBinaryStream(label, inputStream, lv2);
    }

    @Override
    public void updateCharacterStream(String label, java.io.Reader reader, long lv2) throws SQLException {
        delegate.updateCharacterStream(label, reader, lv2);
    }

    @Override
    public void updateBlob(int index, java.io.InputStream inputStream, long lv2) throws SQLException {
        delegate.updateBlob(index, inputStream, lv2);
    }

    @Override
    public void updateBlob(String label, java.io.InputStream inputStream, long lv2) throws SQLException {
        delegate.updateBlob(label, inputStream, lv2);
    }

    @Override
    public void updateClob(int index, java.io.Reader reader, long lv2) throws SQLException {
        delegate.updateClob(index, reader, lv2);
    }

    @Override
    public void updateClob(String label, java.io.Reader reader, long lv2) throws SQLException {
        delegate.updateClob(label, reader, lv2);
    }

    @Override
    public void updateNClob(int index, java.io.Reader reader, long lv2) throws SQLException {
        delegate.updateNClob(index, reader, lv2);
    }

    @Override
    public void updateNClob(String label, java.io.Reader reader, long lv2) throws SQLException {
        delegate.updateNClob(label, reader, lv2);
    }

    @Override
    public void updateNCharacterStream(int index, java.io.Reader reader) throws SQLException {
        delegate.updateNCharacterStream(index, reader);
    }

    @Override
    public void updateNCharacterStream(String label, java.io.Reader reader) throws SQLException {
        delegate.updateNCharacterStream(label, reader);
    }

    @Override
    public void updateAsciiStream(int index, java.io.InputStream inputStream) throws SQLException {
        delegate.updateAsciiStream(index, inputStream);
    }

    @Override
    public void updateBinaryStream(int index, java.io.InputStream inputStream) throws SQLException {
        delegate.updateBinaryStream(index, inputStream);
    }

    @Override
    public void updateCharacterStream(int index, java.io.Reader reader) throws SQLException {
        delegate.updateCharacterStream(index, reader);
    }

    @Override
    public void updateAsciiStream(String label, java.io.InputStream inputStream) throws SQLException {
        delegate.updateAsciiStream(label, inputStream);
    }

    @Override
    public void updateBinaryStream(String label, java.io.InputStream inputStream) throws SQLException {
        delegate.updateBinaryStream(label, inputStream);
    }

    @Override
    public void updateCharacterStream(String label, java.io.Reader reader) throws SQLException {
        delegate.updateCharacterStream(label, reader);
    }

    @Override
    public void updateBlob(int index, java.io.InputStream inputStream) throws SQLException {
        delegate.updateBlob(index, inputStream);
    }

    @Override
    public void updateBlob(String label, java.io.InputStream inputStream) throws SQLException {
        delegate.updateBlob(label, inputStream);
    }

    @Override
    public void updateClob(int index, java.io.Reader reader) throws SQLException {
        delegate.updateClob(index, reader);
    }

    @Override
    public void updateClob(String label, java.io.Reader reader) throws SQLException {
        delegate.updateClob(label, reader);
    }

    @Override
    public void updateNClob(int index, java.io.Reader reader) throws SQLException {
        delegate.updateNClob(index, reader);
    }

    @Override
    public void updateNClob(String label, java.io.Reader reader) throws SQLException {
        delegate.updateNClob(label, reader);
    }

    @Override
    public <T> T getObject(int index, Class<T> type) throws SQLException {
        return delegate.getObject(index, type);
    }

    @Override
    public <T> T getObject(String label, Class<T> type) throws SQLException {
        return delegate.getObject(label, type);
    }

    @Override
    public void updateObject(int index, Object object, SQLType sQLType, int i3) throws SQLException {
        delegate.updateObject(index, object, sQLType, i3);
    }

    @Override
    public void updateObject(String label, Object object, SQLType sQLType, int i3) throws SQLException {
        delegate.updateObject(label, object, sQLType, i3);
    }

    @Override
    public void updateObject(int index, Object object, SQLType sQLType) throws SQLException {
        delegate.updateObject(index, object, sQLType);
    }

    @Override
    public void updateObject(String label, Object object, SQLType sQLType) throws SQLException {
        delegate.updateObject(label, object, sQLType);
    }

}
