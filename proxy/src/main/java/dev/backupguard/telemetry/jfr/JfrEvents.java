package dev.backupguard.telemetry.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import jdk.jfr.Timestamp;

/**
 * The JFR event types, one per {@link dev.backupguard.telemetry.GuardEvent} type, all in category
 * {@value #CATEGORY} and named {@code backupguard.<Type>}: {@code jfr print --categories backup-guard rec.jfr}.
 * No stack traces (the job's stack says nothing about the lock). Durations are microseconds.
 */
public final class JfrEvents {

    public static final String CATEGORY = "backup-guard";

    private JfrEvents() {
    }

    /** The fields every event has. */
    @Category(CATEGORY)
    @StackTrace(false)
    public abstract static class Base extends Event {
        @Label("Connection Id")
        @Description("The server's connection (thread) id of the backup connection")
        public long connectionId;

        @Label("Session Id")
        @Description("The backup session, unique in this JVM")
        public long sessionId;

        @Label("Happened At")
        @Description("When it happened; a snapshot start is committed once its coordinates are known")
        @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
        public long happenedAt;
    }

    @Name("backupguard.LockRequested")
    @Label("Lock Requested")
    public static final class LockRequested extends Base {
        @Label("Lock")
        public String lock;
        @Label("Statement")
        public String statement;
    }

    @Name("backupguard.LockAcquired")
    @Label("Lock Acquired")
    public static final class LockAcquired extends Base {
        @Label("Lock")
        public String lock;
        @Label("Wait")
        @Timespan(Timespan.MICROSECONDS)
        public long wait;
        @Label("Attempts")
        public int attempts;
    }

    @Name("backupguard.LockReleased")
    @Label("Lock Released")
    public static final class LockReleased extends Base {
        @Label("Lock")
        public String lock;
        @Label("Hold")
        @Timespan(Timespan.MICROSECONDS)
        public long hold;
    }

    @Name("backupguard.Collateral")
    @Label("Sessions Waiting On Our Lock")
    public static final class Collateral extends Base {
        @Label("Lock")
        public String lock;
        @Label("Waiting Sessions")
        public int waitingSessions;
        @Label("Longest Wait")
        @Timespan(Timespan.MICROSECONDS)
        public long longestWait;
        @Label("Metadata Lock Waiters")
        public int metadataLockWaiters;
    }

    @Name("backupguard.SnapshotStarted")
    @Label("Snapshot Started")
    public static final class SnapshotStarted extends Base {
        @Label("Isolation")
        public String isolation;
        @Label("Way")
        public String way;
        @Label("Binlog File")
        public String binlogFile;
        @Label("Binlog Position")
        public long binlogPosition;
        @Label("GTID Position")
        public String gtidPosition;
        @Label("Obtained By")
        public String obtainedBy;
        @Label("Server Id")
        public long serverId;
    }

    @Name("backupguard.SnapshotEnded")
    @Label("Snapshot Ended")
    public static final class SnapshotEnded extends Base {
        @Label("Age")
        @Timespan(Timespan.MICROSECONDS)
        public long age;
        @Label("How")
        public String how;
    }

    @Name("backupguard.TableReadStarted")
    @Label("Table Read Started")
    public static final class TableReadStarted extends Base {
        @Label("Table")
        public String table;
    }

    @Name("backupguard.TableReadFinished")
    @Label("Table Read Finished")
    public static final class TableReadFinished extends Base {
        @Label("Table")
        public String table;
        @Label("Rows")
        public long rows;
        @Label("Duration")
        @Timespan(Timespan.MICROSECONDS)
        public long time;
    }

    @Name("backupguard.MetadataLocksReleased")
    @Label("Metadata Locks Released")
    public static final class MetadataLocksReleased extends Base {
        @Label("Tables")
        public String tables;
        @Label("Hold")
        @Timespan(Timespan.MICROSECONDS)
        public long hold;
    }

    @Name("backupguard.StatementStep")
    @Label("Statement Step")
    public static final class StatementStep extends Base {
        @Label("Action")
        public String action;
        @Label("Rule")
        public String rule;
        @Label("Duration")
        @Timespan(Timespan.MICROSECONDS)
        public long time;
        @Label("Statement")
        public String statement;
    }

