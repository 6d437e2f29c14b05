package dev.backupguard.harness;

import dev.backupguard.harness.audit.AuditedSession;
import dev.backupguard.harness.audit.AuditedStatement;
import dev.backupguard.harness.report.Summary;
import dev.backupguard.protocol.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A recording as text for failure messages: the statements in order, the offending ones marked with {@code >} and
 * the rule each broke written under it. Long recordings show the marked statements with some context.
 */
final class RecordingText {

    private static final int SHOW_ALL = 60;
    private static final int CONTEXT = 3;

    private RecordingText() {
    }

    /**
     * @param marked statement numbers to mark (their violations are written under them)
     * @param notes  extra lines under a statement (an order expectation, a lock bound)
     */
    static String render(Recording rec, AuditedSession s, Set<Integer> marked, Map<Integer, List<String>> notes) {
        StringBuilder b = new StringBuilder();
        List<AuditedStatement> st = s.statements();
        b.append(rec.name()).append(": ").append(st.size()).append(" statements reached the server");
        if (s.isBackupSession()) {
            b.append(", backup session from #").append(s.recognizedAt()).append(", ")
                    .append(new Summary(s, rec.redacted()).verdict());
        } else {
            b.append(", not a backup session");
        }
        b.append('\n');
        Set<Integer> shown = new TreeSet<>();
        if (st.size() <= SHOW_ALL) {
            st.forEach(a -> shown.add(a.number()));
        } else {
            Set<Integer> focus = new TreeSet<>(marked);
            focus.addAll(notes.keySet());
            for (AuditedStatement a : st) {
                if (!a.violations().isEmpty() && marked.isEmpty()) {
                    focus.add(a.number());
                }
            }
            if (focus.isEmpty()) {
                for (int i = 1; i <= Math.min(SHOW_ALL, st.size()); i++) {
                    focus.add(i);
                }
            }
            for (int n : focus) {
                for (int k = n - CONTEXT; k <= n + CONTEXT; k++) {
                    if (k >= 1 && k <= st.size()) {
                        shown.add(k);
                    }
                }
            }
        }
        b.append("      #  sent by  statement\n");
        List<Recording.NotSent> notSent = new ArrayList<>(rec.notSent());
        int last = 0;
        for (AuditedStatement a : st) {
            for (Recording.NotSent n : notSent) {
                if (n.after() == a.number() - 1) {
                    b.append("      -  job      ").append(Summary.sql(n.sql(), rec.redacted())).append("   (")
                            .append(n.call() != null && n.call().startsWith("refused") ? n.call()
                                    : "not sent: answered by backup-guard").append(")\n");
                }
            }
            if (!shown.contains(a.number())) {
                continue;
            }
            if (a.number() > last + 1) {
                b.append("      ... ").append(a.number() - last - 1).append(" statements ...\n");
            }
            last = a.number();
            boolean mark = marked.contains(a.number());
            b.append(mark ? "  >" : "   ").append(String.format("%4d  %-7s  ", a.number(), a.sent().origin().label()))
                    .append(Summary.sql(a.sent().sql(), rec.redacted()));
            if (a.sent().call() != null) {
                b.append("   (").append(a.sent().call()).append(')');
            }
            if (a.sent().failed()) {
                b.append("   [failed: error ").append(a.sent().errorCode()).append(']');
            }
            b.append('\n');
            if (mark) {
                for (Finding f : a.violations()) {
                    b.append("                 ^ ").append(f.rule().id()).append(" (").append(f.rule().invariant())
                            .append("): ").append(f.detail()).append('\n')
                            .append("                   rule: ").append(f.rule().problem()).append('\n')
                            .append("                   safe: ").append(f.rule().safeAlternative()).append('\n');
                }
            }
            for (String note : notes.getOrDefault(a.number(), List.of())) {
                b.append("                 ^ ").append(note).append('\n');
            }
        }
        if (!st.isEmpty() && last < st.get(st.size() - 1).number()) {
            b.append("      ... ").append(st.get(st.size() - 1).number() - last).append(" statements ...\n");
        }
        for (Recording.NotSent n : notSent) {
            if (n.after() >= st.size()) {
                b.append("      -  job      ").append(Summary.sql(n.sql(), rec.redacted())).append("   (")
                        .append(n.call() != null && n.call().startsWith("refused") ? n.call()
                                : "not sent: answered by backup-guard").append(")\n");
            }
        }
        return b.toString();
    }
}
