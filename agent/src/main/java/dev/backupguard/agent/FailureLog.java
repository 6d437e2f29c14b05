package dev.backupguard.agent;

import dev.backupguard.agent.logging.AgentLog;
import dev.backupguard.agent.logging.slf4j.Logger;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Reports each kind of agent failure once: a failure repeated on every connect must not flood the log. */
final class FailureLog {

    private static final Logger LOG = AgentLog.logger("dev.backupguard.agent");
    private static final int KINDS = 32;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    /** Whether this was the first report of the kind (and was logged). */
    boolean once(String kind, String message, Throwable t) {
        if (seen.size() >= KINDS || !seen.add(kind)) {
            return false;
        }
        LOG.error(message + " (further failures of this kind are not logged)", t);
        return true;
    }
}
