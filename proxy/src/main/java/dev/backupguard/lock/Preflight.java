package dev.backupguard.lock;

import dev.backupguard.config.Settings.LongQueryFilter;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Rule;
import dev.backupguard.telemetry.GuardEvent;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The check before FLUSH TABLES WITH READ LOCK (I4): an FTWRL sent while a long statement runs waits for it, and every
 * write on the server queues behind the waiting FTWRL. So before sending it, look for statements running longer than
 * {@code lock.long-query-seconds} (mydumper's --long-query-guard), wait up to {@code lock.long-query-wait-ms} for them
 * to end, re-checking, and refuse if they do not; in kill mode (opt-in) KILL QUERY them instead.
 */
final class Preflight {

    private static final long FIRST_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private Preflight() {
    }

    /** What helps when there is no side connection: kill mode would not (it kills through that connection). */
    private static final String WITHOUT_SIDE_CONNECTION = "let the lock guard open its side connection with the "
            + "backup's credentials (the account's max_user_connections and the server's max_connections must allow "
            + "one more; over a pool of one connection, give BackupGuardDataSource.setSideConnections another "
            + "source), or set backupguard.rule.long-query=enforce to take the lock bounded by lock_wait_timeout alone";

    /**
     * @param missing why there is no side connection (null when {@code side} is there)
     */
    static void check(LockRequest r, SideConnection side, String missing) throws SQLException {
        Mode mode = r.modeOf(Rule.LONG_QUERY);
        if (mode == Mode.OFF) {
            return;
        }
        long start = System.nanoTime();
        if (side == null) {
            String why = "no side connection to read the processlist";
            if (mode == Mode.BLOCK) {
                published(r, List.of(), "refused: " + why, start);
                throw LockFindings.refuse(r, Rule.LONG_QUERY, "cannot check for long-running statements before "
                        + r.what() + ": " + why + (missing == null ? "" : "; " + missing), null,
                        WITHOUT_SIDE_CONNECTION);
            }
            published(r, List.of(), "skipped: " + why, start);
            return;
        }
        if (!side.seesOthers()) {
            withoutProcessPrivilege(r, side, start);
            return;
        }
        LongQueryFilter filter = LongQueries.effective(r.lock().longQueryFilter(), r.facts());
        long threshold = r.lock().longQueryThreshold().toMillis();
        Set<Long> ours = Set.of(r.connectionId(), side.id());
        List<ProcessRow> found = LongQueries.running(side.processlist(), threshold, filter, ours);
        if (found.isEmpty()) {
            published(r, found, "clear", start);
            return;
        }
        List<ProcessRow> first = found;
        if (mode == Mode.AUDIT) {
            published(r, found, "audit: would wait", start);
            LockFindings.report(r, Rule.LONG_QUERY, Finding.Outcome.WOULD_REFUSE, describe(found, threshold, r)
                    + "; audit mode sends the global read lock anyway");
            return;
        }
        List<String> killFailures = new ArrayList<>();
        boolean killing = r.lock().killLongQueries() && mode == Mode.ENFORCE;
        if (killing) {
            kill(r, side, found, killFailures);
        }
        long deadline = start + r.lock().longQueryWait().toNanos();
        long pause = FIRST_POLL_NANOS;
        while (!found.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                published(r, found, "refused", start);
                throw LockFindings.refuse(r, Rule.LONG_QUERY, describe(found, threshold, r) + "; waited "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms (backupguard.lock."
                        + "long-query-wait-ms) for them to end"
                        + (killFailures.isEmpty() ? "" : "; KILL QUERY failed: " + String.join("; ", killFailures)),
                        null);
            }
            LockSupport.parkNanos(Math.min(pause, left));
            pause = Math.min(pause * 2, MAX_POLL_NANOS);
            found = LongQueries.running(side.processlist(), threshold, filter, ours);
            if (killing && !found.isEmpty()) {
                kill(r, side, newOnes(found, first), killFailures); // crossed the threshold while we waited
                first = union(first, found);
            }
        }
        published(r, first, killing ? "killed" : "waited", start);
    }

    /**
     * Without PROCESS the processlist shows only the account's own threads, so the check would always pass: say so.
     * Block mode refuses; otherwise warn and rely on the bounded wait alone.
     */
    private static void withoutProcessPrivilege(LockRequest r, SideConnection side, long start) throws SQLException {
        Mode mode = r.modeOf(Rule.PRIVILEGE);
        String detail = "the account " + side.user() + " lacks the PROCESS privilege, so the check for long-running "
                + "statements before " + r.what() + " cannot see other sessions (information_schema."
                + "PROCESSLIST shows only the account's own threads)";
        if (mode == Mode.BLOCK) {
            published(r, List.of(), "refused: no PROCESS privilege", start);
            throw LockFindings.refuse(r, Rule.PRIVILEGE, detail, null);
        }
        if (mode != Mode.OFF) {
            LockFindings.report(r, Rule.PRIVILEGE, mode == Mode.AUDIT ? Finding.Outcome.WOULD_REFUSE
                    : Finding.Outcome.REPORTED, detail + "; only the bounded wait (backupguard.lock.wait-ms) protects "
                    + "the server");
        }
        published(r, List.of(), "skipped: no PROCESS privilege", start);
    }

    private static void kill(LockRequest r, SideConnection side, List<ProcessRow> rows, List<String> failures) {
        for (ProcessRow p : rows) {
            try {
                side.killQuery(p);
                LockFindings.LOG.warn("backup-guard killed the long-running query {} before taking the global read "
                        + "lock (backupguard.lock.kill-long-queries=true)", p.describe(r.redact()));
                LockFindings.event(r, new GuardEvent.QueryKilled(r.origin().get(), p.toEvent(r.redact())));
            } catch (SQLException e) {
                // 1094: the thread is gone already; 1095 / 1227: not ours to kill (CONNECTION ADMIN or SUPER needed).
                if (e.getErrorCode() != 1094) {
                    failures.add("id " + p.id() + ": " + LockFindings.serverError(e, r.redact()));
                }
            }
        }
    }

    private static List<ProcessRow> newOnes(List<ProcessRow> now, List<ProcessRow> before) {
        List<ProcessRow> out = new ArrayList<>();
        for (ProcessRow p : now) {
            if (!sameStatementIn(p, before)) {
                out.add(p);
            }
        }
        return out;
    }

    private static List<ProcessRow> union(List<ProcessRow> a, List<ProcessRow> b) {
        List<ProcessRow> out = new ArrayList<>(a);
        out.addAll(newOnes(b, a));
        return out;
    }

    /** The same statement of the same thread: MariaDB's query id, else a run time that only grew. */
    static boolean sameStatementIn(ProcessRow p, List<ProcessRow> rows) {
        for (ProcessRow q : rows) {
            if (q.id() == p.id() && (p.queryId() != 0 ? p.queryId() == q.queryId() : p.millis() >= q.millis())) {
                return true;
            }
        }
        return false;
    }

    private static String describe(List<ProcessRow> found, long thresholdMillis, LockRequest r) {
        return found.size() + (found.size() == 1 ? " statement has" : " statements have") + " run longer than "
                + thresholdMillis / 1000.0 + " s (backupguard.lock.long-query-seconds), and " + r.what()
                + " would wait for " + (found.size() == 1 ? "it" : "them") + " while every write on the server "
                + "queues behind it: " + LockFindings.list(found, r.redact());
    }

    private static void published(LockRequest r, List<ProcessRow> rows, String outcome, long start) {
        LockFindings.event(r, new GuardEvent.PreflightChecked(r.origin().get(), LockFindings.events(rows, r.redact()),
                outcome, (System.nanoTime() - start) / 1000));
    }
}
