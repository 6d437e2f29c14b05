package dev.backupguard.telemetry.jmx;

import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Mode;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.telemetry.GuardEvent.LockKind;
import dev.backupguard.telemetry.Slf4jSink;
import dev.backupguard.telemetry.TelemetrySink;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The MXBean and the sink that feeds it: counters updated as events arrive (lock events, rule findings, lock-guard
 * events live; session totals at each session's end). Thread-safe; updating costs a few atomic adds.
 */
public final class BackupGuardStats implements BackupGuardMXBean, TelemetrySink {

    public static final String OBJECT_NAME = "dev.backupguard:type=BackupGuard";

    private static final Set<Class<? extends GuardEvent>> COUNTED = Set.of(GuardEvent.LockAcquired.class,
            GuardEvent.LockReleased.class, GuardEvent.RuleApplied.class, GuardEvent.SessionSummary.class,
            GuardEvent.LockWaitCancelled.class, GuardEvent.QueryKilled.class, GuardEvent.LockHoldExceeded.class,
            GuardEvent.Collateral.class, GuardEvent.ConnectionLost.class);

    private final ModeSwitch mode;
    private final LongSupplier traceDrops;
    private final boolean redact;

    private final LongAdder sessions = new LongAdder();
    private final LongAdder consistent = new LongAdder();
    private final LongAdder inconsistent = new LongAdder();
    private final LongAdder corrections = new LongAdder();
    private final LongAdder refusals = new LongAdder();
    private final LongAdder violations = new LongAdder();
    private final LongAdder globalLocks = new LongAdder();
    private final LongAdder globalWaitTotal = new LongAdder();
    private final AtomicLong globalWaitMax = new AtomicLong();
    private final LongAdder globalHoldTotal = new LongAdder();
    private final AtomicLong globalHoldMax = new AtomicLong();
    private final AtomicLong tableLockHoldMax = new AtomicLong();
    private final AtomicLong backupLockHoldMax = new AtomicLong();
    private final AtomicLong metadataLockHoldMax = new AtomicLong();
    private final AtomicLong snapshotAgeMax = new AtomicLong();
    private final LongAdder tablesRead = new LongAdder();
    private final LongAdder rowsRead = new LongAdder();
    private final LongAdder lockWaitsCancelled = new LongAdder();
    private final LongAdder queriesKilled = new LongAdder();
    private final LongAdder lockHoldExceeded = new LongAdder();
    private final LongAdder connectionsLost = new LongAdder();
    private final AtomicLong collateralWaitingMax = new AtomicLong();
    private final AtomicLong collateralWaitMax = new AtomicLong();
    private volatile GuardEvent.SessionSummary last;

    /**
     * @param mode       the process-wide mode override
     * @param traceDrops events dropped by the trace writers so far
     * @param redact     for the last summary's line
     */
    public BackupGuardStats(ModeSwitch mode, LongSupplier traceDrops, boolean redact) {
        this.mode = mode;
        this.traceDrops = traceDrops;
        this.redact = redact;
    }

    /**
     * Registers this MXBean in the platform MBean server. Returns false when the name is taken (another copy of
     * backup-guard in another class loader registered first): that copy's counters stay visible, this one's are not.
     */
    public boolean register() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.registerMBean(this, new ObjectName(OBJECT_NAME));
            return true;
        } catch (InstanceAlreadyExistsException e) {
            return false;
        }
    }

    public void unregister() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(new ObjectName(OBJECT_NAME));
        } catch (JMException | RuntimeException ignored) {
            // not registered (or someone else's): nothing to do
        }
    }

    @Override
    public boolean wants(Class<? extends GuardEvent> type) {
        return COUNTED.contains(type);
    }

    @Override
    public void accept(GuardEvent event) {
        if (event instanceof GuardEvent.LockAcquired a) {
            if (a.kind() == LockKind.GLOBAL_READ_LOCK) {
                globalLocks.increment();
                globalWaitTotal.add(a.waitMicros());
                max(globalWaitMax, a.waitMicros());
            }
        } else if (event instanceof GuardEvent.LockReleased r) {
            switch (r.kind()) {
                case GLOBAL_READ_LOCK -> globalLockHeld(r.holdMicros());
                case LOCK_TABLES -> max(tableLockHoldMax, r.holdMicros());
                default -> max(backupLockHoldMax, r.holdMicros());
            }
        } else if (event instanceof GuardEvent.RuleApplied f) {
            Finding.Outcome o = f.finding().outcome();
            if (o == Finding.Outcome.CORRECTED) {
                corrections.increment();
            } else if (o == Finding.Outcome.REFUSED) {
                refusals.increment();
            } else if (o == Finding.Outcome.VIOLATION) {
                violations.increment();
            }
        } else if (event instanceof GuardEvent.SessionSummary s) {
            sessions.increment();
            (s.consistent() ? consistent : inconsistent).increment();
            tablesRead.add(s.tablesRead());
            rowsRead.add(s.rowsRead());
            max(snapshotAgeMax, s.snapshotAgeMicros());
            max(metadataLockHoldMax, s.metadataLockHoldMaxMicros());
            last = s;
        } else if (event instanceof GuardEvent.LockWaitCancelled) {
            lockWaitsCancelled.increment();
        } else if (event instanceof GuardEvent.QueryKilled) {
            queriesKilled.increment();
        } else if (event instanceof GuardEvent.LockHoldExceeded) {
            lockHoldExceeded.increment();
        } else if (event instanceof GuardEvent.Collateral c) {
            max(collateralWaitingMax, c.waitingSessions());
            max(collateralWaitMax, c.longestWaitMicros());
        } else if (event instanceof GuardEvent.ConnectionLost l) {
            connectionsLost.increment();
            if (l.locks().contains(LockKind.GLOBAL_READ_LOCK)) {
                globalLockHeld(l.globalLockHoldMicros()); // the server released it: no LockReleased comes
            }
        }
    }

    private void globalLockHeld(long micros) {
        globalHoldTotal.add(micros);
        max(globalHoldMax, micros);
    }

    private static void max(AtomicLong m, long v) {
        long cur;
        while (v > (cur = m.get()) && !m.compareAndSet(cur, v)) {
            // another thread raised it meanwhile: compare again
        }
    }

    @Override
    public long getSessions() {
        return sessions.sum();
    }

    @Override
    public long getConsistentSessions() {
        return consistent.sum();
    }

    @Override
    public long getInconsistentSessions() {
        return inconsistent.sum();
    }

    @Override
    public long getCorrections() {
        return corrections.sum();
    }

    @Override
    public long getRefusals() {
        return refusals.sum();
    }

    @Override
    public long getViolations() {
        return violations.sum();
    }

    @Override
    public long getGlobalLockAcquisitions() {
        return globalLocks.sum();
    }

    @Override
    public long getGlobalLockWaitTotalMicros() {
        return globalWaitTotal.sum();
    }

    @Override
    public long getGlobalLockWaitMaxMicros() {
        return globalWaitMax.get();
    }

    @Override
    public long getGlobalLockHoldTotalMicros() {
        return globalHoldTotal.sum();
    }

    @Override
    public long getGlobalLockHoldMaxMicros() {
        return globalHoldMax.get();
    }

    @Override
    public long getTableLockHoldMaxMicros() {
        return tableLockHoldMax.get();
    }

    @Override
    public long getBackupLockHoldMaxMicros() {
        return backupLockHoldMax.get();
    }

    @Override
    public long getMetadataLockHoldMaxMicros() {
        return metadataLockHoldMax.get();
    }

    @Override
    public long getSnapshotAgeMaxMicros() {
        return snapshotAgeMax.get();
    }

    @Override
    public long getTablesRead() {
        return tablesRead.sum();
    }

    @Override
    public long getRowsRead() {
        return rowsRead.sum();
    }

    @Override
    public long getLockWaitsCancelled() {
        return lockWaitsCancelled.sum();
    }

    @Override
    public long getQueriesKilled() {
        return queriesKilled.sum();
    }

    @Override
    public long getLockHoldExceeded() {
        return lockHoldExceeded.sum();
    }

    @Override
    public long getConnectionsLost() {
        return connectionsLost.sum();
    }

    @Override
    public long getCollateralWaitingMax() {
        return collateralWaitingMax.get();
    }

    @Override
    public long getCollateralLongestWaitMaxMicros() {
        return collateralWaitMax.get();
    }

    @Override
    public long getTraceEventsDropped() {
        return traceDrops.getAsLong();
    }

    @Override
    public String getMode() {
        Mode m = mode.current();
        return m == null ? "configured" : m.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void setMode(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("configured")) {
            mode.switchTo(null);
            return;
        }
        Mode m;
        try {
            m = Mode.parse(v);
        } catch (IllegalArgumentException e) {
            m = null;
        }
        if (m == null || m == Mode.OFF) {
            throw new IllegalArgumentException("mode must be enforce, block, audit or configured, not '" + value + "'");
        }
        mode.switchTo(m);
    }

    @Override
    public String switchMode(String value) {
        String before = getMode();
        setMode(value);
        return before;
    }

    @Override
    public SessionSummaryInfo getLastSessionSummary() {
        GuardEvent.SessionSummary s = last;
        return s == null ? null : SessionSummaryInfo.of(s);
    }

    @Override
    public String getLastSessionSummaryLine() {
        GuardEvent.SessionSummary s = last;
        return s == null ? null : Slf4jSink.line(s, redact);
    }

    @Override
    public String toString() {
        return "BackupGuardStats[" + OBJECT_NAME + "]";
    }
}
