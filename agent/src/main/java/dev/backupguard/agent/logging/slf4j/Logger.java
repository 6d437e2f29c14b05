package dev.backupguard.agent.logging.slf4j;

import dev.backupguard.agent.logging.AgentLog;

/**
 * What {@code org.slf4j.Logger} becomes inside the agent jar. The shade plugin relocates the proxy's
 * {@code org.slf4j} references to this package, so the proxy's logging code runs unchanged while the agent bundles no
 * SLF4J: {@link AgentLog} forwards to the application's SLF4J when it has a binding, else to stderr. It declares the
 * methods of {@code org.slf4j.Logger} without markers; ShadedJarIT checks that every call the shaded code makes
 * exists here.
 */
public interface Logger {

    Object[] NO_ARGUMENTS = new Object[0];

    String getName();

    boolean isEnabled(int level);

    void emit(int level, String format, Object[] arguments);

    default boolean isTraceEnabled() {
        return isEnabled(AgentLog.TRACE);
    }

    default boolean isDebugEnabled() {
        return isEnabled(AgentLog.DEBUG);
    }

    default boolean isInfoEnabled() {
        return isEnabled(AgentLog.INFO);
    }

    default boolean isWarnEnabled() {
        return isEnabled(AgentLog.WARN);
    }

    default boolean isErrorEnabled() {
        return isEnabled(AgentLog.ERROR);
    }

    default void trace(String message) {
        emit(AgentLog.TRACE, message, NO_ARGUMENTS);
    }

    default void trace(String format, Object argument) {
        emit(AgentLog.TRACE, format, new Object[]{argument});
    }

    default void trace(String format, Object first, Object second) {
        emit(AgentLog.TRACE, format, new Object[]{first, second});
    }

    default void trace(String format, Object... arguments) {
        emit(AgentLog.TRACE, format, arguments);
    }

    default void trace(String message, Throwable t) {
        emit(AgentLog.TRACE, message, new Object[]{t});
    }

    default void debug(String message) {
        emit(AgentLog.DEBUG, message, NO_ARGUMENTS);
    }

    default void debug(String format, Object argument) {
        emit(AgentLog.DEBUG, format, new Object[]{argument});
    }

    default void debug(String format, Object first, Object second) {
        emit(AgentLog.DEBUG, format, new Object[]{first, second});
    }

    default void debug(String format, Object... arguments) {
        emit(AgentLog.DEBUG, format, arguments);
    }

    default void debug(String message, Throwable t) {
        emit(AgentLog.DEBUG, message, new Object[]{t});
    }

    default void info(String message) {
        emit(AgentLog.INFO, message, NO_ARGUMENTS);
    }

    default void info(String format, Object argument) {
        emit(AgentLog.INFO, format, new Object[]{argument});
    }

    default void info(String format, Object first, Object second) {
        emit(AgentLog.INFO, format, new Object[]{first, second});
    }

    default void info(String format, Object... arguments) {
        emit(AgentLog.INFO, format, arguments);
    }

    default void info(String message, Throwable t) {
        emit(AgentLog.INFO, message, new Object[]{t});
    }

    default void warn(String message) {
        emit(AgentLog.WARN, message, NO_ARGUMENTS);
    }

    default void warn(String format, Object argument) {
        emit(AgentLog.WARN, format, new Object[]{argument});
    }

    default void warn(String format, Object first, Object second) {
        emit(AgentLog.WARN, format, new Object[]{first, second});
    }

    default void warn(String format, Object... arguments) {
        emit(AgentLog.WARN, format, arguments);
    }

    default void warn(String message, Throwable t) {
        emit(AgentLog.WARN, message, new Object[]{t});
    }

    default void error(String message) {
        emit(AgentLog.ERROR, message, NO_ARGUMENTS);
    }

    default void error(String format, Object argument) {
        emit(AgentLog.ERROR, format, new Object[]{argument});
    }

    default void error(String format, Object first, Object second) {
        emit(AgentLog.ERROR, format, new Object[]{first, second});
    }

    default void error(String format, Object... arguments) {
        emit(AgentLog.ERROR, format, arguments);
    }

    default void error(String message, Throwable t) {
        emit(AgentLog.ERROR, message, new Object[]{t});
    }
}
