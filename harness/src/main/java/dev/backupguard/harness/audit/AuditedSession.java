package dev.backupguard.harness.audit;

import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.ServerFacts;

import java.util.ArrayList;
import java.util.List;

/**
 * One connection's statements as the session protocol judged them in audit mode: whether it was a backup session,
 * whether that backup is consistent, which statement broke which rule, and the timeline of locks, snapshot and reads.
 */
public final class AuditedSession {

    /** A rule broken by a statement. */
    public record Violation(AuditedStatement statement, Finding finding) {
        public Rule rule() {
            return finding.rule();
        }

        public boolean breaksConsistency() {
            return finding.rule().severity() == Rule.Severity.CONSISTENCY;
        }
    }

    private final String name;
    private final String user;
    private final String database;
    private final boolean startedBeforeTrace;
    private final List<AuditedStatement> statements;
    private final int totalStatements;
    private final boolean backupSession;
    private final int recognizedAt;
    private final ServerFacts facts;
    private final long endMicros;
    private final boolean wallClock;
    private final long resolutionMicros;
    private final List<Window> windows;
    private final List<Violation> violations;
    private final List<String> gaps;

    AuditedSession(String name, String user, String database, boolean startedBeforeTrace,
                   List<AuditedStatement> statements, int totalStatements, boolean backupSession, int recognizedAt,
                   ServerFacts facts, long endMicros, boolean wallClock, long resolutionMicros, List<Window> windows,
                   List<String> gaps) {
        this.name = name;
        this.user = user;
        this.database = database;
        this.startedBeforeTrace = startedBeforeTrace;
        this.statements = List.copyOf(statements);
        this.totalStatements = totalStatements;
        this.backupSession = backupSession;
        this.recognizedAt = recognizedAt;
        this.facts = facts;
        this.endMicros = endMicros;
        this.wallClock = wallClock;
        this.resolutionMicros = resolutionMicros;
        this.windows = List.copyOf(windows);
        List<Violation> v = new ArrayList<>();
        for (AuditedStatement s : this.statements) {
            for (Finding f : s.violations()) {
                v.add(new Violation(s, f));
            }
        }
        this.violations = List.copyOf(v);
        this.gaps = List.copyOf(gaps);
    }

    /** {@code thread 12} for a general log, {@code connection 1} for a recording. */
    public String name() {
        return name;
    }

    /** The user that connected, or null when unknown. */
    public String user() {
        return user;
    }

    /** The database the session connected to, or null. */
    public String database() {
        return database;
    }

    /** The session was already connected when the log (or recording) began: its earlier statements are missing. */
    public boolean startedBeforeTrace() {
        return startedBeforeTrace;
    }

    /**
     * The statements kept: all of them from the start of the backup session on; of an ordinary session (and of the
     * stretch before a backup session began), only the last ones (see {@link SessionAudit}).
     */
    public List<AuditedStatement> statements() {
        return statements;
    }

    /** How many statements the session sent in all (also those not kept). */
    public int totalStatements() {
        return totalStatements;
    }

    public boolean isBackupSession() {
        return backupSession;
    }

    /** The number of the statement that made this a backup session (1 when it was one from the start), or 0. */
    public int recognizedAt() {
        return recognizedAt;
    }

    /** The server facts the protocol judged with, or null when it never needed them (no backup session). */
    public ServerFacts facts() {
        return facts;
    }

    /**
     * A backup session with no violation of a consistency rule, and seen whole: a session with a {@link #gaps() gap}
     * is never called consistent. Server-impact rules are warnings.
     */
    public boolean isConsistent() {
        return backupSession && gaps.isEmpty() && violations.stream().noneMatch(Violation::breaksConsistency);
    }

    /**
     * What the audit did not see of this session (its end, missing from a cut log; a statement read only in part),
     * each with where it is; empty when it saw the whole session.
     */
    public List<String> gaps() {
        return gaps;
    }

    /** Every rule broken, in statement order. */
    public List<Violation> violations() {
        return violations;
    }

    /** The broken rules that make the backup not consistent. */
    public List<Violation> consistencyViolations() {
        return violations.stream().filter(Violation::breaksConsistency).toList();
    }

    /** The broken rules that only burden the server (lock held for the dump, metadata locks kept, ...). */
    public List<Violation> warnings() {
        return violations.stream().filter(v -> !v.breaksConsistency()).toList();
    }

    public List<Window> windows() {
        return windows;
    }

    public List<Window> windows(Window.Lane lane) {
        return windows.stream().filter(w -> w.lane() == lane).toList();
    }

    /** Times are wall-clock times (a general log) rather than offsets from the start of a recording. */
    public boolean wallClock() {
        return wallClock;
    }

    /** The resolution of the statements' times: 1 for microseconds, 1 000 000 for a log with whole seconds. */
    public long resolutionMicros() {
        return resolutionMicros;
    }

    /** The statement with this number, or null when it was not kept. */
    public AuditedStatement statement(int number) {
        if (statements.isEmpty()) {
            return null;
        }
        int i = number - statements.get(0).number();
        return i >= 0 && i < statements.size() ? statements.get(i) : null;
    }

    /** When the session ended (disconnect, end of the log), or when its last statement returned. */
    public long endMicros() {
        if (endMicros >= 0) {
            return endMicros;
        }
        if (statements.isEmpty()) {
            return 0;
        }
        AuditedStatement last = statements.get(statements.size() - 1);
        return last.sent().endMicros() >= 0 ? last.sent().endMicros() : last.sent().startMicros();
    }

    public long startMicros() {
        return statements.isEmpty() ? 0 : statements.get(0).sent().startMicros();
    }

    /** The time of a moment of a statement (see {@link Window.Edge}). */
    public long micros(int number, Window.Edge edge) {
        if (edge == Window.Edge.SESSION_END) {
            return endMicros();
        }
        AuditedStatement s = statement(number);
        if (s == null) {
            throw new IllegalArgumentException("statement " + number + " was not kept");
        }
        long start = s.sent().startMicros();
        long end = s.sent().endMicros();
        return switch (edge) {
            case START -> start;
            case DONE -> end >= 0 ? end : start;
            default -> {
                if (end >= 0) {
                    yield end;
                }
                AuditedStatement next = statement(number + 1);
                yield next != null ? next.sent().startMicros() : Math.max(start, endMicros());
            }
        };
    }

    public long fromMicros(Window w) {
        return micros(w.from(), w.fromEdge());
    }

    public long toMicros(Window w) {
        return w.to() == 0 ? endMicros() : micros(w.to(), w.toEdge());
    }

    /** The number of statements sent inside a window, not counting the ones that open and close it. */
    public int statementsInside(Window w) {
        int last = w.to() == 0 ? statements.get(statements.size() - 1).number() + 1 : w.to();
        return Math.max(0, last - w.from() - 1);
    }

    @Override
    public String toString() {
        return name + (backupSession ? (isConsistent() ? " consistent" : " NOT consistent") : " (not a backup)")
                + ", " + totalStatements + " statements, " + violations.size() + " violations";
    }
}
