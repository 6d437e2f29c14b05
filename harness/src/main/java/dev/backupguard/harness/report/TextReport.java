package dev.backupguard.harness.report;

import dev.backupguard.harness.audit.AuditedSession;
import dev.backupguard.harness.audit.AuditedStatement;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Rule;

import java.io.PrintWriter;
import java.util.List;

/** The audit as plain text: a verdict per backup session, then the why, with line numbers. */
public final class TextReport {

    private TextReport() {
    }

    public static void write(AuditReport report, PrintWriter out, boolean verbose) {
        out.println("backup-guard audit of " + report.source());
        out.println("  input:  " + report.input());
        out.println("  server: " + report.server());
        long bad = report.inconsistent();
        out.println("  connections: " + report.connections() + ", backup sessions: " + report.sessions().size()
                + (report.sessions().isEmpty() ? "" : " (" + (report.sessions().size() - bad) + " consistent, "
                + bad + " NOT consistent)"));
        if (report.sessions().isEmpty()) {
            out.println();
            out.println("No backup session found: no connection sent a backup statement (FLUSH TABLES WITH READ LOCK,");
            out.println("START TRANSACTION WITH CONSISTENT SNAPSHOT, SHOW MASTER STATUS, LOCK TABLES over several tables,");
            out.println("BACKUP STAGE). Name the backup job's user with --backup-user to audit its connections anyway.");
        }
        for (AuditedSession s : report.sessions()) {
            out.println();
            session(s, report.redact(), out, verbose);
        }
        out.flush();
    }

    static void session(AuditedSession s, boolean redact, PrintWriter out, boolean verbose) {
        Summary sum = new Summary(s, redact);
        List<AuditedStatement> st = s.statements();
        AuditedStatement first = st.get(0);
        AuditedStatement last = st.get(st.size() - 1);
        StringBuilder head = new StringBuilder(s.name());
        if (s.user() != null) {
            head.append("  user ").append(s.user());
        }
        if (s.database() != null) {
            head.append("  database ").append(s.database());
        }
        if (first.sent().line() > 0) {
            head.append("  lines ").append(first.sent().line()).append('-').append(last.sent().line());
        }
        String date = Durations.dateTime(s.startMicros(), s.wallClock());
        if (!date.isEmpty()) {
            head.append("  ").append(date);
        }
        out.println(head);
        out.println("  verdict: " + sum.verdict());
        AuditedStatement trigger = s.statement(s.recognizedAt());
        if (trigger != null) {
            out.println("  backup session from " + Summary.ref(trigger) + ": " + sum.sql(trigger)
                    + (s.startedBeforeTrace() ? " (connected before the log began: earlier statements are missing)" : ""));
        }
        List<String> coordinates = sum.coordinates();
        out.println("  coordinates: " + (coordinates.isEmpty() ? "none read" : coordinates.get(0)));
        for (String c : coordinates.subList(Math.min(1, coordinates.size()), coordinates.size())) {
            out.println("               " + c);
        }
        List<String> lock = sum.globalLock();
        if (lock.isEmpty()) {
            out.println("  global read lock: not taken");
        }
        for (String l : lock) {
            out.println("  global read lock: " + l);
        }
        for (String l : sum.tableLocks()) {
            out.println("  LOCK TABLES: " + l);
        }
        List<String> snapshots = sum.snapshots();
        if (snapshots.isEmpty()) {
            out.println("  consistent snapshot: none");
        }
        for (String l : snapshots) {
            out.println("  consistent snapshot: " + l);
        }
        List<String> tables = sum.tablesRead();
        out.println("  tables read: " + tables.size() + (tables.isEmpty() ? "" : " (" + String.join(", ", tables) + ")"));
        if (!s.gaps().isEmpty()) {
            out.println("  not seen whole (so not called consistent):");
            for (String gap : s.gaps()) {
                out.println("    " + gap);
            }
        }
        List<AuditedSession.Violation> bad = s.consistencyViolations();
        if (!bad.isEmpty()) {
            out.println("  violations:");
            for (AuditedSession.Violation v : bad) {
                violation(v, sum, out);
            }
        }
        List<AuditedSession.Violation> warnings = s.warnings();
        if (!warnings.isEmpty()) {
            out.println("  warnings (the backup is consistent, the server pays for it):");
            for (AuditedSession.Violation v : warnings) {
                violation(v, sum, out);
            }
        }
        if (verbose) {
            out.println("  statements" + (st.get(0).number() > 1 ? " (the first " + (st.get(0).number() - 1)
                    + " are not shown)" : "") + ":");
            for (AuditedStatement a : st) {
                String mark = a.breaksConsistency() ? "X" : a.violations().isEmpty() ? " " : "!";
                out.printf("   %s %-10s %s%s%n", mark, Summary.ref(a), sum.sql(a), state(a));
                for (Finding f : a.advice()) {
                    out.println("                enforce/block mode: " + f.rule().id() + ": " + f.detail());
                }
            }
        }
    }

    private static String state(AuditedStatement a) {
        StringBuilder b = new StringBuilder();
        if (a.globalLockAfter()) {
            b.append(" [lock]");
        }
        if (a.tableLocksAfter()) {
            b.append(" [table locks]");
        }
        if (a.snapshotAfter()) {
            b.append(" [snapshot]");
        }
        return b.toString();
    }

    private static void violation(AuditedSession.Violation v, Summary sum, PrintWriter out) {
        Rule r = v.rule();
        out.printf("    %-10s %s (%s%s)%n", Summary.ref(v.statement()), r.id(), r.invariant(),
                r.severity() == Rule.Severity.SERVER_IMPACT ? ", server impact" : "");
        out.println("               " + v.finding().detail());
        out.println("               > " + sum.sql(v.statement()));
        out.println("               why:  " + r.problem());
        out.println("               safe: " + r.safeAlternative());
    }
}
