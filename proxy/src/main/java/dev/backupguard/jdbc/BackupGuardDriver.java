package dev.backupguard.jdbc;

import dev.backupguard.classify.Redactor;
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
        Connection raw = real.connect(target.url, target.props);
        if (raw == null) {
            throw new SQLException("no driver accepted " + Redactor.url(target.url), "08001");
        }
        try {
            Settings settings = SettingsSources.resolve(target.guardProps);
            return BackupGuard.wrap(raw, settings, () -> real.connect(target.url, target.props),
                    target.props.getProperty("user"), BackupGuard.isTrue(target.props.getProperty("allowMultiQueries")));
        } catch (RuntimeException e) {
            raw.close();
            throw new SQLException("backup-guard settings: " + e.getMessage(), "HY000", e);
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

    /** The real URL and properties, with backup-guard's own settings taken out. */
    record Target(String url, Properties props, Properties guardProps) {

        static Target of(String url, Properties info) {
            Properties props = new Properties();
            Properties guard = new Properties();
            if (info != null) {
                for (String name : info.stringPropertyNames()) {
                    (isGuardKey(name) ? guard : props).setProperty(name, info.getProperty(name));
                }
            }
            String rest = "jdbc:" + url.substring(PREFIX.length());
            int q = rest.indexOf('?');
            if (q < 0) {
                return new Target(rest, props, guard);
            }
            StringBuilder kept = new StringBuilder(rest.substring(0, q));
            char sep = '?';
            for (String pair : rest.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                if (isGuardKey(key)) {
                    guard.setProperty(key, eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1),
                            java.nio.charset.StandardCharsets.UTF_8));
                } else if (!pair.isEmpty()) {
                    kept.append(sep).append(pair);
                    sep = '&';
                    if (key.equalsIgnoreCase("allowMultiQueries") && eq >= 0) {
                        props.putIfAbsent("allowMultiQueries", pair.substring(eq + 1));
                    }
                    if (key.equalsIgnoreCase("user") && eq >= 0) {
                        props.putIfAbsent("user", pair.substring(eq + 1));
                    }
                }
            }
            return new Target(kept.toString(), props, guard);
        }

        private static boolean isGuardKey(String key) {
            return key.toLowerCase(Locale.ROOT).startsWith(Settings.PREFIX);
        }
    }
}
