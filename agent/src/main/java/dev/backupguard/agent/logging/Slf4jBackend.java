package dev.backupguard.agent.logging;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application's own SLF4J, reached by reflection through the class loader that loaded its JDBC driver: the agent
 * never bundles SLF4J (a second copy would have no binding, or a different one), and cannot name it in its bytecode
 * (the shade plugin relocates every {@code org.slf4j} reference). A binding that is only SLF4J's no-operation
 * fallback does not count: the lines would vanish, so stderr is used instead.
 */
final class Slf4jBackend implements LogBackend {

    // Built at run time: a string constant "org.slf4j..." would be rewritten by the shade plugin's relocation.
    private static final String SLF4J = String.join(".", "org", "slf4j");
    private static final String[] LEVELS = {"trace", "debug", "info", "warn", "error"};

    private final Object factory;
    private final MethodHandle getLogger;
    private final MethodHandle[] enabled = new MethodHandle[5];
    private final MethodHandle[] log = new MethodHandle[5];
    private final MethodHandle[] logThrowable = new MethodHandle[5];
    private final Map<String, Object> loggers = new ConcurrentHashMap<>();

    private Slf4jBackend(Object factory, Class<?> factoryType, Class<?> loggerType) throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        this.factory = factory;
        this.getLogger = lookup.findVirtual(factoryType, "getLogger", MethodType.methodType(loggerType, String.class));
        for (int level = 0; level < LEVELS.length; level++) {
            String name = LEVELS[level];
            String capital = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            enabled[level] = lookup.findVirtual(loggerType, "is" + capital + "Enabled", MethodType.methodType(boolean.class));
            log[level] = lookup.findVirtual(loggerType, name, MethodType.methodType(void.class, String.class));
            logThrowable[level] = lookup.findVirtual(loggerType, name,
                    MethodType.methodType(void.class, String.class, Throwable.class));
        }
    }

    /** The application's SLF4J as {@code loader} sees it, or null if it has none (or only the NOP fallback). */
    static LogBackend find(ClassLoader loader) {
        if (!hasBinding(loader)) {
            return null; // asking SLF4J anyway would make it print its "no providers" warning into the application's stderr
        }
        try {
            Class<?> loggerFactory = Class.forName(SLF4J + ".LoggerFactory", true, loader);
            Object factory = loggerFactory.getMethod("getILoggerFactory").invoke(null);
            if (factory == null || factory.getClass().getName().endsWith("NOPLoggerFactory")) {
                return null;
            }
            return new Slf4jBackend(factory, Class.forName(SLF4J + ".ILoggerFactory", false, loader),
                    Class.forName(SLF4J + ".Logger", false, loader));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether SLF4J has something to bind to, without initialising it: an SLF4J 2 provider (a service, or the
     * {@code slf4j.provider} system property) or an SLF4J 1.x {@code StaticLoggerBinder}.
     */
    private static boolean hasBinding(ClassLoader loader) {
        return System.getProperty("slf4j.provider") != null
                || loader.getResource("META-INF/services/" + SLF4J + ".spi.SLF4JServiceProvider") != null
                || loader.getResource(SLF4J.replace('.', '/') + "/impl/StaticLoggerBinder.class") != null;
    }

    private Object logger(String name) throws Throwable {
        Object l = loggers.get(name);
        if (l == null) {
            l = getLogger.invoke(factory, name);
            loggers.put(name, l);
        }
        return l;
    }

    @Override
    public boolean isEnabled(String logger, int level) {
        try {
            return (boolean) enabled[level].invoke(logger(logger));
        } catch (Throwable t) {
            return level >= AgentLog.INFO;
        }
    }

    @Override
    public void log(String logger, int level, String message, Throwable t) {
        try {
            Object l = logger(logger);
            if (t == null) {
                log[level].invoke(l, message);
            } else {
                logThrowable[level].invoke(l, message, t);
            }
        } catch (Throwable failure) {
            StderrBackend.INSTANCE.log(logger, level, message, t);
        }
    }
}
