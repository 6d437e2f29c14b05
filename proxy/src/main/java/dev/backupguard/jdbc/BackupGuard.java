package dev.backupguard.jdbc;

import dev.backupguard.config.ConnectionIdentity;
import dev.backupguard.config.Connector;
import dev.backupguard.config.Settings;
import dev.backupguard.config.SettingsSources;
import dev.backupguard.lock.GlobalReadLock;
import dev.backupguard.lock.GlobalReadLockGuard;
import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.ProtocolSettings;
import dev.backupguard.protocol.Rule;
import dev.backupguard.telemetry.Telemetry;
import dev.backupguard.telemetry.TelemetrySetup;
import dev.backupguard.telemetry.jmx.ModeSwitch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The one entry point that puts a connection under backup-guard; the URL driver, the DataSource wrapper and the
 * agent all come through here. A connection already guarded (directly or beneath a pool's proxy) is returned as it
 * is, so nothing is guarded twice.
 */
public final class BackupGuard {

    /**
     * The comment that starts every query of backup-guard's server-facts probe, so a DBA reading the general log (and
     * the harness auditing it) knows them: they read system variables and information_schema and change nothing.
     */
    public static final String PROBE_MARK = "/* backup-guard probe */";

    /** The comment that starts the lock guard's own statements on the backup connection (its lock_wait_timeout). */
    public static final String LOCK_GUARD_MARK = "/* backup-guard lock guard */";

    private static final Logger LOG = LoggerFactory.getLogger(BackupGuard.class);
    private static final Telemetry TELEMETRY = new Telemetry();
    private static volatile GlobalReadLockGuard lockGuard = new GlobalReadLock();
    private static volatile Mode modeOverride;
    private static final ModeSwitch MODE_SWITCH = new ModeSwitch() {
        @Override
        public Mode current() {
            return modeOverride;
        }

        @Override
        public void switchTo(Mode mode) {
            modeOverride(mode);
        }
    };
    private static final TelemetrySetup SETUP = new TelemetrySetup(TELEMETRY, SettingsSources::process, MODE_SWITCH);

    private BackupGuard() {
    }

    /**
     * The process-wide telemetry hub: sinks are added here. The sinks the process-wide settings name (SLF4J, JFR,
     * the MXBean, the trace and coordinates files) are installed on first use.
     */
    public static Telemetry telemetry() {
        SETUP.ensureInstalled();
        return TELEMETRY;
    }

    /** The installation of the process-wide sinks (flush the files, read the MXBean's counters). */
    public static TelemetrySetup telemetrySetup() {
        SETUP.ensureInstalled();
        return SETUP;
    }

    /**
     * Switches the mode of every connection guarded from now on (the MXBean's {@code setMode}); {@code null} goes
     * back to each connection's settings. The switch also overrides per-rule modes, except rules turned off:
     * an operator switching to audit means everything. Connections already guarded keep their mode.
     */
    public static void modeOverride(Mode mode) {
        if (mode == Mode.OFF) {
            throw new IllegalArgumentException("mode must be enforce, block or audit; use backupguard.enabled=false");
        }
        Mode before = modeOverride;
        modeOverride = mode;
        if (before != mode) {
            LOG.warn("backup-guard mode for connections guarded from now on: {} (was {})",
                    mode == null ? "as configured" : mode.name().toLowerCase(Locale.ROOT),
                    before == null ? "as configured" : before.name().toLowerCase(Locale.ROOT));
        }
    }

    /** The run-time mode override, or null when connections use their settings. */
    public static Mode modeOverride() {
        return modeOverride;
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
     * ones; the user name (for {@code backupguard.backup-users}) and allowMultiQueries are read from {@code props}
     * with the rules of the driver that made {@code raw} ({@link ConnectionIdentity}).
     *
     * @param side opens side connections with the same credentials (lock guard); {@link ConnectionSource#NONE} if none
     */
    public static Connection wrap(Connection raw, Properties props, ConnectionSource side) throws SQLException {
        if (raw == null) {
            return null;
        }
        ConnectionIdentity id = ConnectionIdentity.of(Connector.ofDriver(raw.getClass().getName()), null, props);
        return wrap(raw, SettingsSources.forConnection(id.settings()), side, id.user(), id.multiStatements());
    }

    public static Connection wrap(Connection raw, Settings settings, ConnectionSource side, String user,
                                  boolean allowMultiQueries) throws SQLException {
        if (raw == null || !settings.enabled() || isGuarded(raw)) {
            return raw;
        }
        boolean multi = settings.multiStatements() != null ? settings.multiStatements() : allowMultiQueries;
        Mode override = modeOverride;
        Settings effective = override == null ? settings : settings.withProtocol(withMode(settings.protocol(), override));
        Telemetry telemetry = SETUP.forConnection(effective.telemetry());
        try {
            return new GuardedConnection(raw, effective, side == null ? ConnectionSource.NONE : side, telemetry,
                    lockGuard, multi, user);
        } catch (SQLException | RuntimeException e) {
            telemetry.release();
            throw e;
        }
    }

    private static ProtocolSettings withMode(ProtocolSettings p, Mode mode) {
        Map<Rule, Mode> off = new EnumMap<>(Rule.class);
        p.ruleModes().forEach((rule, m) -> {
            if (m == Mode.OFF) {
                off.put(rule, m);
            }
        });
        return new ProtocolSettings(mode, p.role(), p.way(), off, p.ddlLock(), p.savepoint());
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

    static Logger log() {
        return LOG;
    }
}
