package dev.backupguard.telemetry.jmx;

import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Rule;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.telemetry.GuardEvent.LockKind;
import org.junit.jupiter.api.Test;

import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupGuardStatsTest {

    private static final GuardEvent.Origin ORIGIN = new GuardEvent.Origin(42, 7, 1, 1_763_776_000_123_456L);

    private final AtomicReference<Mode> mode = new AtomicReference<>();
    private final ModeSwitch modeSwitch = new ModeSwitch() {
        @Override
        public Mode current() {
            return mode.get();
        }

        @Override
        public void switchTo(Mode m) {
            mode.set(m);
        }
    };

    @Test
    void countersTotalsAndMaxima() {
        BackupGuardStats stats = new BackupGuardStats(modeSwitch, () -> 5, true);
        stats.accept(new GuardEvent.LockAcquired(ORIGIN, LockKind.GLOBAL_READ_LOCK, 100, 1));
        stats.accept(new GuardEvent.LockAcquired(ORIGIN, LockKind.GLOBAL_READ_LOCK, 300, 1));
        stats.accept(new GuardEvent.LockAcquired(ORIGIN, LockKind.LOCK_TABLES, 9999, 1));
        stats.accept(new GuardEvent.LockReleased(ORIGIN, LockKind.GLOBAL_READ_LOCK, 50));
        stats.accept(new GuardEvent.LockReleased(ORIGIN, LockKind.GLOBAL_READ_LOCK, 20));
        stats.accept(new GuardEvent.LockReleased(ORIGIN, LockKind.LOCK_TABLES, 700));
        stats.accept(new GuardEvent.LockReleased(ORIGIN, LockKind.BACKUP_STAGE, 800));
        stats.accept(rule(Finding.Outcome.CORRECTED));
        stats.accept(rule(Finding.Outcome.CORRECTED));
        stats.accept(rule(Finding.Outcome.REFUSED));
        stats.accept(rule(Finding.Outcome.VIOLATION));
        stats.accept(rule(Finding.Outcome.WOULD_CORRECT));
        stats.accept(new GuardEvent.LockWaitCancelled(ORIGIN, 1, 1000, "Waiting for backup lock"));
        stats.accept(new GuardEvent.Collateral(ORIGIN, LockKind.GLOBAL_READ_LOCK, 4, 900, 0));
        stats.accept(new GuardEvent.Collateral(ORIGIN, LockKind.GLOBAL_READ_LOCK, 2, 1900, 0));
        stats.accept(summary(true, 3, 40));
        stats.accept(summary(false, 2, 60));

        assertThat(stats.getGlobalLockAcquisitions()).isEqualTo(2);
        assertThat(stats.getGlobalLockWaitTotalMicros()).isEqualTo(400);
        assertThat(stats.getGlobalLockWaitMaxMicros()).isEqualTo(300);
        assertThat(stats.getGlobalLockHoldTotalMicros()).isEqualTo(70);
        assertThat(stats.getGlobalLockHoldMaxMicros()).isEqualTo(50);
        assertThat(stats.getTableLockHoldMaxMicros()).isEqualTo(700);
        assertThat(stats.getBackupLockHoldMaxMicros()).isEqualTo(800);
        assertThat(stats.getCorrections()).isEqualTo(2);
        assertThat(stats.getRefusals()).isEqualTo(1);
        assertThat(stats.getViolations()).isEqualTo(1);
        assertThat(stats.getLockWaitsCancelled()).isEqualTo(1);
        assertThat(stats.getCollateralWaitingMax()).isEqualTo(4);
        assertThat(stats.getCollateralLongestWaitMaxMicros()).isEqualTo(1900);
        assertThat(stats.getSessions()).isEqualTo(2);
        assertThat(stats.getConsistentSessions()).isEqualTo(1);
        assertThat(stats.getInconsistentSessions()).isEqualTo(1);
        assertThat(stats.getTablesRead()).isEqualTo(5);
        assertThat(stats.getSnapshotAgeMaxMicros()).isEqualTo(60);
        assertThat(stats.getTraceEventsDropped()).isEqualTo(5);
        assertThat(stats.getLastSessionSummary().isConsistent()).isFalse();
        assertThat(stats.getLastSessionSummary().getReasons()).containsExactly("snapshot-end: ended");
        assertThat(stats.getLastSessionSummaryLine()).startsWith("event=session_summary conn=42 session=7 consistent=false");
        assertThat(stats.wants(GuardEvent.StatementStep.class)).isFalse();
        assertThat(stats.wants(GuardEvent.LockReleased.class)).isTrue();
    }

    @Test
    void aLostConnectionIsCountedAndTheLockItHeldCountsAsHeldUntilThen() {
        BackupGuardStats stats = new BackupGuardStats(modeSwitch, () -> 0, true);
        stats.accept(new GuardEvent.LockReleased(ORIGIN, LockKind.GLOBAL_READ_LOCK, 50));
        stats.accept(lost(List.of(LockKind.GLOBAL_READ_LOCK), 900));
        stats.accept(lost(List.of(), 0));

        assertThat(stats.wants(GuardEvent.ConnectionLost.class)).isTrue();
        assertThat(stats.getConnectionsLost()).isEqualTo(2);
        // The server released that lock: no LockReleased comes, so the hold is taken from the ConnectionLost.
        assertThat(stats.getGlobalLockHoldTotalMicros()).isEqualTo(950);
        assertThat(stats.getGlobalLockHoldMaxMicros()).isEqualTo(900);
    }

    @Test
    void setModeSwitchesTheOverrideAndRefusesNonsense() {
        BackupGuardStats stats = new BackupGuardStats(modeSwitch, () -> 0, true);
        assertThat(stats.getMode()).isEqualTo("configured");
        stats.setMode("AUDIT");
        assertThat(mode.get()).isEqualTo(Mode.AUDIT);
        assertThat(stats.switchMode("block")).isEqualTo("audit");
        assertThat(stats.getMode()).isEqualTo("block");
        assertThatThrownBy(() -> stats.setMode("off")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stats.setMode("loud")).isInstanceOf(IllegalArgumentException.class);
        assertThat(mode.get()).isEqualTo(Mode.BLOCK);
        stats.setMode("configured");
        assertThat(mode.get()).isNull();
    }

    @Test
    void readableThroughThePlatformMBeanServer() throws Exception {
        BackupGuardStats stats = new BackupGuardStats(modeSwitch, () -> 0, true);
        ObjectName name = new ObjectName(BackupGuardStats.OBJECT_NAME);
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        if (mbs.isRegistered(name)) {
            mbs.unregisterMBean(name);
        }
        assertThat(stats.register()).isTrue();
        try {
            assertThat(new BackupGuardStats(modeSwitch, () -> 0, true).register()).as("the name is taken").isFalse();
            stats.accept(summary(true, 3, 40));
            assertThat(mbs.getAttribute(name, "Sessions")).isEqualTo(1L);
            CompositeData last = (CompositeData) mbs.getAttribute(name, "LastSessionSummary");
            assertThat(last.get("sessionId")).isEqualTo(7L);
            assertThat(last.get("binlogFile")).isEqualTo("binlog.000001");
            assertThat((String[]) last.get("reasons")).isEmpty();
            mbs.setAttribute(name, new Attribute("Mode", "audit"));
            assertThat(mode.get()).isEqualTo(Mode.AUDIT);
            assertThat(mbs.invoke(name, "switchMode", new Object[]{"enforce"}, new String[]{"java.lang.String"}))
                    .isEqualTo("audit");
            assertThat(mode.get()).isEqualTo(Mode.ENFORCE);
        } finally {
            stats.unregister();
        }
        assertThat(mbs.isRegistered(name)).isFalse();
    }

    private static GuardEvent lost(List<LockKind> locks, long holdMicros) {
        return new GuardEvent.ConnectionLost(ORIGIN, GuardEvent.ConnectionLost.NoticedBy.STATEMENT_FAILED, "SELECT 1",
                "08000", -1, "(conn=?) Socket error", locks, holdMicros, true);
    }

    private static GuardEvent rule(Finding.Outcome outcome) {
        return new GuardEvent.RuleApplied(ORIGIN, new Finding(Rule.SNAPSHOT_END, outcome, 1, "COMMIT", "d"));
    }

    private static GuardEvent summary(boolean consistent, int tables, long age) {
        return new GuardEvent.SessionSummary(ORIGIN, consistent, consistent ? List.of() : List.of("snapshot-end: ended"),
                new BinlogCoordinates("binlog.000001", 4, "", BinlogCoordinates.Source.SNAPSHOT_STATUS), tables, 10,
                0, 0, age, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
