package dev.backupguard.agent.logging;

import dev.backupguard.agent.logging.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * The agent's logging. Until the application opens its first connection, lines are held back (INFO and above, a
 * bounded number): binding to the application's SLF4J in premain would initialise its logging before its
 * {@code main} had a chance to configure it, and a Spring Boot fat jar's SLF4J is not even visible before its
 * launcher runs. At the first guarded connection the agent binds to the SLF4J that the driver's class loader sees
 * (or the thread's context class loader), else to stderr, and the held lines follow. A program that exits without
 * connecting gets them on stderr at exit.
 */
public final class AgentLog {

    public static final int TRACE = 0;
    public static final int DEBUG = 1;
    public static final int INFO = 2;
    public static final int WARN = 3;
    public static final int ERROR = 4;

    private static final int HELD_LIMIT = 256;
    private static final Object LOCK = new Object();
    private static final List<Held> HELD = new ArrayList<>();
    private static volatile LogBackend backend;

    private record Held(String logger, int level, String message, Throwable t) {
    }

    private AgentLog() {
    }

    /** A logger of the agent or of the shaded proxy code; names lose the {@code agent.shaded} part. */
    public static Logger logger(String name) {
        return new AgentLogger(name.replace("dev.backupguard.agent.shaded.", "dev.backupguard."));
    }

    static boolean isEnabled(String logger, int level) {
        LogBackend b = backend;
        return b == null ? level >= INFO : b.isEnabled(logger, level);
    }

    static void log(String logger, int level, String message, Throwable t) {
        LogBackend b = backend;
        if (b == null) {
            synchronized (LOCK) {
                b = backend;
                if (b == null) {
                    if (level >= INFO && HELD.size() < HELD_LIMIT) {
                        HELD.add(new Held(logger, level, message, t));
                    }
                    return;
                }
            }
        }
        b.log(logger, level, message, t);
    }

    /** Binds to the application's SLF4J seen from these loaders (the first that has a binding), else stderr. */
    public static void bindToApplication(ClassLoader... loaders) {
        if (backend != null) {
            return;
        }
        LogBackend found = null;
        for (ClassLoader loader : loaders) {
            if (loader != null && found == null) {
                found = Slf4jBackend.find(loader);
            }
        }
        bind(found != null ? found : StderrBackend.INSTANCE);
    }

    /** Binds to stderr if nothing was bound yet (start-up errors, exit without a connection). */
    public static void bindToStderr() {
        bind(StderrBackend.INSTANCE);
    }

    public static boolean bound() {
        return backend != null;
    }

    /** Whether the application's SLF4J (rather than stderr) receives the lines. */
    public static boolean boundToSlf4j() {
        return backend instanceof Slf4jBackend;
    }

    private static void bind(LogBackend chosen) {
        List<Held> replay;
        synchronized (LOCK) {
            if (backend != null) {
                return;
            }
            backend = chosen;
            replay = new ArrayList<>(HELD);
            HELD.clear();
        }
        for (Held h : replay) {
            chosen.log(h.logger(), h.level(), h.message(), h.t());
        }
    }
}
