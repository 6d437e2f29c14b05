package dev.backupguard.harness.report;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.Redactor;
import dev.backupguard.classify.Statement;
import dev.backupguard.harness.audit.AuditedSession;
import dev.backupguard.harness.audit.AuditedStatement;
import dev.backupguard.harness.audit.Window;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The facts of one audited session that both reports print: lock windows, snapshot, coordinates, tables read. */
public final class Summary {

    private final AuditedSession session;
    private final boolean redact;

    public Summary(AuditedSession session, boolean redact) {
        this.session = session;
        this.redact = redact;
    }

    /** {@code line 12} for a log entry, {@code #12} for a recorded statement. */
    public static String ref(AuditedStatement s) {
        return s.sent().line() > 0 ? "line " + s.sent().line() : "#" + s.number();
    }

    /** The statement as shown to people: literals redacted unless asked otherwise, one line, abbreviated. */
    public String sql(AuditedStatement s) {
        return sql(s.sent().sql(), redact);
    }

    public static String sql(String text, boolean redact) {
        String t = text;
        if (redact) {
            String redacted = Redactor.redact(text);
            t = onlyProtocolValue(text, redacted) ? text : redacted;
        }
        t = t.strip().replaceAll("\\s+", " ");
        return t.length() <= 160 ? t : t.substring(0, 160) + "...";
    }

    /**
     * A SHOW statement's LIKE pattern says what was read ({@code 'binlog_snapshot_%'}), and the value of SET autocommit
     * or of the isolation level is protocol: shown when it is the statement's only literal, at its end. Anything else
     * hidden there (a second statement, a comment, a WHERE clause) keeps the whole text redacted.
     */
    private static boolean onlyProtocolValue(String text, String redacted) {
        Kind k = Classifier.classify(text).kind();
        String r = redacted.strip();
        int literal = r.indexOf('?');
        if (literal < 0) {
            return true; // nothing was hidden
        }
        if (literal != r.length() - 1) {
            return false;
        }
        String before = r.substring(0, literal).stripTrailing().toUpperCase(java.util.Locale.ROOT);
        return k.name().startsWith("SHOW_") ? before.endsWith(" LIKE")
                : (k == Kind.SET_AUTOCOMMIT || k == Kind.SET_TRANSACTION_ISOLATION) && before.endsWith("=");
    }

    private String at(long micros) {
        return Durations.time(micros, session.wallClock(), session.resolutionMicros(), session.startMicros());
    }

    private String duration(long micros) {
        return Durations.duration(micros, session.resolutionMicros());
    }

    private String closedBy(Window w) {
        if (w.to() == 0) {
            return "nothing: still held when the session ended (" + at(session.endMicros()) + ")";
        }
        AuditedStatement end = session.statement(w.to());
        return sql(end) + " at " + ref(end) + " (" + at(session.toMicros(w)) + ")";
    }

    /** One line per global read lock: requested, acquired, released, held for how long and how many statements. */
    public List<String> globalLock() {
        List<String> out = new ArrayList<>();
        List<Window> waits = session.windows(Window.Lane.GLOBAL_LOCK_WAIT);
        for (Window hold : session.windows(Window.Lane.GLOBAL_LOCK)) {
            AuditedStatement ftwrl = session.statement(hold.from());
            Window wait = waits.stream().filter(w -> w.from() == hold.from()).findFirst().orElse(null);
            StringBuilder b = new StringBuilder();
            if (wait != null) {
                long waited = session.toMicros(wait) - session.fromMicros(wait);
                b.append(sql(ftwrl)).append(" at ").append(ref(ftwrl)).append(" (").append(at(session.fromMicros(wait)))
                        .append("), acquired within ").append(duration(waited))
                        .append(session.statements().get(0).sent().endMicros() < 0 ? " (until its next statement)" : "");
            } else {
                b.append("held since before ").append(ref(ftwrl));
            }
            long held = session.toMicros(hold) - session.fromMicros(hold);
            b.append("; released by ").append(closedBy(hold)).append("; held ").append(duration(held))
                    .append(" over ").append(plural(session.statementsInside(hold), "statement"));
            if (hold.flagged()) {
                b.append(" - held while tables were read");
            }
            out.add(b.toString());
        }
        return out;
    }

