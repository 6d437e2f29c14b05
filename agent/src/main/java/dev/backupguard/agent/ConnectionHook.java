package dev.backupguard.agent;

import dev.backupguard.agent.bridge.ConnectionDispatch;
import dev.backupguard.agent.logging.AgentLog;
import dev.backupguard.config.Settings;
import dev.backupguard.config.SettingsSources;
import dev.backupguard.jdbc.BackupGuard;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Function;

/**
 * What {@link ConnectionDispatch} calls: decides whether a connection the application obtained is to be guarded and
 * guards it through the (shaded) library's single entry point, {@link BackupGuard#wrap}. Anything that goes wrong
 * here hands the connection back unchanged and is logged once: the agent never breaks the application's connect.
 */
final class ConnectionHook implements Function<Object[], Object> {

    private final FailureLog failures = new FailureLog();

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
            ConnectionRequest request = ConnectionRequest.of(via, source, a0, a1);
            Settings settings = SettingsSources.resolve(request.properties());
            return BackupGuard.wrap(raw, settings, request.side(), request.user(), request.multiStatements());
        } catch (IllegalArgumentException e) {
            failures.once("settings:" + e.getMessage(), "backup-guard agent: bad settings for a connection of "
                    + source.getClass().getName() + "; it is NOT guarded: " + e.getMessage(), null);
            return raw;
        } catch (SQLException | RuntimeException | LinkageError e) {
            failures.once(e.getClass().getName(), "backup-guard agent failed internally on a connection of "
                    + source.getClass().getName() + "; it is handed back NOT guarded", e);
            return raw;
        }
    }
}
