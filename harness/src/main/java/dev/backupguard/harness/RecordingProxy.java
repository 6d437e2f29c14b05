package dev.backupguard.harness;

import dev.backupguard.classify.IsolationLevel;
import dev.backupguard.jdbc.BackupGuardException;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The recording layers, as dynamic proxies of the JDBC interfaces (a test library may pay for reflection; the guard's
 * own wrappers on the hot path do not use any).
 *
 * <p>The {@link Layer#SERVER} layer sits beneath backup-guard, on the real (or fake) connection: every statement and
 * transaction call that passes it reaches the server and is recorded, with its time and error. The {@link Layer#JOB}
 * layer sits above the guard, where the code under test calls: it records nothing itself, but marks which call of
 * the job is in flight, so statements below are attributed to the job or to the guard, and a job call the guard
 * answered without sending anything is noted.
 */
final class RecordingProxy implements InvocationHandler {

    enum Layer { JOB, SERVER }

    /** Per connection and layer: what the JDBC calls have set, so a call that changes nothing records nothing. */
    private static final class State {
        boolean autoCommit;

        State(boolean autoCommit) {
            this.autoCommit = autoCommit;
        }
    }

    private final Object target;
    private final Layer layer;
    private final Recording rec;
    private final State state;
    private final Object owner;
    private final String template;
    private final Map<Integer, String> params = new TreeMap<>();
    private final List<String[]> batch = new ArrayList<>();

    private RecordingProxy(Object target, Layer layer, Recording rec, State state, Object owner, String template) {
        this.target = target;
        this.layer = layer;
        this.rec = rec;
        this.state = state;
        this.owner = owner;
        this.template = template;
    }

    static Connection connection(Connection target, Layer layer, Recording rec, boolean autoCommit) {
        return (Connection) Proxy.newProxyInstance(RecordingProxy.class.getClassLoader(),
                new Class<?>[]{Connection.class},
                new RecordingProxy(target, layer, rec, new State(autoCommit), null, null));
    }

    private Object wrap(Object result, Class<?> type, Object proxyOwner, String sql) {
        if (result == null || !type.isInterface() || !type.isInstance(result)) {
            return result;
        }
        return Proxy.newProxyInstance(RecordingProxy.class.getClassLoader(), new Class<?>[]{type},
                new RecordingProxy(result, layer, rec, state, proxyOwner, sql));
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        String name = m.getName();
        if (m.getDeclaringClass() == Object.class) {
            return switch (name) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "Recorded[" + target + "]";
                default -> call(m, args);
            };
        }
        if (name.equals("unwrap") && args != null && args[0] instanceof Class<?> iface && iface.isInstance(proxy)) {
            return proxy;
        }
        if (name.equals("isWrapperFor") && args != null && args[0] instanceof Class<?> iface && iface.isInstance(proxy)) {
            return true;
        }
        if (target instanceof Connection) {
            return connection(proxy, m, args);
        }
        if (target instanceof Statement) {
            return statement(proxy, m, args);
        }
        if (target instanceof ResultSet && name.equals("getStatement") && owner != null) {
            return owner;
        }
        return call(m, args);
    }

    // ------------------------------------------------------------------------------------------------ connection

    private Object connection(Object proxy, Method m, Object[] args) throws Throwable {
        switch (m.getName()) {
            case "createStatement":
                return wrap(call(m, args), m.getReturnType(), proxy, null);
            case "prepareStatement":
            case "prepareCall":
                return wrap(call(m, args), m.getReturnType(), proxy, (String) args[0]);
            case "setAutoCommit": {
                boolean on = (Boolean) args[0];
                if (on == state.autoCommit) {
                    return call(m, args); // the drivers send nothing when autocommit does not change
                }
                Object r = jdbcCall(m, args, on ? "SET autocommit=1" : "SET autocommit=0",
                        "Connection.setAutoCommit(" + on + ")");
                state.autoCommit = on;
                return r;
            }
            case "commit":
                return jdbcCall(m, args, "COMMIT", "Connection.commit()");
            case "rollback":
                if (args == null || args.length == 0) {
                    return jdbcCall(m, args, "ROLLBACK", "Connection.rollback()");
                }
                return jdbcCall(m, args, "ROLLBACK TO SAVEPOINT " + quote(savepointName((Savepoint) args[0])),
                        "Connection.rollback(Savepoint)");
            case "releaseSavepoint":
                return jdbcCall(m, args, "RELEASE SAVEPOINT " + quote(savepointName((Savepoint) args[0])),
                        "Connection.releaseSavepoint(Savepoint)");
            case "setSavepoint":
                if (args != null && args.length == 1) {
                    return jdbcCall(m, args, "SAVEPOINT " + quote((String) args[0]), "Connection.setSavepoint(name)");
                }
                return unnamedSavepoint(m);
            case "setTransactionIsolation": {
                IsolationLevel level = IsolationLevel.ofJdbc((Integer) args[0]);
                if (level == null) {
                    return call(m, args);
                }
                return jdbcCall(m, args, "SET SESSION TRANSACTION ISOLATION LEVEL " + level.sql(),
                        "Connection.setTransactionIsolation(" + level.name() + ")");
            }
            case "setCatalog":
                return jdbcCall(m, args, "USE " + quote((String) args[0]), "Connection.setCatalog");
            case "setReadOnly":
                return jdbcCall(m, args, (Boolean) args[0] ? "SET SESSION TRANSACTION READ ONLY"
                        : "SET SESSION TRANSACTION READ WRITE", "Connection.setReadOnly(" + args[0] + ")");
            case "close":
                try {
                    return layer == Layer.JOB ? around(m, args, List.of(), "close()", "Connection.close()")
                            : call(m, args);
                } finally {
                    if (layer == Layer.SERVER) {
                        rec.closed();
                    }
                }
            default:
                return call(m, args);
        }
    }

    private Object unnamedSavepoint(Method m) throws Throwable {
        long t0 = rec.micros();
        Savepoint sp;
        try {
            sp = (Savepoint) (layer == Layer.JOB ? around(m, null, List.of("*"), "SAVEPOINT", "Connection.setSavepoint()")
                    : call(m, null));
        } catch (SQLException e) {
            if (layer == Layer.SERVER) {
                rec.sent("SAVEPOINT", "*", "Connection.setSavepoint()", t0, rec.micros(), code(e));
            }
            throw e;
        }
        if (layer == Layer.SERVER) {
            rec.sent("SAVEPOINT " + quote(savepointName(sp)), "*", "Connection.setSavepoint()", t0, rec.micros(), 0);
        }
        return sp;
    }

    private static String savepointName(Savepoint sp) {
        try {
            return sp.getSavepointName();
        } catch (SQLException | RuntimeException e) {
            try {
                return "sp" + sp.getSavepointId();
            } catch (SQLException | RuntimeException e2) {
                return "sp";
            }
        }
    }

    private static String quote(String identifier) {
        return "`" + (identifier == null ? "" : identifier.replace("`", "``")) + "`";
    }

    /** A transaction call: the statement the driver sends for it. */
    private Object jdbcCall(Method m, Object[] args, String sql, String call) throws Throwable {
        if (layer == Layer.JOB) {
            return around(m, args, List.of(sql), sql, call);
        }
        long t0 = rec.micros();
        try {
            Object r = call(m, args);
            rec.sent(sql, sql, call, t0, rec.micros(), 0);
            return r;
        } catch (SQLException e) {
            rec.sent(sql, sql, call, t0, rec.micros(), code(e));
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------------ statements

    private Object statement(Object proxy, Method m, Object[] args) throws Throwable {
        String name = m.getName();
        switch (name) {
            case "execute", "executeQuery", "executeUpdate", "executeLargeUpdate" -> {
                if (args != null && args.length >= 1 && args[0] instanceof String sql) {
                    return run(proxy, m, args, List.<String[]>of(new String[]{sql, sql}));
                }
                if ((args == null || args.length == 0) && template != null) {
                    return run(proxy, m, args, List.<String[]>of(new String[]{Placeholders.inline(template, params),
                            template}));
                }
                return call(m, args);
            }
            case "addBatch" -> {
                if (args != null && args.length == 1 && args[0] instanceof String sql) {
                    batch.add(new String[]{sql, sql});
                } else if (template != null) {
                    batch.add(new String[]{Placeholders.inline(template, params), template});
                }
                return call(m, args);
            }
            case "clearBatch" -> {
                batch.clear();
                return call(m, args);
            }
            case "executeBatch", "executeLargeBatch" -> {
                List<String[]> statements = new ArrayList<>(batch);
                batch.clear();
                return run(proxy, m, args, statements);
            }
            case "clearParameters" -> {
                params.clear();
                return call(m, args);
            }
            case "getConnection" -> {
                return owner != null ? owner : call(m, args);
            }
            default -> {
                if (template != null && name.startsWith("set") && args != null && args.length >= 2
                        && args[0] instanceof Integer index) {
                    params.put(index, name.equals("setNull") ? "NULL" : Placeholders.literal(args[1]));
                }
                return result(proxy, call(m, args));
            }
        }
    }

    private Object result(Object statementProxy, Object r) {
        return layer == Layer.JOB && r instanceof ResultSet ? wrap(r, ResultSet.class, statementProxy, null) : r;
    }

    /** Statements sent through a Statement: recorded below the guard, marked as the job's in flight above it. */
    private Object run(Object proxy, Method m, Object[] args, List<String[]> statements) throws Throwable {
        if (layer == Layer.JOB) {
            List<String> templates = statements.stream().map(s -> s[1]).toList();
            return result(proxy, around(m, args, templates, statements.isEmpty() ? "" : statements.get(0)[0], null));
        }
        long t0 = rec.micros();
        try {
            Object r = call(m, args);
            long t1 = rec.micros();
            for (String[] s : statements) {
                rec.sent(s[0], s[1], null, t0, t1, 0);
            }
            return r;
        } catch (SQLException e) {
            long t1 = rec.micros();
            for (String[] s : statements) {
                rec.sent(s[0], s[1], null, t0, t1, code(e));
            }
            throw e;
        }
    }

    /** A call of the code under test, with what it expects to reach the server. */
    private Object around(Method m, Object[] args, List<String> expected, String display, String call)
            throws Throwable {
        Recording.JobCall outer = rec.jobCallStarted(expected, display, call);
        boolean ok = false;
        try {
            Object r = call(m, args);
            ok = true;
            return r;
        } catch (BackupGuardException e) {
            rec.refused(display, e.rule().id());
            throw e;
        } finally {
            rec.jobCallEnded(outer, ok);
        }
    }

    private static int code(SQLException e) {
        return e.getErrorCode() != 0 ? e.getErrorCode() : -1;
    }

    private Object call(Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
