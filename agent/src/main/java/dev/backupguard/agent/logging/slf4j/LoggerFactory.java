package dev.backupguard.agent.logging.slf4j;

import dev.backupguard.agent.logging.AgentLog;

/** What {@code org.slf4j.LoggerFactory} becomes inside the agent jar (see {@link Logger}). */
public final class LoggerFactory {

    private LoggerFactory() {
    }

    public static Logger getLogger(Class<?> type) {
        return getLogger(type.getName());
    }

    public static Logger getLogger(String name) {
        return AgentLog.logger(name);
    }
}
