package dev.backupguard.harness.report;

import dev.backupguard.harness.audit.AuditedSession;

import java.util.List;

/**
 * What an audit found, ready to print.
 *
 * @param source           the file (or recording) audited
 * @param input            what the input was: format, entries, lines
 * @param server           the server facts the audit assumed and where they came from
 * @param connections      sessions seen
 * @param ordinarySessions sessions that were not backup sessions
 * @param sessions         the backup sessions, judged
 * @param redact           literals are redacted in printed SQL
 */
public record AuditReport(String source, String input, String server, int connections, int ordinarySessions,
                          List<AuditedSession> sessions, boolean redact) {

    public AuditReport {
        sessions = List.copyOf(sessions);
    }

    /** Every backup session was consistent (true when there was none). */
    public boolean allConsistent() {
        return sessions.stream().allMatch(AuditedSession::isConsistent);
    }

    public long inconsistent() {
        return sessions.stream().filter(s -> !s.isConsistent()).count();
    }
}
