package dev.backupguard.agent.logging;

import dev.backupguard.agent.logging.slf4j.Logger;

/** A named logger that formats SLF4J-style messages and hands them to {@link AgentLog}'s current backend. */
final class AgentLogger implements Logger {

    private final String name;

    AgentLogger(String name) {
        this.name = name;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public boolean isEnabled(int level) {
        return AgentLog.isEnabled(name, level);
    }

    @Override
    public void emit(int level, String format, Object[] arguments) {
        if (!AgentLog.isEnabled(name, level)) {
            return;
        }
        MessageFormatter.Formatted f = MessageFormatter.format(format, arguments);
        AgentLog.log(name, level, f.message(), f.throwable());
    }
}
