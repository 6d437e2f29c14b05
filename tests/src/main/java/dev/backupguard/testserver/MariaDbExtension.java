package dev.backupguard.testserver;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that provides the JVM's shared {@link MariaDbServer}: started before the first test class that
 * uses it, stopped when the whole test run ends (also when tests fail), since it is kept in the root context's store
 * as an {@link AutoCloseable}. Injects {@code MariaDbServer} parameters into constructors, lifecycle and test methods.
 *
 * <pre>{@code
 * @WithMariaDb
 * class SnapshotIT {
 *     static String db;
 *
 *     @BeforeAll
 *     static void schema(MariaDbServer server) {
 *         db = server.createDatabase(MariaDbServer.databaseNameFor(SnapshotIT.class));
 *         server.execute("CREATE TABLE " + db + ".t (id INT PRIMARY KEY)");
 *     }
 *
 *     @Test
 *     void reads(MariaDbServer server) throws Exception {
 *         try (Connection c = server.connect(JdbcDriver.MYSQL, db)) { ... }
 *     }
 * }
 * }</pre>
 */
public final class MariaDbExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(MariaDbExtension.class);

    /** The shared server, started if needed, registered for closing at the end of the test run. */
    public static MariaDbServer server(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Lease.class, k -> new Lease(MariaDbServer.shared()), Lease.class).server();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == MariaDbServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server(extensionContext);
    }

    /** Closed by JUnit (5.13+ closes AutoCloseable store values) when the root context ends. */
    private record Lease(MariaDbServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }
}
