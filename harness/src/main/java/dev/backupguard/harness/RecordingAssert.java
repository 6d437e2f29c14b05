package dev.backupguard.harness;

import dev.backupguard.harness.audit.AuditedSession;
import dev.backupguard.harness.audit.AuditedStatement;
import dev.backupguard.harness.audit.Window;
import dev.backupguard.protocol.Rule;
import org.assertj.core.api.AbstractAssert;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * AssertJ assertions on a {@link Recording}, judged by the session protocol in audit mode. Every failure message shows
 * the recorded statements with the offending ones marked ({@code >}) and the rule each broke.
 */
public final class RecordingAssert extends AbstractAssert<RecordingAssert, Recording> {

    RecordingAssert(Recording actual) {
        super(actual, RecordingAssert.class);
    }

    private AuditedSession audit() {
        isNotNull();
        return actual.audit();
    }

    private String listing(AuditedSession s, Set<Integer> marked, Map<Integer, List<String>> notes) {
        return RecordingText.render(actual, s, marked, notes);
    }

    private RecordingAssert fail(String why, AuditedSession s, Set<Integer> marked, Map<Integer, List<String>> notes) {
        failWithMessage("%s", why + "\n\n" + listing(s, marked, notes));
        return this;
    }

    /** The connection became a backup session (a data read in the backup-job role, or a backup statement). */
    public RecordingAssert isBackupSession() {
        AuditedSession s = audit();
        if (!s.isBackupSession()) {
            fail("Expected a backup session, but nothing the connection sent made it one (no data read, no backup "
                    + "statement).", s, Set.of(), Map.of());
        }
        return this;
    }

    /**
     * A backup session whose every data read and whose coordinates are from one moment: no violation of a
     * consistency rule. Warnings (server-impact rules) are allowed; see {@link #hasNoWarnings()}.
     */
    public RecordingAssert isConsistentBackup() {
        AuditedSession s = audit();
        if (!s.isBackupSession()) {
            return fail("Expected a consistent backup, but the recording is not a backup session (no data read, no "
                    + "backup statement).", s, Set.of(), Map.of());
        }
        List<AuditedSession.Violation> bad = s.consistencyViolations();
        if (!bad.isEmpty()) {
            Set<Integer> marked = new TreeSet<>();
            Set<String> rules = new LinkedHashSet<>();
            for (AuditedSession.Violation v : bad) {
                marked.add(v.statement().number());
                rules.add(v.rule().id());
            }
            fail("Expected a consistent backup, but " + bad.size() + " statement" + (bad.size() == 1 ? "" : "s")
                    + " broke consistency rules " + rules + ":", s, marked, Map.of());
        }
        return this;
    }

    /** A backup session that is not consistent (for tests that prove a legacy shape is unsafe). */
    public RecordingAssert isNotConsistentBackup() {
        AuditedSession s = audit();
        if (!s.isBackupSession()) {
            return fail("Expected an inconsistent backup, but the recording is not a backup session.", s, Set.of(),
                    Map.of());
        }
        if (s.isConsistent()) {
            fail("Expected an inconsistent backup, but every data read and the coordinates are from one moment.", s,
                    Set.of(), Map.of());
        }
        return this;
    }

    /** Each of these rules was broken by some statement. */
    public RecordingAssert violates(Rule... rules) {
        AuditedSession s = audit();
        Set<Rule> found = new LinkedHashSet<>();
        s.violations().forEach(v -> found.add(v.rule()));
        List<String> missing = new ArrayList<>();
        for (Rule r : rules) {
            if (!found.contains(r)) {
                missing.add(r.id());
            }
        }
        if (!missing.isEmpty()) {
            fail("Expected the recording to break " + missing + ", but it broke " + ids(found) + ":", s,
                    numbers(s.violations()), Map.of());
        }
        return this;
    }

    /** None of these rules was broken. */
    public RecordingAssert doesNotViolate(Rule... rules) {
        AuditedSession s = audit();
        Set<Rule> unwanted = Set.of(rules);
        List<AuditedSession.Violation> hits = s.violations().stream().filter(v -> unwanted.contains(v.rule())).toList();
        if (!hits.isEmpty()) {
            fail("Expected the recording not to break " + ids(unwanted) + ", but:", s, numbers(hits), Map.of());
        }
        return this;
    }

