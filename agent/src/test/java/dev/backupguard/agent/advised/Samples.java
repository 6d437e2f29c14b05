package dev.backupguard.agent.advised;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/** Classes for ExitAdviceTest to rewrite: the shapes of return a driver's methods have. */
public final class Samples {

    private Samples() {
    }

    public static Connection connection(String name) {
        return (Connection) Proxy.newProxyInstance(Samples.class.getClassLoader(), new Class<?>[]{Connection.class},
                (proxy, method, arguments) -> method.getName().equals("toString") ? name : null);
    }

    /** Several returns, one inside a try block, a loop, locals of several types, a long parameter-like local. */
    public static class Driver {
        public Connection connect(String url, Properties info) throws SQLException {
            if (url == null) {
                return null;
            }
            long attempts = 0;
            double backoff = 1.5;
            for (int i = 0; i < 3; i++) {
                attempts++;
                try {
                    if (url.endsWith("fail")) {
                        throw new SQLException("refused");
                    }
                    if (url.endsWith("early") && i == 0) {
                        return connection("early:" + info.getProperty("user") + ":" + attempts);
                    }
                } catch (IllegalStateException e) {
                    backoff *= 2;
                }
            }
            return connection("late:" + url + ":" + attempts + ":" + backoff);
        }

        /** Not advised: another descriptor. */
        public Object connect(String url) {
            return url;
        }
    }

    public static class DataSource {
        public Connection getConnection() {
            return connection("ds");
        }

        public Connection getConnection(String user, String password) {
            return connection("ds:" + user);
        }

        /** Not advised: not public. */
        Connection getConnection(int n) {
            return connection("ds" + n);
        }
    }

    /** Stands in for the library's BackupGuard. */
    public static final class Library {
        private Library() {
        }

        public static boolean isGuarded(Connection c) {
            return c != null && c.toString().startsWith("guarded");
        }
    }
}
