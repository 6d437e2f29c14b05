package dev.backupguard.jdbc;

import dev.backupguard.config.Connector;
import dev.backupguard.protocol.Result;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;

/**
 * The column descriptions of an {@link AnsweredResultSet}, as the driver would report the server's own answer (a
 * SHOW or SELECT result, not a table's columns). {@code JdbcCorrectnessIT} compares every property with what each
 * Connector/J reports for the real MariaDB's answer.
 */
record AnsweredMetaData(Result.Rows rows, Connector driver) implements ResultSetMetaData {

    /**
     * The columns of SHOW MASTER STATUS (SHOW BINLOG STATUS, SHOW BINARY LOG STATUS), which the server declares NOT
     * NULL with these lengths (measured on MariaDB 11.4.5). MySQL's Executed_Gtid_Set is as long as its value.
     */
    private static final Map<String, Integer> BINLOG_STATUS_LENGTHS = Map.of("File", 512, "Position", 20,
            "Binlog_Do_DB", 255, "Binlog_Ignore_DB", 255, "Executed_Gtid_Set", 0);

    private Result.Column col(int i) throws SQLException {
        if (i < 1 || i > rows.columns().size()) {
            throw new SQLException("column index " + i + " out of range 1.." + rows.columns().size(), "S1009");
        }
        return rows.columns().get(i - 1);
    }

    private boolean text(int i) throws SQLException {
        return col(i).sqlType() == Types.VARCHAR;
    }

    /**
     * MariaDB Connector/J reports the column definition's flags and decimals as the server sends them: a string is
     * "signed" (it has no UNSIGNED flag) with scale 39 (the server's decimals for a string), and every column here is
     * case-sensitive. MySQL Connector/J reports neither (and is the model for a driver the guard does not know).
     */
    private boolean asMariaDbConnector() {
        return driver == Connector.MARIADB;
    }

    @Override
    public int getColumnCount() {
        return rows.columns().size();
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
        return asMariaDbConnector();
    }

    @Override
    public boolean isSearchable(int i) {
        return true;
    }

    @Override
    public boolean isCurrency(int i) {
        return false;
    }

    @Override
    public int isNullable(int i) throws SQLException {
        // A SELECT of a variable may be NULL; the binlog status columns are not.
        return BINLOG_STATUS_LENGTHS.containsKey(col(i).label()) ? columnNoNulls : columnNullable;
    }

    @Override
    public boolean isSigned(int i) throws SQLException {
        return asMariaDbConnector() && text(i);
    }

    /** The declared length of a binlog status column; otherwise, as for an expression, its longest value's. */
    @Override
    public int getColumnDisplaySize(int i) throws SQLException {
        Integer declared = BINLOG_STATUS_LENGTHS.get(col(i).label());
        if (declared != null && declared > 0) {
            return declared;
        }
        int longest = 0;
        for (List<Object> row : rows.rows()) {
            Object v = row.get(i - 1);
            longest = Math.max(longest, v == null ? 0 : v.toString().length());
        }
        return longest;
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
    public int getScale(int i) throws SQLException {
        return asMariaDbConnector() && text(i) ? 39 : 0;
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
