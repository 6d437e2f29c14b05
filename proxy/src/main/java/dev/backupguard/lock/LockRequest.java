package dev.backupguard.lock;

import dev.backupguard.config.Settings;
import dev.backupguard.jdbc.ConnectionSource;
import dev.backupguard.protocol.ServerFacts;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.telemetry.Telemetry;

import java.sql.Connection;
import java.util.function.Supplier;

/**
 * Everything the lock guard needs to take the global read lock for one backup connection.
 *
 * @param backup       the backup connection itself (raw, unwrapped): the FTWRL runs on it
 * @param connectionId its server thread id, excluded from the long-query check and the target of KILL QUERY
 * @param side         opens the side connection for probing and killing
 * @param facts        the server's facts (MySQL's FTWRL also waits for SELECTs, MariaDB's does not)
 * @param settings     the bounds
 * @param telemetry    where lock-guard events go
 * @param origin       stamps events with the connection and backup session
 * @param abort        aborts the backup session when the hold limit is exceeded in enforce mode (closes the connection)
 */
public record LockRequest(Connection backup, long connectionId, ConnectionSource side, ServerFacts facts,
                          Settings.LockSettings settings, Telemetry telemetry, Supplier<GuardEvent.Origin> origin,
                          Runnable abort) {
}
