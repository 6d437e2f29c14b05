package dev.backupguard.harness;

import dev.backupguard.harness.audit.AuditedSession;
import dev.backupguard.harness.audit.Origin;
import dev.backupguard.harness.audit.SentStatement;
import dev.backupguard.harness.audit.SessionAudit;
import dev.backupguard.protocol.Role;
import dev.backupguard.protocol.ServerFacts;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Everything one connection sent to the server, recorded beneath backup-guard: the code under test's statements and
 * JDBC calls (as the statements the driver sends for them) and the guard's own statements, in order, with their
 * times and errors. {@link #audit()} judges it with the session protocol in audit mode.
 *
 * <p>What is recorded is what passed the JDBC API beneath the guard. Statements a driver sends by itself (its
 * connect-time {@code SET}s, Connector/J's {@code SELECT @@session.transaction_read_only}) never pass through it and
 * are not in the recording; they do not change the backup protocol.
 */
public final class Recording {

    /** A job statement or call that backup-guard answered itself, so nothing reached the server for it. */
    public record NotSent(int after, String sql, String call) {
    }

    /** A job call in flight: the statements the server should see for it (matched to attribute them to the job). */
    static final class JobCall {
        final List<String> expected;
        final String display;
        final String call;
        boolean matched;

        JobCall(List<String> expected, String display, String call) {
            this.expected = new ArrayList<>(expected);
            this.display = display;
            this.call = call;
        }
    }

    private final String name;
    private final Role role;
    private final long originNanos;
    private final boolean initialAutoCommit;
    private final String initialDatabase;
    private Supplier<ServerFacts> facts;
    private final boolean jobLayer;
    private final boolean redact;
    private final List<SentStatement> sent = new ArrayList<>();
    private final List<NotSent> notSent = new ArrayList<>();
    private JobCall current;
    private long closedMicros = -1;

    Recording(String name, Role role, long originNanos, boolean initialAutoCommit, String initialDatabase,
              Supplier<ServerFacts> facts, boolean jobLayer, boolean redact) {
        this.name = name;
        this.role = role;
        this.originNanos = originNanos;
        this.initialAutoCommit = initialAutoCommit;
        this.initialDatabase = initialDatabase;
        this.facts = facts;
        this.jobLayer = jobLayer;
        this.redact = redact;
    }

    void facts(Supplier<ServerFacts> supplier) {
        this.facts = supplier;
    }

    /** {@code connection 1}, {@code connection 2}, ... in the order the recorder wrapped them. */
    public String name() {
        return name;
    }

    /** The statements that reached the server, in order. */
    public synchronized List<SentStatement> statements() {
        return List.copyOf(sent);
    }

    /** The SQL of the statements that reached the server, in order. */
    public synchronized List<String> sql() {
        return sent.stream().map(SentStatement::sql).toList();
    }

    /** The SQL the code under test sent (without the guard's own statements). */
    public synchronized List<String> jobSql() {
        return sent.stream().filter(s -> s.origin() == Origin.JOB).map(SentStatement::sql).toList();
    }

    /** Job statements and calls that backup-guard answered without sending anything. */
    public synchronized List<NotSent> notSent() {
        return List.copyOf(notSent);
    }

    public synchronized boolean isClosed() {
        return closedMicros >= 0;
    }

    /** Literals are redacted in the messages built from this recording. */
    public boolean redacted() {
        return redact;
    }

    /**
     * The recording judged by the session protocol in audit mode: whether it is a backup session, whether that
     * backup is consistent, which statement broke which rule, and the timeline of locks, snapshot and reads.
     */
    public synchronized AuditedSession audit() {
        SessionAudit audit = new SessionAudit(role, facts, Integer.MAX_VALUE);
        audit.initialAutoCommit(initialAutoCommit);
        audit.currentSchema(initialDatabase);
        for (SentStatement s : sent) {
            audit.add(s);
        }
        return audit.finish(name, null, initialDatabase, false, closedMicros, false, 1);
    }

    @Override
    public synchronized String toString() {
        return name + ": " + sent.size() + " statements";
    }

    // ------------------------------------------------------------------------------------------------ recording

    long micros() {
        return (System.nanoTime() - originNanos) / 1_000;
    }

    /** The code under test makes a call that sends {@code expected} (empty for calls that send nothing of theirs). */
    synchronized JobCall jobCallStarted(List<String> expected, String display, String call) {
        JobCall outer = current;
        current = new JobCall(expected, display, call);
        return outer;
    }

    /** The job call ended; what it expected to send and did not was answered by the guard. */
    synchronized void jobCallEnded(JobCall outer, boolean succeeded) {
        JobCall c = current;
        current = outer;
        if (c != null && succeeded && !c.matched && !c.expected.isEmpty()) {
            notSent.add(new NotSent(sent.size(), c.display, c.call));
        }
    }

    /** backup-guard refused the job's call with an SQLException naming the rule. */
    synchronized void refused(String display, String rule) {
        if (current != null) {
            current.matched = true;
        }
        notSent.add(new NotSent(sent.size(), display, "refused by backup-guard (" + rule + ")"));
    }

    /** A statement reached the server (or was refused by it). */
    synchronized void sent(String sql, String template, String call, long startMicros, long endMicros, int error) {
        Origin origin = Origin.JOB;
        String how = call;
        if (jobLayer) {
            origin = Origin.GUARD;
            if (current != null && current.expected.remove(template)) {
                origin = Origin.JOB;
                current.matched = true;
                how = call != null ? call : current.call;
            }
        }
        sent.add(new SentStatement(sql, origin, how, 0, startMicros, endMicros, error));
    }

    synchronized void closed() {
        if (closedMicros < 0) {
            closedMicros = micros();
        }
    }
}
