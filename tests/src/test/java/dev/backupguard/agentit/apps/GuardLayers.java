package dev.backupguard.agentit.apps;

import java.lang.reflect.Field;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts the backup-guard wrappers between a program and its driver's connection, by following the {@code delegate}
 * field that the guard's and HikariCP's wrappers keep. "Guarded exactly once" is a count of one, whichever copy of
 * the guard (the agent's shaded one, the application's own library) it is.
 */
public final class GuardLayers {

    private GuardLayers() {
    }

    /** Class names of the guard wrappers, outermost first. */
    public static List<String> of(Connection connection) throws ReflectiveOperationException {
        List<String> guards = new ArrayList<>();
        Object o = connection;
        for (int depth = 0; o != null && depth < 16; depth++) {
            if (o.getClass().getName().endsWith(".GuardedConnection")) {
                guards.add(o.getClass().getName());
            }
            Field delegate = field(o.getClass());
            if (delegate == null) {
                break;
            }
            delegate.setAccessible(true);
            o = delegate.get(o);
        }
        return guards;
    }

    /** Prints {@code GUARD-LAYERS <count> <names>} for the test to read. */
    public static void print(Connection connection) throws ReflectiveOperationException {
        List<String> guards = of(connection);
        System.out.println("GUARD-LAYERS " + guards.size() + " " + String.join(",", guards));
    }

    private static Field field(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField("delegate");
            } catch (NoSuchFieldException e) {
                // look further up
            }
        }
        return null;
    }
}
