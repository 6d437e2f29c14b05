package dev.backupguard.bench.stub;

import static dev.backupguard.bench.stub.StubConnection.unsupported;

import java.sql.*;

/** A statement of {@link StubConnection}: queries return a one-row {@link StubResultSet}, updates count one row. */
public class StubStatement implements Statement {

    private final Connection connection;
    private ResultSet current;
    private boolean closed;

    StubStatement(Connection connection) {
        this.connection = connection;
    }

    @Override
    public ResultSet executeQuery(String sql) {
        current = new StubResultSet(this);
        return current;
    }

    @Override
    public int executeUpdate(String sql) {
        current = null;
        return 1;
    }

    @Override
    public boolean execute(String sql) {
        current = null;
        return false;
    }

    @Override
    public ResultSet getResultSet() {
        return current;
    }

    @Override
    public int getUpdateCount() {
        return current == null ? 1 : -1;
    }

    @Override
    public long getLargeUpdateCount() {
        return getUpdateCount();
    }

    @Override
    public boolean getMoreResults() {
        current = null;
        return false;
    }

    @Override
    public Connection getConnection() {
        return connection;
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
    public SQLWarning getWarnings() {
        return null;
    }

    @Override
    public void clearWarnings() {
    }

    @Override
    public void setFetchSize(int rows) {
    }

    @Override
    public int getFetchSize() {
        return 0;
    }

    @Override
    public int getResultSetType() {
        return ResultSet.TYPE_FORWARD_ONLY;
    }

    @Override
    public int getResultSetConcurrency() {
        return ResultSet.CONCUR_READ_ONLY;
    }

    @Override
    public int getMaxRows() {
        return 0;
    }

    @Override
    public int getQueryTimeout() {
        return 0;
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    // ----------------------------------------------------------------- not exercised by the benchmarks

    @Override
    public void addBatch(String p0) throws SQLException {
        throw unsupported("addBatch");
    }

    @Override
    public void cancel() throws SQLException {
        throw unsupported("cancel");
    }

    @Override
    public void clearBatch() throws SQLException {
        throw unsupported("clearBatch");
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        throw unsupported("closeOnCompletion");
    }

    @Override
    public boolean execute(String p0, int[] p1) throws SQLException {
        throw unsupported("execute");
    }

    @Override
    public boolean execute(String p0, String[] p1) throws SQLException {
        throw unsupported("execute");
    }

    @Override
    public boolean execute(String p0, int p1) throws SQLException {
        throw unsupported("execute");
    }

    @Override
    public int[] executeBatch() throws SQLException {
        throw unsupported("executeBatch");
    }

    @Override
    public int executeUpdate(String p0, int[] p1) throws SQLException {
        throw unsupported("executeUpdate");
    }

    @Override
    public int executeUpdate(String p0, String[] p1) throws SQLException {
        throw unsupported("executeUpdate");
    }

    @Override
    public int executeUpdate(String p0, int p1) throws SQLException {
        throw unsupported("executeUpdate");
    }

    @Override
    public int getFetchDirection() throws SQLException {
        throw unsupported("getFetchDirection");
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        throw unsupported("getGeneratedKeys");
    }

    @Override
    public int getMaxFieldSize() throws SQLException {
        throw unsupported("getMaxFieldSize");
    }

    @Override
    public boolean getMoreResults(int p0) throws SQLException {
        throw unsupported("getMoreResults");
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        throw unsupported("getResultSetHoldability");
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        throw unsupported("isCloseOnCompletion");
    }

    @Override
    public boolean isPoolable() throws SQLException {
        throw unsupported("isPoolable");
    }

    @Override
    public void setCursorName(String p0) throws SQLException {
        throw unsupported("setCursorName");
    }

    @Override
    public void setEscapeProcessing(boolean p0) throws SQLException {
        throw unsupported("setEscapeProcessing");
    }

    @Override
    public void setFetchDirection(int p0) throws SQLException {
        throw unsupported("setFetchDirection");
    }

    @Override
    public void setMaxFieldSize(int p0) throws SQLException {
        throw unsupported("setMaxFieldSize");
    }

    @Override
    public void setMaxRows(int p0) throws SQLException {
        throw unsupported("setMaxRows");
    }

    @Override
    public void setPoolable(boolean p0) throws SQLException {
        throw unsupported("setPoolable");
    }

    @Override
    public void setQueryTimeout(int p0) throws SQLException {
        throw unsupported("setQueryTimeout");
    }
}
