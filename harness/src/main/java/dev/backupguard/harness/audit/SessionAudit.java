package dev.backupguard.harness.audit;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.Statement;
import dev.backupguard.classify.TableName;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Plan;
import dev.backupguard.protocol.ProtocolSettings;
import dev.backupguard.protocol.Role;
import dev.backupguard.protocol.ServerFacts;
import dev.backupguard.protocol.SessionProtocol;
import dev.backupguard.protocol.Step;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Judges one session's statements, fed in the order they reached the server, with the session protocol in audit
 * mode: the engine behind both the JUnit assertions and the general-log audit.
 *
 * <p>Each statement is planned (which recognises the backup session and yields audit mode's would-findings) and then
 * reported as sent (which judges it on what reached the server: the protocol's moment-based judge). Plans are not
 * carried out: everything in the trace did reach the server.
 *
 * <p>Memory: a general log can hold millions of statements of ordinary sessions. Before a session is recognised as a
 * backup session only its last {@code keepBefore} statements are kept (for context in the report); from recognition
 * on every statement is kept. Not thread-safe.
 */
public final class SessionAudit {

    /**
     * The mark of backup-guard's facts probe (dev.backupguard.jdbc.ServerFactsProbe): three queries of system
     * variables and information_schema that change nothing in the session. They are shown, not judged: fed to the
     * protocol, its GTID variable read would count as the backup's first statement.
     */
    static final String PROBE_MARK = dev.backupguard.jdbc.BackupGuard.PROBE_MARK;

    private static final Set<String> SYSTEM_SCHEMAS = Set.of("information_schema", "performance_schema", "mysql", "sys");

    private final SessionProtocol protocol;
    private final Supplier<ServerFacts> facts;
    private final int keepBefore;
    private final ArrayDeque<AuditedStatement> beforeBackup = new ArrayDeque<>();
    private final List<AuditedStatement> kept = new ArrayList<>();
    private final List<String> gaps = new ArrayList<>();
    private String schema;
    private int number;
    private int recognizedAt;
    private ServerFacts factsUsed;

    /**
     * @param role       {@link Role#GUARDRAIL} for general logs (only unmistakable backup statements make a backup
     *                   session), {@link Role#BACKUP_JOB} for the code of a backup job (its first data read does)
     * @param facts      the server's facts, asked for once when the protocol needs them
     * @param keepBefore how many statements before the backup session began are kept
     */
    public SessionAudit(Role role, Supplier<ServerFacts> facts, int keepBefore) {
        this.protocol = new SessionProtocol(ProtocolSettings.of(Mode.AUDIT, role));
        this.facts = facts;
        this.keepBefore = keepBefore;
    }

    /** The session is a backup session from its start (a known backup user, like backupguard.backup-users). */
    public void markBackup() {
        protocol.markBackup();
        if (recognizedAt == 0 && protocol.isBackupSession()) {
            recognizedAt = number + 1;
        }
    }

    /** Autocommit when the session began, if not the server's default (on). */
    public void initialAutoCommit(boolean on) {
        protocol.initialAutoCommit(on);
    }

    /** The database the session connected to. */
    public void currentSchema(String database) {
        if (database != null && !database.isEmpty()) {
            schema = database;
            protocol.currentSchema(database);
        }
    }

    public boolean isBackupSession() {
        return protocol.isBackupSession() || protocol.sessionsEnded() > 0;
    }

    /**
     * Something of the session the audit did not see: the session is then not judged consistent, whatever the rest
     * shows (a backup whose end is missing from a cut log, a statement read only in part).
     */
    public void gap(String why) {
        gaps.add(why);
    }

    /** Judges the next statement of the session. */
    public AuditedStatement add(SentStatement sent) {
        number++;
        if (sent.incomplete() != null) {
            gap((sent.line() > 0 ? "line " + sent.line() : "#" + number) + ": " + sent.incomplete());
        }
        if (sent.sql().startsWith(PROBE_MARK)) {
            return keep(new AuditedStatement(number, sent, Kind.SELECT, null, false, recognizedAt != 0,
                    protocol.holdsGlobalLock(), protocol.holdsGlobalLock(), protocol.holdsTableLocks(),
                    protocol.inSnapshot(), protocol.inSnapshot(), List.of(), List.of()));
        }
        List<Statement> parts = Classifier.classifyAll(sent.sql());
        if (parts.isEmpty()) {
            parts = List.of(Classifier.classify(sent.sql()));
        }
        boolean lockBefore = protocol.holdsGlobalLock();
        boolean snapshotBefore = protocol.inSnapshot();
        List<Finding> violations = new ArrayList<>(0);
        List<Finding> advice = new ArrayList<>(0);
        Kind kind = parts.get(0).kind();
        String table = null;
        boolean dataRead = false;
        for (int k = 0; k < parts.size(); k++) {
            Statement st = parts.get(k);
            Plan plan = protocol.plan(st);
            if (!plan.steps().isEmpty() && plan.steps().get(0) instanceof Step.LearnFacts) {
                factsUsed = facts.get();
                protocol.facts(factsUsed);
                plan = protocol.plan(st);
            }
            if (protocol.isBackupSession()) {
                advice.addAll(plan.findings());
            }
            dataRead |= isDataRead(st);
            if (table == null && st.target() != null) {
                table = st.target().toString();
            }
            if (sent.failed() && k == parts.size() - 1) {
                violations.addAll(protocol.failed(st, sent.errorCode()));
            } else {
                violations.addAll(protocol.sent(st));
            }
            if (st.kind() == Kind.USE && st.name() != null) {
                schema = st.name();
            }
        }
        if (recognizedAt == 0 && protocol.isBackupSession()) {
            recognizedAt = number;
        }
        AuditedStatement audited = new AuditedStatement(number, sent, kind, table, dataRead, recognizedAt != 0,
                lockBefore, protocol.holdsGlobalLock(), protocol.holdsTableLocks(), snapshotBefore,
                protocol.inSnapshot(), violations, advice);
        return keep(audited);
    }

    private AuditedStatement keep(AuditedStatement audited) {
        if (recognizedAt == 0) {
            beforeBackup.addLast(audited);
            if (beforeBackup.size() > keepBefore) {
                beforeBackup.removeFirst();
            }
        } else {
            if (!beforeBackup.isEmpty()) {
                kept.addAll(beforeBackup);
                beforeBackup.clear();
            }
            kept.add(audited);
        }
        return audited;
    }

    /**
     * The judged session.
     *
     * @param name               {@code thread 12}, {@code connection 1}
     * @param user               the user, or null
     * @param startedBeforeTrace the session was connected before the trace began
     * @param endMicros          when the session ended, or -1 if unknown
     * @param wallClock          the times are wall-clock (log) times
     * @param resolutionMicros   1 for microsecond times, 1 000 000 for whole seconds
     */
    public AuditedSession finish(String name, String user, String database, boolean startedBeforeTrace,
                                 long endMicros, boolean wallClock, long resolutionMicros) {
        List<AuditedStatement> statements = new ArrayList<>(beforeBackup.size() + kept.size());
        statements.addAll(kept);
        statements.addAll(beforeBackup);
        return new AuditedSession(name, user, database, startedBeforeTrace, statements, number,
                isBackupSession(), recognizedAt, factsUsed, endMicros, wallClock, resolutionMicros,
                windows(statements), gaps);
    }

    /** A read of table rows: a SELECT with a FROM that is not only a system schema (metadata queries). */
    private boolean isDataRead(Statement st) {
        if (st.kind() != Kind.SELECT) {
            return false;
        }
        TableName t = st.target();
        if (t != null) {
            String s = t.schema() != null ? t.schema() : schema;
            return s == null || !SYSTEM_SCHEMAS.contains(s.toLowerCase(Locale.ROOT));
        }
        String sql = st.sql().toLowerCase(Locale.ROOT);
        return st.has(Statement.F_FROM) && !sql.contains("information_schema") && !sql.contains("performance_schema");
    }

    /** The lanes of the timeline, from the state the protocol's model held around each statement. */
    static List<Window> windows(List<AuditedStatement> statements) {
        List<Window> out = new ArrayList<>();
        int lockFrom = 0;
        Window.Edge lockEdge = Window.Edge.NEXT;
        boolean lockFlagged = false;
        int tablesFrom = 0;
        boolean tablesBefore = false;
        int snapshotFrom = 0;
        boolean snapshotFlagged = false;
        for (int i = 0; i < statements.size(); i++) {
            AuditedStatement s = statements.get(i);
            if (i == 0 && s.globalLockBefore()) {
                lockFrom = s.number();
                lockEdge = Window.Edge.START;
            }
            if (i == 0 && s.snapshotBefore()) {
                snapshotFrom = s.number();
            }
            // The global read lock: requested by FTWRL (its wait ends when it returns), held until UNLOCK TABLES.
            if (s.globalLockBefore() && !s.globalLockAfter() && lockFrom != 0) {
                out.add(new Window(Window.Lane.GLOBAL_LOCK, "", lockFrom, lockEdge, s.number(), Window.Edge.DONE,
                        lockFlagged));
                lockFrom = 0;
            } else if (lockFrom != 0 && s != statements.get(0) && heldForDump(s)) {
                lockFlagged = true;
            }
            if (!s.globalLockBefore() && s.globalLockAfter()) {
                out.add(new Window(Window.Lane.GLOBAL_LOCK_WAIT, "", s.number(), Window.Edge.START, s.number(),
                        Window.Edge.NEXT, false));
                lockFrom = s.number();
                lockEdge = Window.Edge.NEXT;
                lockFlagged = false;
            }
            if (!tablesBefore && s.tableLocksAfter()) {
                tablesFrom = s.number();
            } else if (tablesBefore && !s.tableLocksAfter() && tablesFrom != 0) {
                out.add(new Window(Window.Lane.TABLE_LOCKS, "", tablesFrom, Window.Edge.NEXT, s.number(),
                        Window.Edge.DONE, false));
                tablesFrom = 0;
            }
            tablesBefore = s.tableLocksAfter();
            if (s.snapshotBefore() && !s.snapshotAfter() && snapshotFrom != 0) {
                out.add(new Window(Window.Lane.SNAPSHOT, "", snapshotFrom, Window.Edge.DONE, s.number(),
                        Window.Edge.DONE, snapshotFlagged || s.breaksConsistency()));
                snapshotFrom = 0;
            }
            if (!s.snapshotBefore() && s.snapshotAfter()) {
                snapshotFrom = s.number();
                snapshotFlagged = false;
            } else if (snapshotFrom != 0 && s.breaksConsistency()) {
                snapshotFlagged = true;
            }
            if (s.dataRead()) {
                out.add(new Window(Window.Lane.READ, s.table() == null ? "(several tables)" : s.table(), s.number(),
                        Window.Edge.START, s.number(), Window.Edge.NEXT, s.breaksConsistency()));
            }
        }
        if (lockFrom != 0) {
            out.add(new Window(Window.Lane.GLOBAL_LOCK, "", lockFrom, lockEdge, 0, Window.Edge.SESSION_END,
                    lockFlagged));
        }
        if (tablesFrom != 0) {
            out.add(new Window(Window.Lane.TABLE_LOCKS, "", tablesFrom, Window.Edge.NEXT, 0, Window.Edge.SESSION_END,
                    false));
        }
        if (snapshotFrom != 0) {
            out.add(new Window(Window.Lane.SNAPSHOT, "", snapshotFrom, Window.Edge.DONE, 0, Window.Edge.SESSION_END,
                    snapshotFlagged));
        }
        return out;
    }

    private static boolean heldForDump(AuditedStatement s) {
        for (Finding f : s.violations()) {
            if (f.rule() == dev.backupguard.protocol.Rule.LOCK_WHOLE_DUMP
                    || f.rule() == dev.backupguard.protocol.Rule.LOCK_HOLD) {
                return true;
            }
        }
        return false;
    }
}
