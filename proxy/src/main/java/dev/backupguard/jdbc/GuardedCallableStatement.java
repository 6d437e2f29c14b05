package dev.backupguard.jdbc;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/** A callable statement under backup-guard: executed like a prepared one; OUT parameters delegate. */
final class GuardedCallableStatement extends GuardedPreparedStatement implements CallableStatement {

    private final CallableStatement cs;

    GuardedCallableStatement(GuardedConnection conn, CallableStatement cs, String sql) throws SQLException {
        super(conn, cs, sql);
        this.cs = cs;
    }

    // ---------------------------------------------------------------- plain delegation

    @Override
    public void registerOutParameter(int index, int i1) throws SQLException {
        cs.registerOutParameter(index, i1);
    }

    @Override
    public void registerOutParameter(int index, int i1, int i2) throws SQLException {
        cs.registerOutParameter(index, i1, i2);
    }

    @Override
    public boolean wasNull() throws SQLException {
        return cs.wasNull();
    }

    @Override
    public String getString(int index) throws SQLException {
        return cs.getString(index);
    }

    @Override
    public boolean getBoolean(int index) throws SQLException {
        return cs.getBoolean(index);
    }

    @Override
    public byte getByte(int index) throws SQLException {
        return cs.getByte(index);
    }

    @Override
    public short getShort(int index) throws SQLException {
        return cs.getShort(index);
    }

    @Override
    public int getInt(int index) throws SQLException {
        return cs.getInt(index);
    }

    @Override
    public long getLong(int index) throws SQLException {
        return cs.getLong(index);
    }

    @Override
    public float getFloat(int index) throws SQLException {
        return cs.getFloat(index);
    }

    @Override
    public double getDouble(int index) throws SQLException {
        return cs.getDouble(index);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int index, int i1) throws SQLException {
        return cs.getBigDecimal(index, i1);
    }

    @Override
    public byte[] getBytes(int index) throws SQLException {
        return cs.getBytes(index);
    }

    @Override
    public Date getDate(int index) throws SQLException {
        return cs.getDate(index);
    }

    @Override
    public Time getTime(int index) throws SQLException {
        return cs.getTime(index);
    }

    @Override
    public Timestamp getTimestamp(int index) throws SQLException {
        return cs.getTimestamp(index);
    }

