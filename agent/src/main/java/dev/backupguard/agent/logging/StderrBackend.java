package dev.backupguard.agent.logging;

import java.io.PrintStream;

/**
 * The fallback when the application has no SLF4J binding: INFO and above to stderr, one line each, prefixed
 * {@code [backup-guard]} so the lines are told apart from the application's own output.
 */
final class StderrBackend implements LogBackend {

    static final StderrBackend INSTANCE = new StderrBackend();
    private static final String[] LEVELS = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};

    private StderrBackend() {
    }

    @Override
    public boolean isEnabled(String logger, int level) {
        return level >= AgentLog.INFO;
    }

    @Override
    public void log(String logger, int level, String message, Throwable t) {
        if (level < AgentLog.INFO) {
            return;
        }
        PrintStream err = System.err;
        synchronized (err) {
            err.println("[backup-guard] " + LEVELS[level] + " " + message);
            if (t != null) {
                t.printStackTrace(err);
            }
        }
    }
}
