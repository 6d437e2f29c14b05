package dev.backupguard.agent;

import dev.backupguard.agent.bridge.ConnectionDispatch;
import dev.backupguard.config.ConnectionIdentity;
import dev.backupguard.config.Connector;
import dev.backupguard.config.DataSourceIdentity;
import dev.backupguard.jdbc.ConnectionSource;

import javax.sql.DataSource;
import java.lang.reflect.Method;
import java.sql.Driver;
import java.util.Properties;

/**
 * A connection the application just obtained: what the guard knows of it ({@link ConnectionIdentity}, read with the
 * driver's own rules by the library, never the password) and how to open a side connection with the same
 * credentials for the lock guard (never through a pool slot the job might need).
 */
final class ConnectionRequest {

    private static final String HIKARI_DATA_SOURCE = "com.zaxxer.hikari.HikariDataSource";

    private ConnectionRequest() {
    }

    static ConnectionIdentity identity(int via, Object source, Object a0, Object a1) {
        if (via == ConnectionDispatch.DRIVER) {
            return ConnectionIdentity.of(Connector.ofDriver(source.getClass().getName()), (String) a0,
                    (Properties) a1);
        }
        return DataSourceIdentity.of(source, (String) a0);
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

    private static Object call(Object target, String getter) {
        try {
            return target.getClass().getMethod(getter).invoke(target);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