    @Override
    public Object getObject(int index) throws SQLException {
        return cs.getObject(index);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(int index) throws SQLException {
        return cs.getBigDecimal(index);
    }

    @Override
    public Object getObject(int index, java.util.Map<String, Class<?>> type) throws SQLException {
        return cs.getObject(index, type);
    }

    @Override
    public Ref getRef(int index) throws SQLException {
        return cs.getRef(index);
    }

    @Override
    public Blob getBlob(int index) throws SQLException {
        return cs.getBlob(index);
    }

    @Override
    public Clob getClob(int index) throws SQLException {
        return cs.getClob(index);
    }

    @Override
    public Array getArray(int index) throws SQLException {
        return cs.getArray(index);
    }

    @Override
    public Date getDate(int index, java.util.Calendar calendar) throws SQLException {
        return cs.getDate(index, calendar);
    }

    @Override
    public Time getTime(int index, java.util.Calendar calendar) throws SQLException {
        return cs.getTime(index, calendar);
    }

    @Override
    public Timestamp getTimestamp(int index, java.util.Calendar calendar) throws SQLException {
        return cs.getTimestamp(index, calendar);
    }

    @Override
    public void registerOutParameter(int index, int i1, String s2) throws SQLException {
        cs.registerOutParameter(index, i1, s2);
    }

    @Override
    public void registerOutParameter(String label, int i1) throws SQLException {
        cs.registerOutParameter(label, i1);
    }

    @Override
    public void registerOutParameter(String label, int i1, int i2) throws SQLException {
        cs.registerOutParameter(label, i1, i2);
    }

    @Override
    public void registerOutParameter(String label, int i1, String s2) throws SQLException {
        cs.registerOutParameter(label, i1, s2);
    }

    @Override
    public java.net.URL getURL(int index) throws SQLException {
        return cs.getURL(index);
    }

    @Override
    public void setURL(String label, java.net.URL uRL) throws SQLException {
        cs.setURL(label, uRL);
    }

    @Override
    public void setNull(String label, int i1) throws SQLException {
        cs.setNull(label, i1);
    }

    @Override
    public void setBoolean(String label, boolean bv1) throws SQLException {
        cs.setBoolean(label, bv1);
    }

    @Override
    public void setByte(String label, byte bv1) throws SQLException {
        cs.setByte(label, bv1);
    }

    @Override
    public void setShort(String label, short sv1) throws SQLException {
        cs.setShort(label, sv1);
    }

    @Override
    public void setInt(String label, int i1) throws SQLException {
        cs.setInt(label, i1);
    }

    @Override
    public void setLong(String label, long lv1) throws SQLException {
        cs.setLong(label, lv1);
    }

    @Override
    public void setFloat(String label, float fv1) throws SQLException {
        cs.setFloat(label, fv1);
    }

    @Override
    public void setDouble(String label, double dv1) throws SQLException {
        cs.setDouble(label, dv1);
    }

    @Override
    public void setBigDecimal(String label, java.math.BigDecimal bigDecimal) throws SQLException {
        cs.setBigDecimal(label, bigDecimal);
    }

    @Override
    public void setString(String label, String s1) throws SQLException {
        cs.setString(label, s1);
    }

    @Override
    public void setBytes(String label, byte[] bytes) throws SQLException {
        cs.setBytes(label, bytes);
    }

    @Override
    public void setDate(String label, Date date) throws SQLException {
        cs.setDate(label, date);
    }

    @Override
    public void setTime(String label, Time time) throws SQLException {
        cs.setTime(label, time);
    }

    @Override
    public void setTimestamp(String label, Timestamp timestamp) throws SQLException {
        cs.setTimestamp(label, timestamp);
    }

    @Override
    public void setAsciiStream(String label, java.io.InputStream inputStream, int i2) throws SQLException {
        cs.setAsciiStream(label, inputStream, i2);
    }

    @Override
    public void setBinaryStream(String label, java.io.InputStream inputStream, int i2) throws SQLException {
        cs.setBinaryStream(label, inputStream, i2);
    }

    @Override
    public void setObject(String label, Object object, int i2, int i3) throws SQLException {
        cs.setObject(label, object, i2, i3);
    }

    @Override
    public void setObject(String label, Object object, int i2) throws SQLException {
        cs.setObject(label, object, i2);
    }

    @Override
    public void setObject(String label, Object object) throws SQLException {
        cs.setObject(label, object);
    }

    @Override
    public void setCharacterStream(String label, java.io.Reader reader, int i2) throws SQLException {
        cs.setCharacterStream(label, reader, i2);
    }

    @Override
    public void setDate(String label, Date date, java.util.Calendar calendar) throws SQLException {
        cs.setDate(label, date, calendar);
    }

    @Override
    public void setTime(String label, Time time, java.util.Calendar calendar) throws SQLException {
        cs.setTime(label, time, calendar);
    }

    @Override
    public void setTimestamp(String label, Timestamp timestamp, java.util.Calendar calendar) throws SQLException {
        cs.setTimestamp(label, timestamp, calendar);
    }

    @Override
    public void setNull(String label, int i1, String s2) throws SQLException {
        cs.setNull(label, i1, s2);
    }

    @Override
    public String getString(String label) throws SQLException {
        return cs.getString(label);
    }

    @Override
    public boolean getBoolean(String label) throws SQLException {
        return cs.getBoolean(label);
    }

    @Override
    public byte getByte(String label) throws SQLException {
        return cs.getByte(label);
    }

    @Override
    public short getShort(String label) throws SQLException {
        return cs.getShort(label);
    }

    @Override
    public int getInt(String label) throws SQLException {
        return cs.getInt(label);
    }

    @Override
    public long getLong(String label) throws SQLException {
        return cs.getLong(label);
    }

    @Override
    public float getFloat(String label) throws SQLException {
        return cs.getFloat(label);
    }

    @Override
    public double getDouble(String label) throws SQLException {
        return cs.getDouble(label);
    }

    @Override
    public byte[] getBytes(String label) throws SQLException {
        return cs.getBytes(label);
    }

    @Override
    public Date getDate(String label) throws SQLException {
        return cs.getDate(label);
    }

    @Override
    public Time getTime(String label) throws SQLException {
        return cs.getTime(label);
    }

    @Override
    public Timestamp getTimestamp(String label) throws SQLException {
        return cs.getTimestamp(label);
    }

    @Override
    public Object getObject(String label) throws SQLException {
        return cs.getObject(label);
    }

    @Override
    public java.math.BigDecimal getBigDecimal(String label) throws SQLException {
        return cs.getBigDecimal(label);
    }

    @Override
    public Object getObject(String label, java.util.Map<String, Class<?>> type) throws SQLException {
        return cs.getObject(label, type);
    }

    @Override
    public Ref getRef(String label) throws SQLException {
        return cs.getRef(label);
    }

    @Override
    public Blob getBlob(String label) throws SQLException {
        return cs.getBlob(label);
    }

    @Override
    public Clob getClob(String label) throws SQLException {
        return cs.getClob(label);
    }

    @Override
    public Array getArray(String label) throws SQLException {
        return cs.getArray(label);
    }

    @Override
    public Date getDate(String label, java.util.Calendar calendar) throws SQLException {
        return cs.getDate(label, calendar);
    }

    @Override
    public Time getTime(String label, java.util.Calendar calendar) throws SQLException {
        return cs.getTime(label, calendar);
    }

    @Override
    public Timestamp getTimestamp(String label, java.util.Calendar calendar) throws SQLException {
        return cs.getTimestamp(label, calendar);
    }

    @Override
    public java.net.URL getURL(String label) throws SQLException {
        return cs.getURL(label);
    }

    @Override
    public RowId getRowId(int index) throws SQLException {
        return cs.getRowId(index);
    }

    @Override
    public RowId getRowId(String label) throws SQLException {
        return cs.getRowId(label);
    }

    @Override
    public void setRowId(String label, RowId rowId) throws SQLException {
        cs.setRowId(label, rowId);
    }

    @Override
    public void setNString(String label, String s1) throws SQLException {
        cs.setNString(label, s1);
    }

    @Override
    public void setNCharacterStream(String label, java.io.Reader reader, long lv2) throws SQLException {
        cs.setNCharacterStream(label, reader, lv2);
    }

    @Override
    public void setNClob(String label, NClob nClob) throws SQLException {
        cs.setNClob(label, nClob);
    }

    @Override
    public void setClob(String label, java.io.Reader reader, long lv2) throws SQLException {
        cs.setClob(label, reader, lv2);
    }

    @Override
    public void setBlob(String label, java.io.InputStream inputStream, long lv2) throws SQLException {
        cs.setBlob(label, inputStream, lv2);
    }

    @Override
    public void setNClob(String label, java.io.Reader reader, long lv2) throws SQLException {
        cs.setNClob(label, reader, lv2);
    }

    @Override
    public NClob getNClob(int index) throws SQLException {
        return cs.getNClob(index);
    }

    @Override
    public NClob getNClob(String label) throws SQLException {
        return cs.getNClob(label);
    }

    @Override
    public void setSQLXML(String label, SQLXML sQLXML) throws SQLException {
        cs.setSQLXML(label, sQLXML);
    }

    @Override
    public SQLXML getSQLXML(int index) throws SQLException {
        return cs.getSQLXML(index);
    }

    @Override
    public SQLXML getSQLXML(String label) throws SQLException {
        return cs.getSQLXML(label);
    }

    @Override
    public String getNString(int index) throws SQLException {
        return cs.getNString(index);
    }

    @Override
    public String getNString(String label) throws SQLException {
        return cs.getNString(label);
    }

    @Override
    public java.io.Reader getNCharacterStream(int index) throws SQLException {
        return cs.getNCharacterStream(index);
    }

    @Override
    public java.io.Reader getNCharacterStream(String label) throws SQLException {
        return cs.getNCharacterStream(label);
    }

    @Override
    public java.io.Reader getCharacterStream(int index) throws SQLException {
        return cs.getCharacterStream(index);
    }

    @Override
    public java.io.Reader getCharacterStream(String label) throws SQLException {
        return cs.getCharacterStream(label);
    }

    @Override
    public void setBlob(String label, Blob blob) throws SQLException {
        cs.setBlob(label, blob);
    }

    @Override
    public void setClob(String label, Clob clob) throws SQLException {
        cs.setClob(label, clob);
    }

    @Override
    public void setAsciiStream(String label, java.io.InputStream inputStream, long lv2) throws SQLException {
        cs.setAsciiStream(label, inputStream, lv2);
    }

    @Override
    public void setBinaryStream(String label, java.io.InputStream inputStream, long lv2) throws SQLException {
        cs.setBinaryStream(label, inputStream, lv2);
    }

    @Override
    public void setCharacterStream(String label, java.io.Reader reader, long lv2) throws SQLException {
        cs.setCharacterStream(label, reader, lv2);
    }

    @Override
    public void setAsciiStream(String label, java.io.InputStream inputStream) throws SQLException {
        cs.setAsciiStream(label, inputStream);
    }

    @Override
    public void setBinaryStream(String label, java.io.InputStream inputStream) throws SQLException {
        cs.setBinaryStream(label, inputStream);
    }

    @Override
    public void setCharacterStream(String label, java.io.Reader reader) throws SQLException {
        cs.setCharacterStream(label, reader);
    }

    @Override
    public void setNCharacterStream(String label, java.io.Reader reader) throws SQLException {
        cs.setNCharacterStream(label, reader);
    }

    @Override
    public void setClob(String label, java.io.Reader reader) throws SQLException {
        cs.setClob(label, reader);
    }

    @Override
    public void setBlob(String label, java.io.InputStream inputStream) throws SQLException {
        cs.setBlob(label, inputStream);
    }

    @Override
    public void setNClob(String label, java.io.Reader reader) throws SQLException {
        cs.setNClob(label, reader);
    }

    @Override
    public <T> T getObject(int index, Class<T> type) throws SQLException {
        return cs.getObject(index, type);
    }

    @Override
    public <T> T getObject(String label, Class<T> type) throws SQLException {
        return cs.getObject(label, type);
    }

    @Override
    public void setObject(String label, Object object, SQLType sQLType, int i3) throws SQLException {
        cs.setObject(label, object, sQLType, i3);
    }

    @Override
    public void setObject(String label, Object object, SQLType sQLType) throws SQLException {
        cs.setObject(label, object, sQLType);
    }

    @Override
    public void registerOutParameter(int index, SQLType sQLType) throws SQLException {
        cs.registerOutParameter(index, sQLType);
    }

    @Override
    public void registerOutParameter(int index, SQLType sQLType, int i2) throws SQLException {
        cs.registerOutParameter(index, sQLType, i2);
    }

    @Override
    public void registerOutParameter(int index, SQLType sQLType, String s2) throws SQLException {
        cs.registerOutParameter(index, sQLType, s2);
    }

    @Override
    public void registerOutParameter(String label, SQLType sQLType) throws SQLException {
        cs.registerOutParameter(label, sQLType);
    }

    @Override
    public void registerOutParameter(String label, SQLType sQLType, int i2) throws SQLException {
        cs.registerOutParameter(label, sQLType, i2);
    }

    @Override
    public void registerOutParameter(String label, SQLType sQLType, String s2) throws SQLException {
        cs.registerOutParameter(label, sQLType, s2);
    }

}
