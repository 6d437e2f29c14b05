package dev.backupguard.jdbc;

import dev.backupguard.config.Settings;
import dev.backupguard.config.SettingsSources;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ConnectionBuilder;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * Puts the connections of any DataSource under backup-guard: wrap the driver's DataSource and give this one to a
 * pool (HikariCP's {@code setDataSource}), or wrap the pool itself. Side connections for the lock guard come from the
 * same DataSource, or from {@link #setSideConnections}.
 */
public final class BackupGuardDataSource implements DataSource {

    private final DataSource target;
    private final Settings settings;
    private volatile ConnectionSource side;

    public BackupGuardDataSource(DataSource target) {
        this(target, new Properties());
    }

    /** {@code settings} holds {@code backupguard.*} keys over the process-wide ones. */
    public BackupGuardDataSource(DataSource target, Properties settings) {
        this.target = target;
        Map<String, String> all = SettingsSources.global();
        all.putAll(SettingsSources.prefixed(settings));
        this.settings = Settings.from(all);
        this.side = target::getConnection;
    }

    /** Where side connections come from (default: this DataSource's target). */
    public void setSideConnections(ConnectionSource side) {
        this.side = side;
    }

    public DataSource getTarget() {
        return target;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return guard(target.getConnection(), side);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return guard(target.getConnection(username, password), () -> target.getConnection(username, password));
    }

    private Connection guard(Connection raw, ConnectionSource sideSource) throws SQLException {
        String user = null;
        if (!settings.backupUsers().isEmpty() || !settings.neverUsers().isEmpty()) {
            // Only when user rules are configured: some drivers ask the server for the user name.
            user = raw.getMetaData().getUserName();
            int at = user == null ? -1 : user.indexOf('@');
            if (at > 0) {
                user = user.substring(0, at);
            }
        }
        return BackupGuard.wrap(raw, settings, sideSource, user, false);
    }

    @Override
    public ConnectionBuilder createConnectionBuilder() throws SQLException {
        throw new SQLFeatureNotSupportedException("use getConnection()");
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return Unwrapping.unwrap(this, target, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return Unwrapping.isWrapperFor(this, target, iface);
    }
}