    /** No server-impact rule was broken either (global read lock held for the dump, metadata locks kept, ...). */
    public RecordingAssert hasNoWarnings() {
        AuditedSession s = audit();
        if (!s.warnings().isEmpty()) {
            fail("Expected no warnings, but the backup burdens the server:", s, numbers(s.warnings()), Map.of());
        }
        return this;
    }

    /**
     * These statements reached the server in this order (others may come between). Statements are matched by meaning
     * (kind, table, isolation level, WITH CONSISTENT SNAPSHOT), not by text: see {@link StatementPattern}.
     */
    public RecordingAssert sentInOrder(String... statements) {
        AuditedSession s = audit();
        List<AuditedStatement> st = s.statements();
        int from = 0;
        Map<Integer, List<String>> notes = new HashMap<>();
        for (int k = 0; k < statements.length; k++) {
            StatementPattern p = new StatementPattern(statements[k]);
            int found = -1;
            for (int i = from; i < st.size(); i++) {
                if (p.matches(st.get(i).sent().sql())) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                int earlier = -1;
                for (int i = 0; i < from && i < st.size(); i++) {
                    if (p.matches(st.get(i).sent().sql())) {
                        earlier = i;
                    }
                }
                String where = from == 0 ? "" : " after #" + st.get(from - 1).number() + " (" + statements[k - 1] + ")";
                Set<Integer> marked = new TreeSet<>();
                if (earlier >= 0) {
                    int n = st.get(earlier).number();
                    marked.add(n);
                    notes.computeIfAbsent(n, x -> new ArrayList<>()).add("expected '" + statements[k] + "' here is too early: it must come after '"
                            + statements[k - 1] + "'");
                }
                return fail("Expected these statements in this order: " + List.of(statements) + ",\nbut '"
                        + statements[k] + "' was not sent" + where + (earlier >= 0 ? "; it was sent before, at #"
                        + st.get(earlier).number() : "") + ".", s, marked, notes);
            }
            notes.computeIfAbsent(st.get(found).number(), x -> new ArrayList<>()).add("expected #" + (k + 1) + ": "
                    + statements[k]);
            from = found + 1;
        }
        return this;
    }

    /** No statement that matches {@code statement} (by meaning, see {@link #sentInOrder}) reached the server. */
    public RecordingAssert neverSent(String statement) {
        AuditedSession s = audit();
        StatementPattern p = new StatementPattern(statement);
        Set<Integer> hits = new TreeSet<>();
        for (AuditedStatement a : s.statements()) {
            if (p.matches(a.sent().sql())) {
                hits.add(a.number());
            }
        }
        if (!hits.isEmpty()) {
            fail("Expected '" + statement + "' never to reach the server, but it did at " + hashes(hits) + ":", s,
                    hits, Map.of());
        }
        return this;
    }

    /** The global read lock was never taken (the snapshot reported its own coordinates, or none were needed). */
    public RecordingAssert tookNoGlobalReadLock() {
        AuditedSession s = audit();
        List<Window> holds = s.windows(Window.Lane.GLOBAL_LOCK);
        if (!holds.isEmpty()) {
            Set<Integer> marked = new TreeSet<>();
            holds.forEach(w -> marked.add(w.from()));
            fail("Expected no global read lock, but FLUSH TABLES WITH READ LOCK was taken at " + hashes(marked) + ":",
                    s, marked, Map.of());
        }
        return this;
    }

    /**
     * Each global read lock was held over at most {@code statements} statements (not counting the FLUSH TABLES WITH
     * READ LOCK and the UNLOCK TABLES): mysqldump holds it over 3 (SET ISOLATION, START TRANSACTION, SHOW MASTER
     * STATUS).
     */
    public RecordingAssert heldGlobalReadLockForAtMost(int statements) {
        AuditedSession s = audit();
        for (Window w : s.windows(Window.Lane.GLOBAL_LOCK)) {
            int inside = s.statementsInside(w);
            if (inside > statements) {
                return lockTooLong(s, w, inside + " statements", statements + " statements");
            }
        }
        return this;
    }

