package dev.backupguard.protocol;

/**
 * Something the protocol did or saw about one statement: a correction, a refusal, or a violation of the protocol
 * in what reached the server.
 *
 * @param rule      the rule concerned
 * @param outcome   what was done
 * @param position  the 1-based number of the statement in the session (job statements and JDBC calls), or 0
 * @param statement the SQL (or JDBC call) concerned, unredacted: sinks redact it
 * @param detail    why, in words a DBA reads: the table, the statement that ended the snapshot, ...
 */
public record Finding(Rule rule, Outcome outcome, long position, String statement, String detail) {

    /** What happened. */
    public enum Outcome {
        /** Enforce mode corrected the sequence. */
        CORRECTED,
        /** The statement was refused with an SQLException. */
        REFUSED,
        /** Audit mode: enforce mode would have corrected this. */
        WOULD_CORRECT,
        /** Audit mode: block mode would have refused this. */
        WOULD_REFUSE,
        /** What reached the server breaks the protocol (judged on the statements actually sent). */
        VIOLATION,
        /** Reported only (a server-impact rule in block mode, a fact worth knowing). */
        REPORTED
    }

    /** One line: {@code [rule-id I2] outcome: detail (statement)}. */
    public String message() {
        return "[backup-guard " + rule.id() + " " + rule.invariant() + "] " + detail
                + (statement == null ? "" : " (statement #" + position + ": " + abbreviate(statement) + ")");
    }

    /** The message of a refusal: the rule, the problem, the safe alternative. */
    public String refusalMessage() {
        return refusalMessage(rule.safeAlternative());
    }

    /** The same, with an alternative of its own where the rule's general one would not help. */
    public String refusalMessage(String safeAlternative) {
        return "backup-guard refused statement #" + position + " by rule " + rule.id() + " (" + rule.invariant() + "): "
                + detail + ". Safe alternative: " + safeAlternative + ". Statement: " + abbreviate(statement);
    }

    /** This finding with its statement's literals and comments redacted (its detail quotes SQL redacted already). */
    public Finding redacted() {
        return new Finding(rule, outcome, position, dev.backupguard.classify.Redactor.redact(statement), detail);
    }

    /**
     * SQL quoted inside a detail: literals redacted whatever {@code backupguard.redact} says, because a detail is
     * prose that every sink shows; the unredacted text stays in {@link #statement()} for those who turn redaction off.
     */
    static String quote(String sql) {
        return abbreviate(dev.backupguard.classify.Redactor.redact(sql));
    }

    static String abbreviate(String sql) {
        if (sql == null) {
            return "";
        }
        String s = sql.strip();
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
