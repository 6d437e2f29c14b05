package dev.backupguard.telemetry;

import dev.backupguard.classify.Redactor;
import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.Finding;
import dev.backupguard.telemetry.GuardEvent.RunningQuery;

import java.util.List;
import java.util.Locale;

/**
 * The fields of each event type, named once for every text sink: the JSON trace and the SLF4J key=value lines use
 * the same keys (documented in docs/readme/telemetry.md). Durations end in {@code _us} (microseconds).
 *
 * <p>Text from other sessions (the SQL of a long query seen in the processlist) is redacted here when redaction is
 * on; the backup session's own SQL arrives already redacted by {@link SessionRecorder}. Redaction is idempotent, so
 * redacting twice is harmless.
 */
final class EventFields {

    /** Receives fields in order. */
    interface Out {
        void text(String key, String value);

        void number(String key, long value);

        void flag(String key, boolean value);

        void texts(String key, List<String> values);

        void queries(String key, List<RunningQuery> queries, boolean redact);

        /** A field with no value in this event (JSON null; omitted from key=value lines). */
        void absent(String key);
    }

    private EventFields() {
    }

    static void write(GuardEvent e, Out out, boolean redact) {
        if (e instanceof GuardEvent.LockRequested x) {
            out.text("lock", lower(x.kind()));
            out.text("statement", x.statement());
        } else if (e instanceof GuardEvent.LockAcquired x) {
            out.text("lock", lower(x.kind()));
            out.number("wait_us", x.waitMicros());
            out.number("attempts", x.attempts());
        } else if (e instanceof GuardEvent.LockReleased x) {
            out.text("lock", lower(x.kind()));
            out.number("hold_us", x.holdMicros());
        } else if (e instanceof GuardEvent.Collateral x) {
            out.text("lock", lower(x.kind()));
            out.number("waiting_sessions", x.waitingSessions());
            out.number("longest_wait_us", x.longestWaitMicros());
            out.number("metadata_lock_waiters", x.metadataLockWaiters());
        } else if (e instanceof GuardEvent.SnapshotStarted x) {
            out.text("isolation", x.isolation());
            out.text("way", lower(x.way()));
            coordinates(x.coordinates(), out);
            out.number("server_id", x.serverId());
        } else if (e instanceof GuardEvent.SnapshotEnded x) {
            out.number("age_us", x.ageMicros());
            out.text("how", x.how());
        } else if (e instanceof GuardEvent.TableReadStarted x) {
            out.text("table", x.table());
        } else if (e instanceof GuardEvent.TableReadFinished x) {
            out.text("table", x.table());
            out.number("rows", x.rows());
            out.number("duration_us", x.micros());
        } else if (e instanceof GuardEvent.MetadataLocksReleased x) {
            out.texts("tables", x.tables());
            out.number("hold_us", x.holdMicros());
        } else if (e instanceof GuardEvent.StatementStep x) {
            out.text("action", lower(x.action()));
            out.text("rule", x.rule());
            out.number("duration_us", x.micros());
            out.text("statement", x.statement());
        } else if (e instanceof GuardEvent.RuleApplied x) {
            Finding f = x.finding();
            out.text("rule", f.rule().id());
            out.text("invariant", f.rule().invariant());
            out.text("severity", lower(f.rule().severity()));
            out.text("outcome", lower(f.outcome()));
            out.number("position", f.position());
            out.text("detail", f.detail());
            out.text("statement", f.statement());
        } else if (e instanceof GuardEvent.PreflightChecked x) {
            out.text("outcome", x.outcome());
            out.number("waited_us", x.waitedMicros());
            out.queries("long_queries", x.longQueries(), redact);
        } else if (e instanceof GuardEvent.LockWaitCancelled x) {
            out.number("attempt", x.attempt());
            out.number("waited_us", x.waitedMicros());
            out.text("state", x.state());
        } else if (e instanceof GuardEvent.QueryKilled x) {
            out.queries("query", x.query() == null ? List.of() : List.of(x.query()), redact);
        } else if (e instanceof GuardEvent.LockHoldExceeded x) {
            out.text("lock", lower(x.kind()));
            out.number("held_us", x.heldMicros());
            out.number("limit_us", x.limitMicros());
            out.text("action", x.action());
        } else if (e instanceof GuardEvent.ConnectionLost x) {
            out.text("noticed_by", lower(x.noticedBy()));
            out.text("statement", x.statement());
            out.text("sql_state", x.sqlState());
            out.number("error_code", x.errorCode());
            out.text("error", x.error());
            out.texts("locks", x.locks().stream().map(EventFields::lower).toList());
            out.number("global_lock_hold_us", x.globalLockHoldMicros());
            out.flag("snapshot_open", x.snapshotOpen());
        } else if (e instanceof GuardEvent.SessionSummary x) {
            out.flag("consistent", x.consistent());
            out.texts("reasons", x.reasons());
            coordinates(x.coordinates(), out);
            out.number("tables_read", x.tablesRead());
            out.number("rows_read", x.rowsRead());
            out.number("global_lock_wait_us", x.globalLockWaitMicros());
            out.number("global_lock_hold_us", x.globalLockHoldMicros());
            out.number("snapshot_age_us", x.snapshotAgeMicros());
            out.number("metadata_lock_hold_max_us", x.metadataLockHoldMaxMicros());
            out.number("corrections", x.corrections());
            out.number("refusals", x.refusals());
            out.number("violations", x.violations());
            out.number("lock_waits_cancelled", x.lockWaitsCancelled());
            out.number("queries_killed", x.queriesKilled());
            out.number("lock_hold_exceeded", x.lockHoldExceeded());
            out.number("collateral_waiting_max", x.collateralWaitingMax());
            out.number("collateral_longest_wait_us", x.collateralLongestWaitMicros());
        }
    }

    private static void coordinates(BinlogCoordinates c, Out out) {
        if (c == null) {
            out.absent("binlog_file");
            out.absent("binlog_position");
            out.absent("gtid_position");
            out.absent("obtained_by");
        } else {
            out.text("binlog_file", c.file());
            out.number("binlog_position", c.position());
            out.text("gtid_position", c.gtid());
            out.text("obtained_by", lower(c.source()));
        }
    }

    /** A query another session runs; its SQL is redacted when {@code redact}. */
    static String info(RunningQuery q, boolean redact) {
        return redact ? Redactor.redact(q.info()) : q.info();
    }

    static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT);
    }
}
