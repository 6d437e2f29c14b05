package dev.backupguard.lock;

import dev.backupguard.config.Settings;
import dev.backupguard.jdbc.ConnectionSource;
import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.ServerFacts;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.telemetry.Telemetry;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Everything the lock guard needs to take the global read lock for one backup connection.
 *
 * @param backup       the backup connection itself (raw, unwrapped): the FTWRL runs on it
 * @param connectionId its server thread id, excluded from the long-query check and the target of KILL QUERY
 * @param side         opens the side connection for probing and killing
 * @param facts        the server's facts (MySQL's FTWRL also waits for SELECTs, MariaDB's does not)
 * @param settings     the connection's settings: the lock bounds ({@link Settings#lock()}), the mode of each lock
 *                     rule and whether SQL is redacted
 * @param position     the number of the statement in the session, for refusal messages (0 when unknown)
 * @param telemetry    where lock-guard events go
 * @param origin       stamps events with the connection and backup session
 * @param abort        aborts the backup connection (closes it): called with the error the job gets from then on, when
 *                     the hold limit is exceeded in enforce mode
 * @param session      the lock guard's state for this connection: the same instance for every request of the
 *                     connection (what is held, since when, the side connection kept open meanwhile)
 * @param statement    the statement guarded: {@code FLUSH TABLES WITH READ LOCK}, or the {@code FLUSH TABLES} sent
 *                     right before it; null for release notices
 */
public record LockRequest(Connection backup, long connectionId, ConnectionSource side, ServerFacts facts,
                          Settings settings, long position, Telemetry telemetry, Supplier<GuardEvent.Origin> origin,
                          Consumer<SQLException> abort, LockSession session, String statement) {

    /** The statement, for messages: the job's text, or {@code FLUSH TABLES WITH READ LOCK}. */
    public String what() {
        return statement == null || statement.isBlank() ? "FLUSH TABLES WITH READ LOCK" : statement.strip();
    }

    /** The bounds. */
    public Settings.LockSettings lock() {
        return settings.lock();
    }

    /** The mode the connection applies to {@code rule} (the global mode unless overridden per rule). */
    public Mode modeOf(Rule rule) {
        return settings.protocol().modeOf(rule);
    }

    public boolean redact() {
        return settings.telemetry().redact();
    }
}
