package dev.backupguard.agent;

import dev.backupguard.agent.bridge.ConnectionDispatch;

import java.util.Iterator;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Decides from the call stack whether the connection an advised method returns is one to guard. The stack of a
 * guarded call is: this class, the hook, {@link ConnectionDispatch}, the advised method, its caller, ...
 *
 * <ul>
 *   <li>{@link Decision#NESTED}: the caller belongs to the same driver (MySQL's or MariaDB's). Connector/J's pooled and XA data sources call
 *       {@code getConnection()}/{@code connect} and cast the result to {@code com.mysql.cj.jdbc.JdbcConnection}; a
 *       guarded connection there would break them. The driver's public entry point, where the application called
 *       in, is advised too and guards the connection once.</li>
 *   <li>{@link Decision#OWN}: the agent's own (shaded) code opens a side connection for the lock guard.</li>
 *   <li>{@link Decision#LIBRARY}: the application's own copy of the library ({@code jdbc:backupguard:} driver,
 *       {@code BackupGuardDataSource}, its lock guard) is connecting; it guards the connection itself, with the
 *       settings the application gave it.</li>
 *   <li>{@link Decision#POOLED}: HikariCP opens a physical connection. The pool's logical connection is guarded
 *       instead ({@code HikariDataSource.getConnection}), because only a logical close ends a backup session: a
 *       physical connection guarded under the pool would keep its snapshot open after the job returned it.</li>
 * </ul>
 */
final class Callers {

    enum Decision { GUARD, NESTED, OWN, LIBRARY, POOLED }

    private static final String DISPATCH = ConnectionDispatch.class.getName();
    private static final String SHADED = "dev.backupguard.agent.shaded.";
    private static final String HIKARI = "com.zaxxer.hikari.";
    private static final String[] NESTING_DRIVERS = {"com.mysql.", "org.mariadb."};

    private static final StackWalker WALKER = StackWalker.getInstance();

    private Callers() {
    }

    static Decision decide() {
        return WALKER.walk(Walk.INSTANCE);
    }

    /** A class rather than a lambda and a mapped stream: the first use of either costs milliseconds of start-up. */
    private static final class Walk implements Function<Stream<StackWalker.StackFrame>, Decision> {
        static final Walk INSTANCE = new Walk();

        @Override
        public Decision apply(Stream<StackWalker.StackFrame> frames) {
            Iterator<StackWalker.StackFrame> it = frames.iterator();
            return decide(new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public String next() {
                    return it.next().getClassName();
                }
            });
        }
    }

    /** {@code classes}: the class name of each frame, innermost first. */
    static Decision decide(Iterator<String> classes) {
        while (classes.hasNext()) {
            if (classes.next().equals(DISPATCH)) {
                break;
            }
        }
        if (!classes.hasNext()) {
            return Decision.GUARD;
        }
        String advised = classes.next();
        boolean pool = advised.startsWith(HIKARI);
        String family = family(advised);
        boolean caller = true;
        while (classes.hasNext()) {
            String c = classes.next();
            if (caller && family != null && c.startsWith(family)) {
                return Decision.NESTED;
            }
            caller = false;
            if (c.startsWith(SHADED)) {
                return Decision.OWN;
            }
            if (c.startsWith(LibraryNames.JDBC_PACKAGE) || c.startsWith(LibraryNames.LOCK_PACKAGE)) {
                return Decision.LIBRARY;
            }
            if (!pool && c.startsWith(HIKARI)) {
                return Decision.POOLED;
            }
        }
        return Decision.GUARD;
    }

    /**
     * The driver an advised class belongs to, if it is one whose own code calls its entry points and depends on the
     * driver's type of the result (Connector/J's pooled and XA data sources); null for every other advised class:
     * an "any driver" (whose package says nothing about who calls it) and the pools.
     */
    static String family(String className) {
        for (String f : NESTING_DRIVERS) {
            if (className.startsWith(f)) {
                return f;
            }
        }
        return null;
    }
}
