package dev.backupguard.config;

import java.util.Properties;

/**
 * The {@link ConnectionIdentity} of the connections a DataSource hands out, read through the public getters of the
 * DataSources the guard knows (by class name: the application's copies of the drivers and of HikariCP are not on the
 * guard's class path). Of any other DataSource nothing is known, so multi-statement text is taken as possible: the
 * guard then reads every part of a text instead of its first statement only, which costs time and never misses one.
 */
public final class DataSourceIdentity {

    private static final String MARIADB = "org.mariadb.jdbc.MariaDb";
    private static final String MYSQL_DATA_SOURCE = "com.mysql.cj.jdbc.MysqlDataSource";
    private static final String HIKARI = "com.zaxxer.hikari.HikariDataSource";

    private DataSourceIdentity() {
    }

    /** {@code user} is the one given to {@code getConnection(user, password)}, or null. */
    public static ConnectionIdentity of(Object dataSource, String user) {
        String type = dataSource.getClass().getName();
        if (type.startsWith(MARIADB)) {
            // MariaDbDataSource and MariaDbPoolDataSource: the options are the URL's (Configuration.parse(url)).
            return ConnectionIdentity.of(Connector.MARIADB, text(dataSource, "getUrl"), null)
                    .withUser(user != null ? user : text(dataSource, "getUser"));
        }
        if (isA(dataSource.getClass(), MYSQL_DATA_SOURCE)) {
            return mysql(dataSource).withUser(user != null ? user : text(dataSource, "getUser"));
        }
        if (type.equals(HIKARI)) {
            String name = user != null ? user : text(dataSource, "getUsername");
            Object inner = call(dataSource, "getDataSource");
            if (inner != null) {
                return of(inner, name);
            }
            String url = text(dataSource, "getJdbcUrl");
            if (url == null) {
                return ConnectionIdentity.UNKNOWN.withUser(name); // dataSourceClassName: built inside the pool
            }
            String driver = text(dataSource, "getDriverClassName");
            // HikariCP hands its data source properties to Driver.connect(jdbcUrl, properties).
            return ConnectionIdentity.of(driver != null ? Connector.ofDriver(driver) : Connector.ofUrl(url), url,
                    call(dataSource, "getDataSourceProperties") instanceof Properties p ? p : null).withUser(name);
        }
        return ConnectionIdentity.UNKNOWN.withUser(user);
    }

    /**
     * Connector/J's MysqlDataSource: its setters' values ({@code exposeAsProperties}) under the URL's, which "take
     * precedence over properties" in its {@code getConnection(Properties)}, handed to the driver as Properties.
     */
    private static ConnectionIdentity mysql(Object dataSource) {
        String url = text(dataSource, "getUrl");
        Properties merged = new Properties();
        if (call(dataSource, "exposeAsProperties") instanceof Properties set) {
            set.stringPropertyNames().forEach(k -> merged.setProperty(k, set.getProperty(k)));
        }
        for (String[] p : Connector.MYSQL.urlParameters(url)) {
            if (p[1] != null) {
                merged.setProperty(p[0], p[1]);
            }
        }
        return ConnectionIdentity.of(Connector.MYSQL, url, merged);
    }

    private static boolean isA(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static String text(Object target, String getter) {
        return call(target, getter) instanceof String s && !s.isEmpty() ? s : null;
    }

    private static Object call(Object target, String getter) {
        try {
            return target.getClass().getMethod(getter).invoke(target);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
