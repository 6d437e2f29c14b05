package dev.backupguard.agent;

import dev.backupguard.agent.bridge.ConnectionDispatch;
import dev.backupguard.jdbc.ConnectionSource;

import javax.sql.DataSource;
import java.lang.reflect.Method;
import java.sql.Driver;
import java.util.Locale;
import java.util.Properties;

/**
 * What the guard needs to know about a connection the application just obtained: the connection properties that may
 * carry {@code backupguard.*} settings (never the password), the user name, whether multi-statement text is allowed;
 * and how to open a side connection with the same credentials for the lock guard (never through a pool slot the job
 * might need).
 */
record ConnectionRequest(Properties properties, String user, boolean multiStatements) {

    private static final String HIKARI_DATA_SOURCE = "com.zaxxer.hikari.HikariDataSource";

    static ConnectionRequest of(int via, Object source, Object a0, Object a1) {
        if (via == ConnectionDispatch.DRIVER) {
            return driver((Driver) source, (String) a0, (Properties) a1);
        }
        return dataSource((DataSource) source, (String) a0);
    }

    private static ConnectionRequest driver(Driver driver, String url, Properties info) {
        Properties p = new Properties();
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                if (!name.toLowerCase(Locale.ROOT).contains("password")) {
                    p.setProperty(name, info.getProperty(name));
                }
            }
        }
        JdbcUrlParameters.addTo(p, url);
        return new ConnectionRequest(p, p.getProperty("user"), isTrue(p.getProperty("allowMultiQueries")));
    }

    /** How the lock guard opens a side connection like this one (made per connection: it holds the source). */
    static ConnectionSource side(int via, Object source, Object a0, Object a1) {
        if (via == ConnectionDispatch.DRIVER) {
            Driver driver = (Driver) source;
            return () -> driver.connect((String) a0, (Properties) a1);
        }
        DataSource ds = (DataSource) source;
        if (ds.getClass().getName().equals(HIKARI_DATA_SOURCE)) {
            return () -> {
                DataSource unpooled = hikariUnpooled(ds);
                return unpooled != null ? unpooled.getConnection() : ds.getConnection();
            };
        }
        if (a0 != null) {
            return () -> ds.getConnection((String) a0, (String) a1);
        }
        return ds::getConnection;
    }

    private static ConnectionRequest dataSource(DataSource ds, String user) {
        Properties p = new Properties();
        Object extra = call(ds, "getDataSourceProperties"); // HikariCP: properties handed to the driver
        if (extra instanceof Properties props) {
            for (String name : props.stringPropertyNames()) {
                if (!name.toLowerCase(Locale.ROOT).contains("password")) {
                    p.setProperty(name, props.getProperty(name));
                }
            }
        }
        JdbcUrlParameters.addTo(p, text(ds, "getJdbcUrl", "getUrl", "getURL"));
        String name = user != null ? user : text(ds, "getUsername", "getUser");
        if (name != null) {
            p.setProperty("user", name);
        }
        return new ConnectionRequest(p, name, isTrue(p.getProperty("allowMultiQueries")));
    }

    /**
     * HikariCP's own unpooled DataSource (its {@code DriverDataSource}, or the DataSource it was configured with):
     * a side connection taken from the pool could wait for the very slot the backup job holds.
     */
    static DataSource hikariUnpooled(DataSource hikari) {
        Object pool = call(hikari, "getHikariPoolMXBean");
        if (pool == null) {
            return null;
        }
        for (Class<?> c = pool.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Method m = c.getDeclaredMethod("getUnwrappedDataSource");
                m.setAccessible(true); // declared by the package-private PoolBase
                return (DataSource) m.invoke(pool);
            } catch (NoSuchMethodException e) {
                // look further up
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
        return null;
    }

    private static String text(Object target, String... getters) {
        for (String getter : getters) {
            if (call(target, getter) instanceof String s && !s.isEmpty()) {
                return s;
            }
        }
        return null;
    }

    private static Object call(Object target, String getter) {
        try {
            return target.getClass().getMethod(getter).invoke(target);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static boolean isTrue(String v) {
        return v != null && v.trim().equalsIgnoreCase("true");
    }
}
