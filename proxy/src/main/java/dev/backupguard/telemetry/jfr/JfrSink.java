package dev.backupguard.telemetry.jfr;

import dev.backupguard.classify.Redactor;
import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.telemetry.GuardEvent.RunningQuery;
import dev.backupguard.telemetry.TelemetrySink;
import jdk.jfr.Event;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Commits each {@link GuardEvent} as its {@link JfrEvents} type. Cheap when no recording wants an event:
 * {@link #wants} asks a probe instance of the JFR type whether it is enabled (a field read once JFR instrumented the
 * class; {@code false} before any recording started), and {@link #accept} checks {@code shouldCommit()} before it
 * sets a single field. No stack traces.
 */
public final class JfrSink implements TelemetrySink {

    /** One instance per JFR type, only ever asked {@code isEnabled()} (which reads no instance state). */
    private static final Map<Class<? extends GuardEvent>, Event> PROBES = Map.ofEntries(
            Map.entry(GuardEvent.LockRequested.class, new JfrEvents.LockRequested()),
            Map.entry(GuardEvent.LockAcquired.class, new JfrEvents.LockAcquired()),
            Map.entry(GuardEvent.LockReleased.class, new JfrEvents.LockReleased()),
            Map.entry(GuardEvent.Collateral.class, new JfrEvents.Collateral()),
            Map.entry(GuardEvent.SnapshotStarted.class, new JfrEvents.SnapshotStarted()),
            Map.entry(GuardEvent.SnapshotEnded.class, new JfrEvents.SnapshotEnded()),
            Map.entry(GuardEvent.TableReadStarted.class, new JfrEvents.TableReadStarted()),
            Map.entry(GuardEvent.TableReadFinished.class, new JfrEvents.TableReadFinished()),
            Map.entry(GuardEvent.MetadataLocksReleased.class, new JfrEvents.MetadataLocksReleased()),
            Map.entry(GuardEvent.StatementStep.class, new JfrEvents.StatementStep()),
            Map.entry(GuardEvent.RuleApplied.class, new JfrEvents.RuleApplied()),
            Map.entry(GuardEvent.PreflightChecked.class, new JfrEvents.PreflightChecked()),
            Map.entry(GuardEvent.LockWaitCancelled.class, new JfrEvents.LockWaitCancelled()),
            Map.entry(GuardEvent.QueryKilled.class, new JfrEvents.QueryKilled()),
            Map.entry(GuardEvent.LockHoldExceeded.class, new JfrEvents.LockHoldExceeded()),
            Map.entry(GuardEvent.ConnectionLost.class, new JfrEvents.ConnectionLost()),
            Map.entry(GuardEvent.SessionSummary.class, new JfrEvents.SessionSummary()));

    private final boolean redact;

    public JfrSink(boolean redact) {
        this.redact = redact;
    }

    @Override
    public boolean wants(Class<? extends GuardEvent> type) {
        Event probe = PROBES.get(type);
        return probe != null && probe.isEnabled();
    }

    @Override
    public void accept(GuardEvent event) {
        if (event instanceof GuardEvent.LockRequested x) {
            JfrEvents.LockRequested j = new JfrEvents.LockRequested();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.lock = lower(x.kind());
                j.statement = x.statement();
                j.commit();
            }
        } else if (event instanceof GuardEvent.LockAcquired x) {
            JfrEvents.LockAcquired j = new JfrEvents.LockAcquired();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.lock = lower(x.kind());
                j.wait = x.waitMicros();
                j.attempts = x.attempts();
                j.commit();
            }
        } else if (event instanceof GuardEvent.LockReleased x) {
            JfrEvents.LockReleased j = new JfrEvents.LockReleased();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.lock = lower(x.kind());
                j.hold = x.holdMicros();
                j.commit();
            }
        } else if (event instanceof GuardEvent.Collateral x) {
            JfrEvents.Collateral j = new JfrEvents.Collateral();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.lock = lower(x.kind());
                j.waitingSessions = x.waitingSessions();
                j.longestWait = x.longestWaitMicros();
                j.metadataLockWaiters = x.metadataLockWaiters();
                j.commit();
            }
        } else if (event instanceof GuardEvent.SnapshotStarted x) {
            JfrEvents.SnapshotStarted j = new JfrEvents.SnapshotStarted();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.isolation = x.isolation();
                j.way = lower(x.way());
                BinlogCoordinates c = x.coordinates();
                if (c != null) {
                    j.binlogFile = c.file();
                    j.binlogPosition = c.position();
                    j.gtidPosition = c.gtid();
                    j.obtainedBy = lower(c.source());
                }
                j.serverId = x.serverId();
                j.commit();
            }
        } else if (event instanceof GuardEvent.SnapshotEnded x) {
            JfrEvents.SnapshotEnded j = new JfrEvents.SnapshotEnded();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.age = x.ageMicros();
                j.how = x.how();
                j.commit();
            }
        } else if (event instanceof GuardEvent.TableReadStarted x) {
            JfrEvents.TableReadStarted j = new JfrEvents.TableReadStarted();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.table = x.table();
                j.commit();
            }
        } else if (event instanceof GuardEvent.TableReadFinished x) {
            JfrEvents.TableReadFinished j = new JfrEvents.TableReadFinished();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.table = x.table();
                j.rows = x.rows();
                j.time = x.micros();
                j.commit();
            }
        } else if (event instanceof GuardEvent.MetadataLocksReleased x) {
            JfrEvents.MetadataLocksReleased j = new JfrEvents.MetadataLocksReleased();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.tables = String.join(", ", x.tables());
                j.hold = x.holdMicros();
                j.commit();
            }
        } else if (event instanceof GuardEvent.StatementStep x) {
            JfrEvents.StatementStep j = new JfrEvents.StatementStep();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.action = lower(x.action());
                j.rule = x.rule();
                j.time = x.micros();
                j.statement = x.statement();
                j.commit();
            }
        } else if (event instanceof GuardEvent.RuleApplied x) {
            JfrEvents.RuleApplied j = new JfrEvents.RuleApplied();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.rule = x.finding().rule().id();
                j.invariant = x.finding().rule().invariant();
                j.severity = lower(x.finding().rule().severity());
                j.outcome = lower(x.finding().outcome());
                j.position = x.finding().position();
                j.detail = x.finding().detail();
                j.statement = x.finding().statement();
                j.commit();
            }
        } else if (event instanceof GuardEvent.PreflightChecked x) {
            JfrEvents.PreflightChecked j = new JfrEvents.PreflightChecked();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.outcome = x.outcome();
                j.waited = x.waitedMicros();
                j.longQueryCount = x.longQueries().size();
                j.longQueries = describe(x.longQueries());
                j.commit();
            }
        } else if (event instanceof GuardEvent.LockWaitCancelled x) {
            JfrEvents.LockWaitCancelled j = new JfrEvents.LockWaitCancelled();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.attempt = x.attempt();
                j.waited = x.waitedMicros();
                j.state = x.state();
                j.commit();
            }
        } else if (event instanceof GuardEvent.QueryKilled x) {
            JfrEvents.QueryKilled j = new JfrEvents.QueryKilled();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                RunningQuery q = x.query();
                if (q != null) {
                    j.queryId = q.id();
                    j.user = q.user();
                    j.host = q.host();
                    j.db = q.db();
                    j.command = q.command();
                    j.seconds = q.seconds();
                    j.state = q.state();
                    j.info = info(q);
                }
                j.commit();
            }
        } else if (event instanceof GuardEvent.LockHoldExceeded x) {
            JfrEvents.LockHoldExceeded j = new JfrEvents.LockHoldExceeded();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.lock = lower(x.kind());
                j.held = x.heldMicros();
                j.limit = x.limitMicros();
                j.action = x.action();
                j.commit();
            }
        } else if (event instanceof GuardEvent.ConnectionLost x) {
            JfrEvents.ConnectionLost j = new JfrEvents.ConnectionLost();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.noticedBy = lower(x.noticedBy());
                j.statement = x.statement();
                j.sqlState = x.sqlState();
                j.errorCode = x.errorCode();
                j.error = x.error();
                j.locks = String.join(", ", x.locks().stream().map(JfrSink::lower).toList());
                j.globalLockHold = x.globalLockHoldMicros();
                j.snapshotOpen = x.snapshotOpen();
                j.commit();
            }
        } else if (event instanceof GuardEvent.SessionSummary x) {
            JfrEvents.SessionSummary j = new JfrEvents.SessionSummary();
            if (j.shouldCommit()) {
                origin(j, x.origin());
                j.consistent = x.consistent();
                j.reasons = String.join("; ", x.reasons());
                BinlogCoordinates c = x.coordinates();
                if (c != null) {
                    j.binlogFile = c.file();
                    j.binlogPosition = c.position();
                    j.gtidPosition = c.gtid();
                    j.obtainedBy = lower(c.source());
                }
                j.tablesRead = x.tablesRead();
                j.rowsRead = x.rowsRead();
                j.globalLockWait = x.globalLockWaitMicros();
                j.globalLockHold = x.globalLockHoldMicros();
                j.snapshotAge = x.snapshotAgeMicros();
                j.metadataLockHoldMax = x.metadataLockHoldMaxMicros();
                j.corrections = x.corrections();
                j.refusals = x.refusals();
                j.violations = x.violations();
                j.lockWaitsCancelled = x.lockWaitsCancelled();
                j.queriesKilled = x.queriesKilled();
                j.lockHoldExceeded = x.lockHoldExceeded();
                j.collateralWaitingMax = x.collateralWaitingMax();
                j.collateralLongestWait = x.collateralLongestWaitMicros();
                j.commit();
            }
        }
    }

    private static void origin(JfrEvents.Base j, GuardEvent.Origin o) {
        j.connectionId = o.connectionId();
        j.sessionId = o.sessionId();
        j.happenedAt = o.epochMicros() / 1000;
    }

    private String describe(List<RunningQuery> queries) {
        StringBuilder b = new StringBuilder();
        for (RunningQuery q : queries) {
            b.append(b.length() == 0 ? "" : "; ").append("id ").append(q.id()).append(' ').append(q.user())
                    .append('@').append(q.host()).append(' ').append(q.seconds()).append("s ").append(q.command())
                    .append(": ").append(q.state()).append(": ").append(info(q));
        }
        return b.toString();
    }

    private String info(RunningQuery q) {
        return redact ? Redactor.redact(q.info()) : q.info();
    }

    private static String lower(Enum<?> e) {
        return e == null ? null : e.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "JfrSink";
    }
}
