package dev.backupguard.lock;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.Statement;
import dev.backupguard.config.Settings.LongQueryFilter;
import dev.backupguard.protocol.ServerFacts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which threads of the processlist can hold up FLUSH TABLES WITH READ LOCK, and which are only waiting on it.
 * Pure: decided from the rows alone, so every rule is unit-tested.
 *
 * <p>Never counted: our own connections (the backup connection and the guard's side connections), idle
 * ({@code Sleep}) connections, and the server's own threads: replication (the {@code system user} applier threads,
 * {@code Binlog Dump} senders, {@code Slave_*} / {@code Connect} I/O threads), the event scheduler and other daemons.
 * Those are not statements a backup should wait for, and killing them would break replication.
 */
final class LongQueries {

    /**
     * The processlist states of a thread waiting on a global read lock, ours or another's. MySQL: {@code Waiting for
     * global read lock} / {@code Waiting for commit lock} (writers and commits), {@code Waiting for table flush} (the
     * FLUSH part of FTWRL behind long SELECTs). MariaDB 10.4+: {@code Waiting for backup lock}, for the waiting FTWRL
     * and for every write queued behind it (docs/server-facts.md, fact 4).
     */
    static final Set<String> LOCK_WAIT_STATES = Set.of("waiting for global read lock", "waiting for commit lock",
            "waiting for table flush", "waiting for backup lock");

    static final String METADATA_LOCK_WAIT = "waiting for table metadata lock";

    private static final Set<String> SERVER_USERS = Set.of("system user", "event_scheduler", "unauthenticated user",
            "system user slave", "delayed");
    private static final Set<String> SERVER_COMMANDS = Set.of("daemon", "binlog dump", "binlog dump gtid",
            "register slave", "connect", "connect out", "slave_io", "slave_sql", "slave_worker");

    private LongQueries() {
    }

    /** The filter that applies on this server: AUTO is ALL where FTWRL waits for running SELECTs, else WRITES. */
    static LongQueryFilter effective(LongQueryFilter filter, ServerFacts facts) {
        if (filter != LongQueryFilter.AUTO) {
            return filter;
        }
        return facts == null || facts.ftwrlWaitsForSelects() ? LongQueryFilter.ALL : LongQueryFilter.WRITES;
    }

    /** Whether the row is one of the server's own threads (replication, event scheduler, daemons). */
    static boolean isServerThread(ProcessRow r) {
        String user = lower(r.user());
        String command = lower(r.command());
        return SERVER_USERS.contains(user) || SERVER_COMMANDS.contains(command) || command.startsWith("slave_");
    }

    /**
     * Statements running at least {@code thresholdMillis} that count under {@code filter}, oldest first: what a new
     * FTWRL would queue behind.
     */
    static List<ProcessRow> running(List<ProcessRow> rows, long thresholdMillis, LongQueryFilter filter,
                                    Set<Long> ours) {
        List<ProcessRow> out = new ArrayList<>();
        for (ProcessRow r : rows) {
            if (r.millis() >= thresholdMillis && isStatement(r, ours) && !waitsOnGlobalLock(r) && counts(r, filter)) {
                out.add(r);
            }
        }
        out.sort((a, b) -> Long.compare(b.millis(), a.millis()));
        return out;
    }

    /** Whether the row is another session's statement: not ours, not idle, not the server's own thread. */
    static boolean isStatement(ProcessRow r, Set<Long> ours) {
        return !ours.contains(r.id()) && !r.isSleeping() && r.info() != null && !r.info().isBlank()
                && !isServerThread(r);
    }

    /**
     * Whether the thread itself is queued on a global read lock (a write behind someone's FTWRL): it holds up nobody,
     * it is a victim. Counting it would make two guarded backups refuse because of each other's waiters.
     */
    static boolean waitsOnGlobalLock(ProcessRow r) {
        return LOCK_WAIT_STATES.contains(lower(r.state())) && !isGlobalReadLock(r);
    }

    static boolean isGlobalReadLock(ProcessRow r) {
        Statement st = classify(r.info());
        return st.kind() == Kind.FLUSH_TABLES_WITH_READ_LOCK && st.tables().isEmpty();
    }

    /** Whether the row runs FTWRL or a FLUSH TABLES of all tables: the statements the lock guard sends and cancels. */
    static boolean isGuardedFlush(ProcessRow r) {
        Statement st = classify(r.info());
        return (st.kind() == Kind.FLUSH_TABLES_WITH_READ_LOCK || st.kind() == Kind.FLUSH_TABLES) && st.tables().isEmpty();
    }

    /** Whether the statement counts under the filter. Reads are SELECT and SHOW; everything else may write. */
    static boolean counts(ProcessRow r, LongQueryFilter filter) {
        if (filter == LongQueryFilter.ALL || filter == LongQueryFilter.AUTO) {
            return true;
        }
        boolean read = isRead(classify(r.info()).kind());
        return filter == LongQueryFilter.SELECTS ? read : !read;
    }

    static boolean isRead(Kind kind) {
        return switch (kind) {
            case SELECT, SHOW_BINLOG_STATUS, SHOW_REPLICA_STATUS, SHOW_STATUS, SHOW_CREATE_TABLE, SHOW_CREATE_DATABASE,
                 SHOW_TABLES, SHOW_TABLE_STATUS, SHOW_COLUMNS, SHOW_OTHER, EMPTY, USE -> true;
            default -> false;
        };
    }

    /** Sessions waiting on a global read lock (state in {@link #LOCK_WAIT_STATES}), not ours. */
    static List<ProcessRow> lockWaiters(List<ProcessRow> rows, Set<Long> ours) {
        List<ProcessRow> out = new ArrayList<>();
        for (ProcessRow r : rows) {
            if (!ours.contains(r.id()) && LOCK_WAIT_STATES.contains(lower(r.state()))) {
                out.add(r);
            }
        }
        return out;
    }

    static List<ProcessRow> metadataLockWaiters(List<ProcessRow> rows, Set<Long> ours) {
        List<ProcessRow> out = new ArrayList<>();
        for (ProcessRow r : rows) {
            if (!ours.contains(r.id()) && METADATA_LOCK_WAIT.equals(lower(r.state()))) {
                out.add(r);
            }
        }
        return out;
    }

    /** The row of thread {@code id}, or null. */
    static ProcessRow thread(List<ProcessRow> rows, long id) {
        for (ProcessRow r : rows) {
            if (r.id() == id) {
                return r;
            }
        }
        return null;
    }

    private static Statement classify(String sql) {
        return Classifier.classify(sql == null ? "" : sql);
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
