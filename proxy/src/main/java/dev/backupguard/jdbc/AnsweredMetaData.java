package dev.backupguard.jdbc;

import dev.backupguard.protocol.Result;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** The column descriptions of an {@link AnsweredResultSet}: a server's result of a SHOW or SELECT, not of a table. */
record AnsweredMetaData(List<Result.Column> columns) implements ResultSetMetaData {

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
        return Unwrapping.unwrap(this, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return Unwrapping.isWrapperFor(this, iface);
    }
}