    /** One line per LOCK TABLES hold. */
    public List<String> tableLocks() {
        List<String> out = new ArrayList<>();
        for (Window w : session.windows(Window.Lane.TABLE_LOCKS)) {
            AuditedStatement lock = session.statement(w.from());
            out.add(sql(lock) + " at " + ref(lock) + " (" + at(session.fromMicros(w)) + "); released by "
                    + closedBy(w) + "; held " + duration(session.toMicros(w) - session.fromMicros(w)) + " over "
                    + plural(session.statementsInside(w), "statement"));
        }
        return out;
    }

    /** One line per consistent snapshot. */
    public List<String> snapshots() {
        List<String> out = new ArrayList<>();
        for (Window w : session.windows(Window.Lane.SNAPSHOT)) {
            AuditedStatement start = session.statement(w.from());
            String end = w.to() == 0 ? "open until the session ended"
                    : "ended by " + sql(session.statement(w.to())) + " at " + ref(session.statement(w.to()));
            out.add("started by " + sql(start) + " at " + ref(start) + " (" + at(session.fromMicros(w)) + "); " + end
                    + "; " + duration(session.toMicros(w) - session.fromMicros(w)) + ", "
                    + plural(readsIn(w), "table read"));
        }
        return out;
    }

    private int readsIn(Window snapshot) {
        int last = snapshot.to() == 0 ? Integer.MAX_VALUE : snapshot.to();
        int n = 0;
        for (AuditedStatement s : session.statements()) {
            if (s.dataRead() && s.number() > snapshot.from() && s.number() < last) {
                n++;
            }
        }
        return n;
    }

    /** The statements that read binlog coordinates, and under what they were read. */
    public List<String> coordinates() {
        List<String> out = new ArrayList<>();
        for (AuditedStatement s : session.statements()) {
            if (!s.inBackupSession() || !readsCoordinates(s)) {
                continue;
            }
            List<String> under = new ArrayList<>();
            if (s.globalLockBefore()) {
                under.add("under the global read lock");
            }
            if (s.snapshotBefore()) {
                under.add("inside the snapshot");
            }
            out.add(sql(s) + " at " + ref(s) + (under.isEmpty() ? ", with no lock and no snapshot"
                    : ", " + String.join(" and ", under)));
        }
        return out;
    }

    static boolean readsCoordinates(AuditedStatement s) {
        for (Statement st : Classifier.classifyAll(s.sent().sql())) {
            if (st.kind() == Kind.SHOW_BINLOG_STATUS || st.isSnapshotStatusRead() || st.isGtidRead()) {
                return true;
            }
        }
        return false;
    }

    /** The tables read in the backup session, in order, each once. */
    public List<String> tablesRead() {
        Set<String> t = new LinkedHashSet<>();
        for (AuditedStatement s : session.statements()) {
            if (s.inBackupSession() && s.dataRead()) {
                t.add(s.table() == null ? "(a query over several tables)" : s.table());
            }
        }
        return new ArrayList<>(t);
    }

    /** {@code CONSISTENT}, {@code CONSISTENT (1 warning)}, {@code NOT CONSISTENT (2 violations)}. */
    public String verdict() {
        if (!session.isBackupSession()) {
            return "NOT A BACKUP SESSION";
        }
        int bad = session.consistencyViolations().size();
        int warn = session.warnings().size();
        int gaps = session.gaps().size();
        if (bad == 0 && gaps == 0) {
            return "CONSISTENT" + (warn == 0 ? "" : " (" + plural(warn, "warning") + ")");
        }
        return "NOT CONSISTENT (" + (bad == 0 ? "" : plural(bad, "violation") + (gaps == 0 ? "" : ", "))
                + (gaps == 0 ? "" : "not seen whole: " + plural(gaps, "gap") + " in the log")
                + (warn == 0 ? "" : ", " + plural(warn, "warning")) + ")";
    }

    static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }
}
