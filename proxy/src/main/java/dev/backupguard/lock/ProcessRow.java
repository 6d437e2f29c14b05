package dev.backupguard.lock;

import dev.backupguard.classify.Redactor;
import dev.backupguard.telemetry.GuardEvent;

import java.util.Locale;

/**
 * One row of {@code information_schema.PROCESSLIST}.
 *
 * @param id      the thread (connection) id
 * @param command {@code Query}, {@code Sleep}, {@code Binlog Dump}, {@code Daemon}, ...
 * @param millis  how long the current statement (or state) has run: MariaDB's {@code TIME_MS}, MySQL's {@code TIME}
 *                in milliseconds
 * @param state   what the thread waits for, e.g. {@code Waiting for backup lock}; may be empty
 * @param info    the statement, or null when the thread runs none
 * @param queryId MariaDB's {@code QUERY_ID} (for {@code KILL QUERY ID}, which cannot hit a later statement), or 0
 */
record ProcessRow(long id, String user, String host, String db, String command, long millis, String state,
                  String info, long queryId) {

    /** Statements are shown up to this many characters (the "first 100 characters"). */
    static final int SHOWN = 100;

    /** The statement as shown to people: literals redacted when {@code redact}, at most {@link #SHOWN} characters. */
    String shownInfo(boolean redact) {
        if (info == null) {
            return "";
        }
        String s = (redact ? Redactor.redact(info) : info).strip().replaceAll("\\s+", " ");
        return s.length() <= SHOWN ? s : s.substring(0, SHOWN) + "...";
    }

    /** {@code id 42 (app, 7.2 s, Query, User sleep): UPDATE t SET c = c + SLEEP(?) WHERE id = ?}. */
    String describe(boolean redact) {
        return "id " + id + " (" + user + ", " + String.format(Locale.ROOT, "%.1f s", millis / 1000.0)
                + (state == null || state.isEmpty() ? "" : ", " + state) + "): " + shownInfo(redact);
    }

    GuardEvent.RunningQuery toEvent(boolean redact) {
        return new GuardEvent.RunningQuery(id, user, host, db, command, millis / 1000, state, shownInfo(redact));
    }

    boolean isSleeping() {
        return "Sleep".equalsIgnoreCase(command);
    }
}