    @Name("backupguard.RuleApplied")
    @Label("Rule Applied")
    public static final class RuleApplied extends Base {
        @Label("Rule")
        public String rule;
        @Label("Invariant")
        public String invariant;
        @Label("Severity")
        public String severity;
        @Label("Outcome")
        public String outcome;
        @Label("Position")
        public long position;
        @Label("Detail")
        public String detail;
        @Label("Statement")
        public String statement;
    }

    @Name("backupguard.PreflightChecked")
    @Label("Lock Preflight")
    public static final class PreflightChecked extends Base {
        @Label("Outcome")
        public String outcome;
        @Label("Waited")
        @Timespan(Timespan.MICROSECONDS)
        public long waited;
        @Label("Long Queries")
        public int longQueryCount;
        @Label("Long Query List")
        public String longQueries;
    }

    @Name("backupguard.LockWaitCancelled")
    @Label("Lock Wait Cancelled")
    public static final class LockWaitCancelled extends Base {
        @Label("Attempt")
        public int attempt;
        @Label("Waited")
        @Timespan(Timespan.MICROSECONDS)
        public long waited;
        @Label("State")
        public String state;
    }

    @Name("backupguard.QueryKilled")
    @Label("Query Killed")
    public static final class QueryKilled extends Base {
        @Label("Killed Connection Id")
        public long queryId;
        @Label("User")
        public String user;
        @Label("Host")
        public String host;
        @Label("Database")
        public String db;
        @Label("Command")
        public String command;
        @Label("Seconds")
        public long seconds;
        @Label("State")
        public String state;
        @Label("Info")
        public String info;
    }

    @Name("backupguard.LockHoldExceeded")
    @Label("Lock Hold Exceeded")
    public static final class LockHoldExceeded extends Base {
        @Label("Lock")
        public String lock;
        @Label("Held")
        @Timespan(Timespan.MICROSECONDS)
        public long held;
        @Label("Limit")
        @Timespan(Timespan.MICROSECONDS)
        public long limit;
        @Label("Action")
        public String action;
    }

    @Name("backupguard.ConnectionLost")
    @Label("Backup Connection Lost")
    @Description("The server closed the backup connection before the session ended: the snapshot and its locks "
            + "went with it")
    public static final class ConnectionLost extends Base {
        @Label("Noticed By")
        public String noticedBy;
        @Label("Statement")
        public String statement;
        @Label("SQLState")
        public String sqlState;
        @Label("Error Code")
        public int errorCode;
        @Label("Error")
        public String error;
        @Label("Locks")
        public String locks;
        @Label("Global Lock Hold")
        @Timespan(Timespan.MICROSECONDS)
        public long globalLockHold;
        @Label("Snapshot Open")
        public boolean snapshotOpen;
    }

    @Name("backupguard.SessionSummary")
    @Label("Backup Session Summary")
    public static final class SessionSummary extends Base {
        @Label("Consistent")
        public boolean consistent;
        @Label("Reasons")
        public String reasons;
        @Label("Binlog File")
        public String binlogFile;
        @Label("Binlog Position")
        public long binlogPosition;
        @Label("GTID Position")
        public String gtidPosition;
        @Label("Obtained By")
        public String obtainedBy;
        @Label("Tables Read")
        public int tablesRead;
        @Label("Rows Read")
        public long rowsRead;
        @Label("Global Lock Wait")
        @Timespan(Timespan.MICROSECONDS)
        public long globalLockWait;
        @Label("Global Lock Hold")
        @Timespan(Timespan.MICROSECONDS)
        public long globalLockHold;
        @Label("Snapshot Age")
        @Timespan(Timespan.MICROSECONDS)
        public long snapshotAge;
        @Label("Longest Metadata Lock Hold")
        @Timespan(Timespan.MICROSECONDS)
        public long metadataLockHoldMax;
        @Label("Corrections")
        public int corrections;
        @Label("Refusals")
        public int refusals;
        @Label("Violations")
        public int violations;
        @Label("Lock Waits Cancelled")
        public int lockWaitsCancelled;
        @Label("Queries Killed")
        public int queriesKilled;
        @Label("Lock Hold Exceeded")
        public int lockHoldExceeded;
        @Label("Most Sessions Waiting")
        public int collateralWaitingMax;
        @Label("Longest Collateral Wait")
        @Timespan(Timespan.MICROSECONDS)
        public long collateralLongestWait;
    }
}
