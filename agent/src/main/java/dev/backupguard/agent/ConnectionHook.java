package dev.backupguard.agent;

import dev.backupguard.agent.bridge.ConnectionDispatch;
import dev.backupguard.agent.logging.AgentLog;
import dev.backupguard.config.ConnectionIdentity;
import dev.backupguard.config.Settings;
import dev.backupguard.config.SettingsSources;
import dev.backupguard.jdbc.BackupGuard;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * What {@link ConnectionDispatch} calls: decides whether a connection the application obtained is to be guarded and
 * guards it through the (shaded) library's single entry point, {@link BackupGuard#wrap}. Anything that goes wrong
 * here hands the connection back unchanged and is logged once: the agent never breaks the application's connect.
 */
final class ConnectionHook implements Function<Object[], Object> {

    private final FailureLog failures = new FailureLog();

    /**
     * What a data source's {@code getConnection()} resolves to, kept per data source: a pool hands out connections
     * all day, and the settings (a properties file among their sources) and the reflective look-ups are the same
     * each time; the library's {@code BackupGuardDataSource} likewise resolves its settings once. Weak keys: the
     * application's data sources are not kept alive.
     */
    private final Map<Object, Resolved> dataSources = Collections.synchronizedMap(new WeakHashMap<>());

    private record Resolved(ConnectionIdentity identity, Settings settings) {
    }

    @Override
    public Object apply(Object[] call) {
        int via = (Integer) call[0];
        Object connection = call[4];
        if (via == ConnectionDispatch.IS_GUARDED) {
            return connection instanceof Connection c && BackupGuard.isGuarded(c);
        }
        return guard(via, call[1], call[2], call[3], (Connection) connection);
    }

    private Connection guard(int via, Object source, Object a0, Object a1, Connection raw) {
        try {
            if (!AgentLog.bound()) {
                // The first connection: the application is running and has set up its logging by now.
                AgentLog.bindToApplication(source.getClass().getClassLoader(),
                        Thread.currentThread().getContextClassLoader(), ClassLoader.getSystemClassLoader());
            }
            if (Callers.decide() != Callers.Decision.GUARD || LibraryPresence.guardedByLibrary(raw)) {
                return raw;
            }
            Resolved r = via == ConnectionDispatch.DATA_SOURCE && a0 == null ? dataSources.get(source) : null;
            if (r == null) {
                ConnectionIdentity identity = ConnectionRequest.identity(via, source, a0, a1);
                // Never throws: what is wrong with the settings is logged, and on-config-error says what follows.
                r = new Resolved(identity, SettingsSources.forConnection(identity.settings()));
                if (via == ConnectionDispatch.DATA_SOURCE && a0 == null) {
                    dataSources.put(source, r);
                }
            }
            return BackupGuard.wrap(raw, r.settings(), ConnectionRequest.side(via, source, a0, a1), r.identity().user(),
                    r.identity().multiStatements());
        } catch (SQLException | RuntimeException | LinkageError e) {
            failures.once(e.getClass().getName(), "backup-guard agent failed internally on a connection of "
                    + source.getClass().getName() + "; it is handed back NOT guarded", e);
            return raw;
        }
    }
}
