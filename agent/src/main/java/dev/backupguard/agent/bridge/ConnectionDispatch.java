package dev.backupguard.agent.bridge;

import java.util.function.Function;

/**
 * What the advised driver methods call on return (see {@code ExitAdvice}). It lives in the agent jar, on the system
 * class path, so the system class loader and every loader that delegates to it (a Spring Boot
 * {@code LaunchedURLClassLoader}, a servlet container's web-app loader) resolve it; for a loader that does not (one
 * created with a null parent, say) the agent defines a copy in the bootstrap loader, which every such loader sees,
 * and installs the same hook in it. The hook itself lives with the shaded proxy code in the system class loader.
 *
 * <p>So it may only use {@code java.base}: {@code java.sql} is defined by the platform loader, which the bootstrap
 * loader cannot see, and connections, drivers and data sources travel as {@code Object}. Nothing here may throw
 * into the driver: a failing hook hands the connection back unchanged.
 */
public final class ConnectionDispatch {

    /** {@code java.sql.Driver.connect(url, info)}: source is the driver, a0 the URL, a1 the Properties. */
    public static final int DRIVER = 1;
    /** {@code DataSource.getConnection([user, password])}: source is the data source, a0/a1 the credentials or null. */
    public static final int DATA_SOURCE = 2;
    /** The library's {@code BackupGuard.isGuarded}: is this connection guarded by the agent? */
    public static final int IS_GUARDED = 3;

    private static volatile Function<Object[], Object> hook;

    private ConnectionDispatch() {
    }

    /** Installs the hook; false if one is installed already (the agent was given twice): the first one wins. */
    public static synchronized boolean install(Function<Object[], Object> h) {
        if (hook != null) {
            return false;
        }
        hook = h;
        return true;
    }

    /** Called by advice on return of a connection; returns the connection to hand to the caller. */
    public static Object connected(int via, Object source, Object a0, Object a1, Object connection) {
        Function<Object[], Object> h = hook;
        if (h == null || connection == null) {
            return connection;
        }
        try {
            Object guarded = h.apply(new Object[]{via, source, a0, a1, connection});
            return guarded != null ? guarded : connection;
        } catch (Throwable t) {
            return connection; // the hook reports its own failures; never break the application's connect
        }
    }

    /** Whether the agent guards {@code connection} (directly or beneath a pool's proxy). */
    public static boolean guarded(Object connection) {
        Function<Object[], Object> h = hook;
        if (h == null || connection == null) {
            return false;
        }
        try {
            return Boolean.TRUE.equals(h.apply(new Object[]{IS_GUARDED, null, null, null, connection}));
        } catch (Throwable t) {
            return false;
        }
    }
}
