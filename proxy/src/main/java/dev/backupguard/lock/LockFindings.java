package dev.backupguard.lock;

import dev.backupguard.classify.Redactor;
import dev.backupguard.jdbc.BackupGuardException;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Rule;
import dev.backupguard.telemetry.GuardEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/** The lock guard's refusals and reports: an SQLException naming the rule, a RuleApplied event, a log line. */
final class LockFindings {

    static final Logger LOG = LoggerFactory.getLogger(GlobalReadLock.class);
    private LockFindings() {
    }

    /** Refuses the FTWRL: publishes the finding and returns the exception to throw. */
    static BackupGuardException refuse(LockRequest r, Rule rule, String detail, Throwable cause) {
        return refuse(r, rule, detail, cause, rule.safeAlternative());
    }

    /** The same, with a safe alternative of its own where the rule's general one would not help. */
    static BackupGuardException refuse(LockRequest r, Rule rule, String detail, Throwable cause, String alternative) {
        Finding f = new Finding(rule, Finding.Outcome.REFUSED, r.position(), r.what(), detail);
        publish(r, f);
        BackupGuardException e = new BackupGuardException(f, r.redact(), alternative);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** Reports without refusing ({@code outcome}: REPORTED, WOULD_REFUSE, WOULD_CORRECT, VIOLATION). */
    static void report(LockRequest r, Rule rule, Finding.Outcome outcome, String detail) {
        publish(r, new Finding(rule, outcome, r.position(), r.what(), detail));
    }

    /** The statement is the job's own text (its FLUSH TABLES WITH READ LOCK may carry comments): redacted if set so. */
    private static void publish(LockRequest r, Finding f) {
        Finding shown = r.redact() ? f.redacted() : f;
        LOG.warn("{}", shown.message());
        if (r.telemetry().wants(GuardEvent.RuleApplied.class)) {
            r.telemetry().publish(new GuardEvent.RuleApplied(r.origin().get(), shown));
        }
    }

    static void event(LockRequest r, GuardEvent e) {
        if (r.telemetry().wants(e.getClass())) {
            r.telemetry().publish(e);
        }
    }

    /** {@code id 42 (app, 7.2 s, User sleep): UPDATE ...; id 43 ...}: the statements, redacted when set so. */
    static String list(List<ProcessRow> rows, boolean redact) {
        return rows.stream().map(p -> p.describe(redact)).collect(Collectors.joining("; "));
    }

    static List<GuardEvent.RunningQuery> events(List<ProcessRow> rows, boolean redact) {
        return rows.stream().map(p -> p.toEvent(redact)).toList();
    }

    /** A server error in a message: its code and text, with the literals of any quoted SQL redacted. */
    static String serverError(SQLException e, boolean redact) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        return "error " + e.getErrorCode() + ": " + (redact ? Redactor.redact(m) : m);
    }
}
