package dev.backupguard.jdbc;

import dev.backupguard.classify.Redactor;
import dev.backupguard.config.ConnectionIdentity;
import dev.backupguard.config.Connector;
import dev.backupguard.config.Settings;
import dev.backupguard.config.SettingsSources;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Locale;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * {@code jdbc:backupguard:mysql://...} and {@code jdbc:backupguard:mariadb://...}: the real driver (found through
 * DriverManager) connects to {@code jdbc:mysql://...} / {@code jdbc:mariadb://...} and its connection comes back
 * guarded. {@code backupguard.*} parameters in the URL or properties configure this connection and are not passed to
 * the real driver. Registered through {@code META-INF/services/java.sql.Driver}.
 */
public final class BackupGuardDriver implements Driver {

    public static final String PREFIX = "jdbc:backupguard:";

    static {
        try {
            DriverManager.registerDriver(new BackupGuardDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null; // JDBC: a driver returns null for URLs it does not handle
        }
        Target target = Target.of(url, info);
        Driver real = DriverManager.getDriver(target.url);
        // Read with the rules of the driver that will connect: its options from what it is given, our settings
        // from what we were given.
        Connector connector = Connector.ofDriver(real.getClass().getName());
        ConnectionIdentity id = ConnectionIdentity.of(connector, target.url, target.props);
        Settings settings = SettingsSources.forConnection(ConnectionIdentity.of(connector,
                "jdbc:" + url.substring(PREFIX.length()), info).settings());
        Connection raw = real.connect(target.url, target.props);
        if (raw == null) {
            throw new SQLException("no driver accepted " + Redactor.url(target.url), "08001");
        }
        try {
            return BackupGuard.wrap(raw, settings, () -> real.connect(target.url, target.props), id.user(),
                    id.multiStatements());
        } catch (SQLException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return new DriverPropertyInfo[0];
        }
        Target target = Target.of(url, info);
        return DriverManager.getDriver(target.url).getPropertyInfo(target.url, target.props);
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("backup-guard logs through SLF4J");
    }

    /**
     * The real URL and properties, with backup-guard's own settings taken out (they are read, with the driver's
     * options, by {@link ConnectionIdentity}).
     */
    record Target(String url, Properties props) {

        static Target of(String url, Properties info) {
            Properties props = new Properties();
            if (info != null) {
                for (String name : info.stringPropertyNames()) {
                    if (!isGuardKey(name)) {
                        props.setProperty(name, info.getProperty(name));
                    }
                }
            }
            String rest = "jdbc:" + url.substring(PREFIX.length());
            int q = rest.indexOf('?');
            if (q < 0) {
                return new Target(rest, props);
            }
            StringBuilder kept = new StringBuilder(rest.substring(0, q));
            char sep = '?';
            for (String pair : rest.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (!pair.isEmpty() && !isGuardKey((eq < 0 ? pair : pair.substring(0, eq)).trim())) {
                    kept.append(sep).append(pair);
                    sep = '&';
                }
            }
            return new Target(kept.toString(), props);
        }

        private static boolean isGuardKey(String key) {
            return key.toLowerCase(Locale.ROOT).startsWith(Settings.PREFIX);
        }
    }
}
