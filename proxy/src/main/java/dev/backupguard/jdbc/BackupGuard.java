package dev.backupguard.jdbc;

import dev.backupguard.config.Settings;
import dev.backupguard.config.SettingsSources;
import dev.backupguard.lock.GlobalReadLock;
import dev.backupguard.lock.GlobalReadLockGuard;
import dev.backupguard.telemetry.Telemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;

/**
 * The one entry point that puts a connection under backup-guard; the URL driver, the DataSource wrapper and the
 * agent all come through here. A connection already guarded (directly or beneath a pool's proxy) is returned as it
 * is, so nothing is guarded twice.
 */
public final class BackupGuard {

    private static final Logger LOG = LoggerFactory.getLogger(BackupGuard.class);
    private static final Telemetry TELEMETRY = new Telemetry();
    private static volatile GlobalReadLockGuard lockGuard = new GlobalReadLock();

    private BackupGuard() {
    }

    /** The process-wide telemetry hub: sinks are added here. */
    public static Telemetry telemetry() {
        return TELEMETRY;
    }

    /** The lock guard every connection wrapped from now on uses for FLUSH TABLES WITH READ LOCK ({@link GlobalReadLock}). */
    public static GlobalReadLockGuard lockGuard() {
        return lockGuard;
    }

    public static void lockGuard(GlobalReadLockGuard guard) {
        lockGuard = guard;
    }

    /**
     * Guards {@code raw}. Settings come from {@code backupguard.*} entries of {@code props} over the process-wide
     * ones; the user name (for {@code backupguard.backup-users}) and allowMultiQueries are read from {@code props}.
     *
     * @param side opens side connections with the same credentials (lock guard); {@link ConnectionSource#NONE} if none
     */
    public static Connection wrap(Connection raw, Properties props, ConnectionSource side) throws SQLException {
        return wrap(raw, SettingsSources.resolve(props), side, props == null ? null : props.getProperty("user"),
                props != null && isTrue(props.getProperty("allowMultiQueries")));
    }

    public static Connection wrap(Connection raw, Settings settings, ConnectionSource side, String user,
                                  boolean allowMultiQueries) throws SQLException {
        if (raw == null || !settings.enabled() || isGuarded(raw)) {
            return raw;
        }
        boolean multi = settings.multiStatements() != null ? settings.multiStatements() : allowMultiQueries;
        return new GuardedConnection(raw, settings, side == null ? ConnectionSource.NONE : side, TELEMETRY,
                lockGuard, multi, user);
    }

    /** Whether the connection is already guarded, directly or under a pool's proxy. */
    public static boolean isGuarded(Connection c) {
        if (c instanceof GuardedConnection) {
            return true;
        }
        try {
            return c.isWrapperFor(GuardedConnection.class);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    static boolean isTrue(String v) {
        return v != null && v.trim().toLowerCase(Locale.ROOT).equals("true");
    }

    static Logger log() {
        return LOG;
    }
}
