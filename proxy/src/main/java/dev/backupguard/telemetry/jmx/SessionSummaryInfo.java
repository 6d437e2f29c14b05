package dev.backupguard.telemetry.jmx;

import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.telemetry.GuardEvent;

import javax.management.ConstructorParameters;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** A backup session's summary as the MXBean shows it (a CompositeData in JMX clients). */
public final class SessionSummaryInfo {

    private final long sessionId;
    private final long connectionId;
    private final String time;
    private final boolean consistent;
    private final List<String> reasons;
    private final String binlogFile;
    private final long binlogPosition;
    private final String gtidPosition;
    private final String obtainedBy;
    private final int tablesRead;
    private final long rowsRead;
    private final long globalLockWaitMicros;
    private final long globalLockHoldMicros;
    private final long snapshotAgeMicros;
    private final int corrections;
    private final int refusals;
    private final int violations;

    @ConstructorParameters({"sessionId", "connectionId", "time", "consistent", "reasons", "binlogFile",
            "binlogPosition", "gtidPosition", "obtainedBy", "tablesRead", "rowsRead", "globalLockWaitMicros",
            "globalLockHoldMicros", "snapshotAgeMicros", "corrections", "refusals", "violations"})
    public SessionSummaryInfo(long sessionId, long connectionId, String time, boolean consistent, List<String> reasons,
                              String binlogFile, long binlogPosition, String gtidPosition, String obtainedBy,
                              int tablesRead, long rowsRead, long globalLockWaitMicros, long globalLockHoldMicros,
                              long snapshotAgeMicros, int corrections, int refusals, int violations) {
        this.sessionId = sessionId;
        this.connectionId = connectionId;
        this.time = time;
        this.consistent = consistent;
        this.reasons = List.copyOf(reasons);
        this.binlogFile = binlogFile;
        this.binlogPosition = binlogPosition;
        this.gtidPosition = gtidPosition;
        this.obtainedBy = obtainedBy;
        this.tablesRead = tablesRead;
        this.rowsRead = rowsRead;
        this.globalLockWaitMicros = globalLockWaitMicros;
        this.globalLockHoldMicros = globalLockHoldMicros;
        this.snapshotAgeMicros = snapshotAgeMicros;
        this.corrections = corrections;
        this.refusals = refusals;
        this.violations = violations;
    }

    static SessionSummaryInfo of(GuardEvent.SessionSummary s) {
        BinlogCoordinates c = s.coordinates();
        long us = s.origin().epochMicros();
        return new SessionSummaryInfo(s.origin().sessionId(), s.origin().connectionId(),
                Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000L)
                        .truncatedTo(ChronoUnit.MICROS).toString(),
                s.consistent(), s.reasons(), c == null ? null : c.file(), c == null ? -1 : c.position(),
                c == null ? null : c.gtid(), c == null ? null : c.source().name().toLowerCase(Locale.ROOT),
                s.tablesRead(), s.rowsRead(), s.globalLockWaitMicros(), s.globalLockHoldMicros(),
                s.snapshotAgeMicros(), s.corrections(), s.refusals(), s.violations());
    }

    public long getSessionId() {
        return sessionId;
    }

    public long getConnectionId() {
        return connectionId;
    }

    /** ISO-8601 UTC. */
    public String getTime() {
        return time;
    }

    public boolean isConsistent() {
        return consistent;
    }

    public List<String> getReasons() {
        return reasons;
    }

    public String getBinlogFile() {
        return binlogFile;
    }

    /** -1 without coordinates. */
    public long getBinlogPosition() {
        return binlogPosition;
    }

    public String getGtidPosition() {
        return gtidPosition;
    }

    public String getObtainedBy() {
        return obtainedBy;
    }

    public int getTablesRead() {
        return tablesRead;
    }

    public long getRowsRead() {
        return rowsRead;
    }

    public long getGlobalLockWaitMicros() {
        return globalLockWaitMicros;
    }

    public long getGlobalLockHoldMicros() {
        return globalLockHoldMicros;
    }

    public long getSnapshotAgeMicros() {
        return snapshotAgeMicros;
    }

    public int getCorrections() {
        return corrections;
    }

    public int getRefusals() {
        return refusals;
    }

    public int getViolations() {
        return violations;
    }
}
