package dev.backupguard.harness;

import dev.backupguard.classify.IsolationLevel;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDBC face of a {@link FakeSession}: a Connection, its Statements, PreparedStatements and CallableStatements,
 * and a DatabaseMetaData, as dynamic proxies. Methods backup code does not need fail with
 * {@link SQLFeatureNotSupportedException} naming the method, never silently.
 */
final class FakeJdbc {

    private static final AtomicInteger SAVEPOINTS = new AtomicInteger();

    private FakeJdbc() {
    }

    static Connection connection(FakeSession session) {
        return (Connection) Proxy.newProxyInstance(FakeJdbc.class.getClassLoader(),
                new Class<?>[]{FakeConnection.class}, new ConnectionHandler(session));
    }

    /** The session behind a fake connection, also through wrappers that implement unwrap; else null. */
    static FakeSession session(Connection c) {
        try {
            Connection target = c;
            if (!Proxy.isProxyClass(target.getClass()) || !(Proxy.getInvocationHandler(target) instanceof ConnectionHandler)) {
                if (!c.isWrapperFor(FakeConnection.class)) {
                    return null;
                }
                target = c.unwrap(FakeConnection.class);
            }
            return ((ConnectionHandler) Proxy.getInvocationHandler(target)).session;
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    /** Marker interface a fake connection can be unwrapped to. */
    interface FakeConnection extends Connection {
    }

    private static SQLFeatureNotSupportedException unsupported(Method m) {
        return new SQLFeatureNotSupportedException("FakeServer does not implement " + m.getDeclaringClass().getSimpleName()
                + "." + m.getName() + "; test this code against a real server", "0A000");
    }

    private static Object common(Object proxy, Method m, Object[] args, Object target) throws SQLException {
        return switch (m.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "FakeServer " + target;
            default -> throw unsupported(m);
        };
    }

    // ------------------------------------------------------------------------------------------------ connection

    private static final class ConnectionHandler implements InvocationHandler {
        final FakeSession session;

        ConnectionHandler(FakeSession session) {
            this.session = session;
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            if (m.getDeclaringClass() == Object.class) {
                return common(proxy, m, args, "connection " + session.id());
            }
            String name = m.getName();
            switch (name) {
                case "close", "abort":
                    session.close();
                    return null;
                case "isClosed":
                    return session.closed();
                case "isValid":
                    return !session.closed();
                case "unwrap":
                    if (((Class<?>) args[0]).isAssignableFrom(Connection.class) || args[0] == FakeConnection.class) {
                        return proxy;
                    }
                    throw new SQLException("not a wrapper for " + args[0]);
                case "isWrapperFor":
                    return args[0] == FakeConnection.class || ((Class<?>) args[0]).isAssignableFrom(Connection.class);
                default:
                    break;
            }
            session.check();
            switch (name) {
                case "createStatement":
                    return statement(proxy, null, java.sql.Statement.class);
                case "prepareStatement":
                    return statement(proxy, (String) args[0], java.sql.PreparedStatement.class);
                case "prepareCall":
                    return statement(proxy, (String) args[0], java.sql.CallableStatement.class);
                case "setAutoCommit":
                    if ((Boolean) args[0] != session.autoCommit()) {
                        session.setAutoCommit((Boolean) args[0]);
                    }
                    return null;
                case "getAutoCommit":
                    return session.autoCommit();
                case "commit":
                    session.execute("COMMIT");
                    return null;
                case "rollback":
                    session.execute(args == null ? "ROLLBACK" : "ROLLBACK TO SAVEPOINT `" + name((Savepoint) args[0]) + "`");
                    return null;
                case "setSavepoint": {
                    String spName = args == null ? "sp_" + SAVEPOINTS.incrementAndGet() : (String) args[0];
                    session.execute("SAVEPOINT `" + spName + "`");
                    return savepoint(spName, args == null);
                }
                case "releaseSavepoint":
                    session.execute("RELEASE SAVEPOINT `" + name((Savepoint) args[0]) + "`");
                    return null;
                case "setTransactionIsolation": {
                    IsolationLevel level = IsolationLevel.ofJdbc((Integer) args[0]);
                    if (level == null) {
                        throw new SQLException("unsupported isolation level " + args[0], "HY024");
                    }
                    session.setIsolation(level);
                    return null;
                }
                case "getTransactionIsolation":
                    return session.isolation().jdbc();
                case "setCatalog", "setSchema":
                    session.setDatabase((String) args[0]);
                    return null;
                case "getCatalog", "getSchema":
                    return session.database();
                case "setReadOnly":
                    session.setReadOnly((Boolean) args[0]);
                    return null;
                case "isReadOnly":
                    return session.readOnly();
                case "getMetaData":
                    return metaData(proxy, session);
                case "getWarnings":
                    return null;
                case "clearWarnings", "setNetworkTimeout", "setClientInfo", "setHoldability", "setTypeMap":
                    return null;
                case "getNetworkTimeout":
                    return 0;
                case "getHoldability":
                    return ResultSet.HOLD_CURSORS_OVER_COMMIT;
                case "getClientInfo":
                    return args == null ? new java.util.Properties() : null;
                case "nativeSQL":
                    return args[0];
                case "getTypeMap":
                    return new java.util.HashMap<String, Class<?>>();
                default:
                    throw unsupported(m);
            }
        }
    }

    private static String name(Savepoint sp) throws SQLException {
        return sp.getSavepointName();
    }

    private static Savepoint savepoint(String name, boolean unnamed) {
        return new Savepoint() {
            @Override
            public int getSavepointId() throws SQLException {
                if (!unnamed) {
                    throw new SQLException("named savepoint has no id");
                }
                return Math.abs(name.hashCode());
            }

            @Override
            public String getSavepointName() {
                return name;
            }
        };
    }

    private static Object statement(Object connection, String sql, Class<?> type) {
        return Proxy.newProxyInstance(FakeJdbc.class.getClassLoader(), new Class<?>[]{type},
                new StatementHandler((Connection) connection, sql));
    }

    // ------------------------------------------------------------------------------------------------ statements

    private static final class StatementHandler implements InvocationHandler {
        private final Connection connection;
        private final FakeSession session;
        private final String template;
        private final Map<Integer, String> params = new TreeMap<>();
        private final List<String> batch = new ArrayList<>();
        private ResultSet current;
        private long updateCount = -1;
        private int fetchSize;
        private int maxRows;
        private int queryTimeout;
        private boolean closed;

        StatementHandler(Connection connection, String template) {
            this.connection = connection;
            this.session = session(connection);
            this.template = template;
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            if (m.getDeclaringClass() == Object.class) {
                return common(proxy, m, args, "statement");
            }
            String name = m.getName();
            switch (name) {
                case "close":
                    closed = true;
                    return null;
                case "isClosed":
                    return closed;
                case "getConnection":
                    return connection;
                case "unwrap":
                    if (((Class<?>) args[0]).isInstance(proxy)) {
                        return proxy;
                    }
                    throw new SQLException("not a wrapper for " + args[0]);
                case "isWrapperFor":
                    return ((Class<?>) args[0]).isInstance(proxy);
                default:
                    break;
            }
            if (closed) {
                throw new SQLException("statement is closed", "HY000");
            }
            switch (name) {
                case "execute", "executeQuery", "executeUpdate", "executeLargeUpdate": {
                    String sql = args != null && args.length > 0 && args[0] instanceof String s ? s
                            : Placeholders.inline(template, params);
                    FakeSession.Outcome o = session.execute(sql);
                    current = o.rows();
                    updateCount = o.rows() == null ? o.updateCount() : -1;
                    if (name.equals("executeQuery")) {
                        if (current == null) {
                            throw new SQLException("the statement returned no result set: " + sql, "HY000");
                        }
                        return current;
                    }
                    if (name.equals("execute")) {
                        return current != null;
                    }
                    if (name.equals("executeLargeUpdate")) {
                        return Math.max(0L, updateCount);
                    }
                    return (int) Math.max(0L, updateCount); // not a ternary: it would promote the int to long
                }
                case "addBatch":
                    batch.add(args != null && args.length == 1 ? (String) args[0] : Placeholders.inline(template, params));
                    return null;
                case "clearBatch":
                    batch.clear();
                    return null;
                case "executeBatch", "executeLargeBatch": {
                    int[] counts = new int[batch.size()];
                    long[] large = new long[batch.size()];
                    for (int i = 0; i < batch.size(); i++) {
                        FakeSession.Outcome o = session.execute(batch.get(i));
                        counts[i] = (int) Math.max(0, o.updateCount());
                        large[i] = Math.max(0, o.updateCount());
                    }
                    batch.clear();
                    return name.equals("executeBatch") ? counts : large;
                }
                case "getResultSet": {
                    ResultSet r = current;
                    current = null;
                    return r;
                }
                case "getUpdateCount": {
                    long c = updateCount;
                    updateCount = -1;
                    return (int) c;
                }
                case "getLargeUpdateCount": {
                    long c = updateCount;
                    updateCount = -1;
                    return c;
                }
                case "getMoreResults":
                    current = null;
                    updateCount = -1;
                    return false;
                case "clearParameters":
                    params.clear();
                    return null;
                case "setFetchSize":
                    fetchSize = (Integer) args[0];
                    return null;
                case "getFetchSize":
                    return fetchSize;
                case "setMaxRows":
                    maxRows = (Integer) args[0];
                    return null;
                case "getMaxRows":
                    return maxRows;
                case "setQueryTimeout":
                    queryTimeout = (Integer) args[0];
                    return null;
                case "getQueryTimeout":
                    return queryTimeout;
                case "getWarnings":
                    return null;
                case "clearWarnings", "setEscapeProcessing", "setFetchDirection", "setCursorName", "cancel",
                     "closeOnCompletion", "setPoolable", "setLargeMaxRows":
                    return null;
                case "getResultSetType":
                    return ResultSet.TYPE_FORWARD_ONLY;
                case "getResultSetConcurrency":
                    return ResultSet.CONCUR_READ_ONLY;
                case "getFetchDirection":
                    return ResultSet.FETCH_FORWARD;
                case "getGeneratedKeys":
                    return FakeSession.rows(FakeServer.columns("GENERATED_KEY BIGINT"), List.of());
                case "isCloseOnCompletion", "isPoolable":
                    return false;
                default:
                    if (template != null && name.startsWith("set") && args != null && args.length >= 2
                            && args[0] instanceof Integer index) {
                        params.put(index, name.equals("setNull") ? "NULL" : Placeholders.literal(args[1]));
                        return null;
                    }
                    throw unsupported(m);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ metadata

    private static DatabaseMetaData metaData(Object connection, FakeSession session) {
        return (DatabaseMetaData) Proxy.newProxyInstance(FakeJdbc.class.getClassLoader(),
                new Class<?>[]{DatabaseMetaData.class}, (proxy, m, args) -> {
                    if (m.getDeclaringClass() == Object.class) {
                        return common(proxy, m, args, "metadata");
                    }
                    dev.backupguard.protocol.ServerVersion v =
                            dev.backupguard.protocol.ServerVersion.parse(session.server().version());
                    return switch (m.getName()) {
                        case "getConnection" -> connection;
                        case "getDatabaseProductName" -> session.server().flavor()
                                == dev.backupguard.protocol.ServerFacts.Flavor.MARIADB ? "MariaDB" : "MySQL";
                        case "getDatabaseProductVersion" -> session.server().version();
                        case "getDatabaseMajorVersion" -> v.major();
                        case "getDatabaseMinorVersion" -> v.minor();
                        case "getDriverName" -> "backup-guard FakeServer";
                        case "getDriverVersion" -> "1.0";
                        case "getDriverMajorVersion" -> 1;
                        case "getDriverMinorVersion" -> 0;
                        case "getJDBCMajorVersion" -> 4;
                        case "getJDBCMinorVersion" -> 2;
                        case "getURL" -> "jdbc:backupguard-fake://localhost/" + (session.database() == null ? ""
                                : session.database());
                        case "getUserName" -> "fake";
                        case "getIdentifierQuoteString" -> "`";
                        case "supportsSavepoints", "supportsTransactions", "supportsBatchUpdates",
                             "supportsMultipleResultSets" -> true;
                        case "getDefaultTransactionIsolation" -> java.sql.Connection.TRANSACTION_REPEATABLE_READ;
                        case "supportsTransactionIsolationLevel" -> true;
                        default -> throw unsupported(m);
                    };
                });
    }
}
