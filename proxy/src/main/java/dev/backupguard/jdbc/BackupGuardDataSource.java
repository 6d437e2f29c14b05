package dev.backupguard.jdbc;

import dev.backupguard.config.ConnectionIdentity;
import dev.backupguard.config.DataSourceIdentity;
import dev.backupguard.config.Settings;
import dev.backupguard.config.SettingsSources;
import dev.backupguard.config.Source;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ConnectionBuilder;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
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
    private final ConnectionIdentity identity;
    private volatile ConnectionSource side;

    public BackupGuardDataSource(DataSource target) {
        this(target, new Properties());
    }

    /**
     * {@code settings} holds {@code backupguard.*} keys over the process-wide ones and those of the target's URL.
     * The target's user and allowMultiQueries are read from it with its driver's rules ({@link DataSourceIdentity}).
     */
    public BackupGuardDataSource(DataSource target, Properties settings) {
        this.target = target;
        this.identity = DataSourceIdentity.of(target, null)
                .withSettings(SettingsSources.prefixed(settings, Source.CONNECTION_PROPERTY, ""));
        this.settings = SettingsSources.forConnection(identity.settings());
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
        return guard(target.getConnection(), side, identity);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return guard(target.getConnection(username, password), () -> target.getConnection(username, password),
                identity.withUser(username));
    }

    private Connection guard(Connection raw, ConnectionSource sideSource, ConnectionIdentity id) throws SQLException {
        String user = id.user();
        if (user == null && (!settings.backupUsers().isEmpty() || !settings.neverUsers().isEmpty())) {
            // Only when user rules are configured and the target did not tell: some drivers ask the server.
            user = raw.getMetaData().getUserName();
            int at = user == null ? -1 : user.indexOf('@');
            if (at > 0) {
                user = user.substring(0, at);
            }
        }
        return BackupGuard.wrap(raw, settings, sideSource, user, id.multiStatements());
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