    /**
     * Each global read lock was held for at most {@code limit}, from when FLUSH TABLES WITH READ LOCK returned to when
     * UNLOCK TABLES (or the end of the session) released it. Timing depends on the machine: prefer the statement
     * bound unless the test is about time.
     */
    public RecordingAssert heldGlobalReadLockForAtMost(Duration limit) {
        AuditedSession s = audit();
        for (Window w : s.windows(Window.Lane.GLOBAL_LOCK)) {
            long micros = s.toMicros(w) - s.fromMicros(w);
            if (micros > limit.toNanos() / 1000) {
                return lockTooLong(s, w, micros / 1000.0 + " ms", (limit.toNanos() / 1000) / 1000.0 + " ms");
            }
        }
        return this;
    }

    private RecordingAssert lockTooLong(AuditedSession s, Window w, String held, String bound) {
        Set<Integer> marked = new TreeSet<>();
        marked.add(w.from());
        Map<Integer, List<String>> notes = new HashMap<>();
        notes.put(w.from(), List.of("global read lock taken here"));
        if (w.to() != 0) {
            marked.add(w.to());
            notes.put(w.to(), List.of("released here, after " + held));
        }
        return fail("Expected the global read lock to be held for at most " + bound + ", but it was held for " + held
                + (w.to() == 0 ? " and never released before the session ended" : "") + ":", s, marked, notes);
    }

    /**
     * Every data read of the backup session (a read of table rows, from the statement that made the connection a
     * backup session on) happened while its consistent snapshot was open. Only data reads are checked: not where the
     * binlog coordinates were read (a snapshot started after UNLOCK TABLES passes; {@link #isConsistentBackup()}
     * catches it), not metadata reads such as SHOW CREATE TABLE. Reads under the global read lock without a snapshot
     * fail it, although such a dump is consistent.
     */
    public RecordingAssert readOnlyInsideSnapshot() {
        AuditedSession s = audit();
        Set<Integer> outside = new TreeSet<>();
        Map<Integer, List<String>> notes = new HashMap<>();
        for (AuditedStatement a : s.statements()) {
            if (a.inBackupSession() && a.dataRead() && !a.snapshotBefore()) {
                outside.add(a.number());
                notes.put(a.number(), List.of("read outside the snapshot" + (a.globalLockBefore()
                        ? " (under the global read lock)" : "")));
            }
        }
        if (!outside.isEmpty()) {
            fail("Expected every data read inside the consistent snapshot, but " + outside.size() + " "
                    + (outside.size() == 1 ? "was" : "were") + " not:", s, outside, notes);
        }
        return this;
    }

    /** These tables were read in the backup session (names as written, optionally schema-qualified). */
    public RecordingAssert readTables(String... tables) {
        AuditedSession s = audit();
        Set<String> read = new LinkedHashSet<>();
        for (AuditedStatement a : s.statements()) {
            if (a.inBackupSession() && a.dataRead() && a.table() != null) {
                read.add(a.table().replace("`", "").toLowerCase(java.util.Locale.ROOT));
            }
        }
        List<String> missing = new ArrayList<>();
        for (String t : tables) {
            String want = t.replace("`", "").toLowerCase(java.util.Locale.ROOT);
            boolean hit = read.stream().anyMatch(r -> r.equals(want) || r.endsWith("." + want)
                    || want.endsWith("." + r));
            if (!hit) {
                missing.add(t);
            }
        }
        if (!missing.isEmpty()) {
            fail("Expected the backup to read " + missing + ", but it read " + read + ":", s, Set.of(), Map.of());
        }
        return this;
    }

    private static Set<Integer> numbers(List<AuditedSession.Violation> vs) {
        Set<Integer> out = new TreeSet<>();
        vs.forEach(v -> out.add(v.statement().number()));
        return out;
    }

    private static String hashes(Set<Integer> numbers) {
        return String.join(", ", numbers.stream().map(n -> "#" + n).toList());
    }

    private static List<String> ids(Set<Rule> rules) {
        return rules.stream().map(Rule::id).toList();
    }
}
