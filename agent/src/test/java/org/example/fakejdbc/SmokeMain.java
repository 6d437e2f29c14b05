package org.example.fakejdbc;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A program with a JDBC driver of its own (no database behind it), for runs of the agent that need no server: with
 * {@code backupguard.agent.any-driver=true} its connections are guarded. Prints what a test checks: the Java feature
 * version, the class loader of the bootstrap bridge, and the class of each connection it gets.
 */
public final class SmokeMain {

    private SmokeMain() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println("JAVA " + Runtime.version().feature());
        Class<?> bridge = Class.forName("dev.backupguard.agent.bridge.ConnectionDispatch");
        System.out.println("BRIDGE " + (bridge.getClassLoader() == null ? "bootstrap" : bridge.getClassLoader()));
        Driver driver = new FakeDriver();
        for (int i = 0; i < 2; i++) {
            try (Connection c = driver.connect("jdbc:fake:smoke", new Properties())) {
                System.out.println("CONNECTION " + c.getClass().getName() + " autocommit=" + c.getAutoCommit());
            }
        }
    }

    /** A driver whose connections answer the few calls a guard makes on creation and close. */
    public static final class FakeDriver implements Driver {
        @Override
        public Connection connect(String url, Properties info) {
            return (Connection) Proxy.newProxyInstance(FakeDriver.class.getClassLoader(), new Class<?>[]{Connection.class},
                    (proxy, method, arguments) -> switch (method.getName()) {
                        case "getAutoCommit", "isWrapperFor" -> method.getName().equals("getAutoCommit");
                        case "isClosed" -> false;
                        case "toString" -> "FakeConnection";
                        case "hashCode" -> 1;
                        case "equals" -> proxy == arguments[0];
                        case "close" -> null;
                        default -> throw new SQLFeatureNotSupportedException(method.getName());
                    });
        }

        @Override
        public boolean acceptsURL(String url) {
            return url.startsWith("jdbc:fake:");
        }

        @Override
        public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
            return new DriverPropertyInfo[0];
        }

        @Override
        public int getMajorVersion() {
            return 1;
        }

        @Override
        public int getMinorVersion() {
            return 0;
        }

        @Override
        public boolean jdbcCompliant() {
            return false;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }
    }
}
