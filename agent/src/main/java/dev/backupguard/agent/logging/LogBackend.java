package dev.backupguard.agent.logging;

/** Where the agent's log lines go: the application's SLF4J, or stderr. */
interface LogBackend {

    boolean isEnabled(String logger, int level);

    void log(String logger, int level, String message, Throwable t);
}
