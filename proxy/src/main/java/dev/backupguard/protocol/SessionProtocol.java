package dev.backupguard.protocol;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.IsolationLevel;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.SqlLogBin;
import dev.backupguard.classify.Statement;
import dev.backupguard.classify.TableName;

import java.util.ArrayList;
import java.util.List;

/**
 * The session protocol of one connection: a pure state machine (no JDBC, no I/O) that recognises backup sessions and
 * decides, statement by statement, what reaches the server.
 *
 * <p>Inputs: the job's statements and transaction-changing JDBC calls ({@link #plan}), what actually reached the
 * server ({@link #sent}, {@link #failed}), result sets opened and finished, the server's facts and the captured
 * coordinates. Output: a {@link Plan} per statement. The same engine in {@link Mode#AUDIT} judges a recorded trace.
 *
 * <p>Not thread-safe: one instance per connection, used by the thread that uses the connection (as JDBC requires).
 */
public final class SessionProtocol {

    static final Statement FLUSH_LOCAL_TABLES = Classifier.classify("FLUSH /*!40101 LOCAL */ TABLES");
    static final Statement GLOBAL_READ_LOCK = Classifier.classify("FLUSH TABLES WITH READ LOCK");
    static final Statement REPEATABLE_READ = Classifier.classify("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    static final Statement START_SNAPSHOT = Classifier.classify("START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */");
    static final Statement UNLOCK_TABLES = Classifier.classify("UNLOCK TABLES");
    static final Statement ROLLBACK = Classifier.classify("ROLLBACK");
    static final Statement COMMIT = Classifier.classify("COMMIT");
    static final Statement BACKUP_STAGE_START = Classifier.classify("BACKUP STAGE START");
    static final Statement BACKUP_STAGE_BLOCK_DDL = Classifier.classify("BACKUP STAGE BLOCK_DDL");
    static final Statement BACKUP_STAGE_END = Classifier.classify("BACKUP STAGE END");
    static final Statement LOCK_INSTANCE = Classifier.classify("LOCK INSTANCE FOR BACKUP");
    static final Statement UNLOCK_INSTANCE = Classifier.classify("UNLOCK INSTANCE");
    static final Statement BACKUP_UNLOCK = Classifier.classify("BACKUP UNLOCK");
    /**
     * MariaDB with the binary log on releases metadata locks at ROLLBACK TO SAVEPOINT only for a session that does
     * not write to the binlog (fact 3d). The backup session never writes, so it may stop logging; this needs BINLOG
     * ADMIN and must be sent outside a transaction, so it is tried, and the backup goes on without it.
     */
    public static final Statement SKIP_BINLOG = Classifier.classify("SET SESSION sql_log_bin = 0");
    /** Undoes {@link #SKIP_BINLOG} when the backup session ends (a pooled connection must log its writes again). */
    public static final Statement RESTORE_BINLOG = Classifier.classify("SET SESSION sql_log_bin = 1");

    private final ProtocolSettings settings;
    private final ServerSession server = new ServerSession();
    private final Statement savepoint;
    private final Statement rollbackToSavepoint;
    private final Statement releaseSavepoint;

    private ServerFacts facts;
    private BinlogCoordinates coordinates;
    private long position;
    private boolean replanning;
    private int openResultSets;

    // Recognition.
    private boolean never;
    private boolean backup;
    private long recognizedAt;

    // What the job believes; it may differ from the server after absorbed statements.
    private boolean jobAutoCommit = true;
    private IsolationLevel jobIsolation;
    private boolean jobHoldsGlobalLock;
    private boolean jobHoldsTableLocks;
    private Statement pendingBegin;
    private Statement jobEndedBy;
    private boolean jobManagesSavepoints;
    /** The session's level when the guard switched it to REPEATABLE READ for the snapshot: given back at the end. */
    private IsolationLevel isolationBeforeSnapshot;

    // What the guard did.
    private boolean guardSnapshot;
    private boolean sessionSnapshot;
    /** See {@link #unseenSnapshotEnd()}. */
    private Finding unseenEnd;
    /** The session-end statements of the backup session just ended are being sent (until the next plan). */
    private boolean endingSession;
    private boolean ddlLockHeld;
    private boolean binlogSkipDenied;
    /** The guard switched sql_log_bin off (a job's own sql_log_bin=0 is its choice, left as it is). */
    private boolean binlogSkippedByGuard;
    private boolean mdlReported;
    private int snapshotReads;
    private int sessions;
    /**
     * An opaque statement ran and the server was not asked, or could not tell, whether it left the global read lock
     * held: UNLOCK TABLES is sent when the session ends (close, pool return), so no lock outlives it.
     */
    private boolean unseenLock;
    /** The last table this backup session read, as the job named it: the lock check after an opaque statement uses it. */
    private TableName lastTableRead;

    private final List<Finding> scratch = new ArrayList<>(2);
    private final List<Finding> violations = new ArrayList<>();

    public SessionProtocol(ProtocolSettings settings) {
        this.settings = settings;
        String sp = settings.savepoint();
        this.savepoint = Classifier.classify("SAVEPOINT " + sp);
        this.rollbackToSavepoint = Classifier.classify("ROLLBACK TO SAVEPOINT " + sp);
        this.releaseSavepoint = Classifier.classify("RELEASE SAVEPOINT " + sp);
    }

    public ProtocolSettings settings() {
        return settings;
    }

    // =================================================================== inputs: connection state

    /** The connection was explicitly marked as a backup session (property, user or application-name rule). */
    public void markBackup() {
        if (!never) {
            recognize();
        }
    }

    /** The connection was explicitly marked as never a backup session: every statement passes. */
    public void markNever() {
        if (!backup) {
            never = true;
        }
    }

    /** The driver's autocommit when the connection was wrapped (JDBC knows it without a round trip). */
    public void initialAutoCommit(boolean on) {
        jobAutoCommit = on;
        server.autocommit(on);
    }

    /** The connection's current database when it was wrapped, or when learned. */
    public void currentSchema(String schema) {
        server.currentSchema(schema);
    }

    /** The session's isolation level as the server reports it (learned with the facts). */
    public void sessionIsolation(IsolationLevel level) {
        if (level != null) {
            server.apply(JdbcCall.isolation(level), false, 0, scratch);
            scratch.clear();
        }
    }

    public void facts(ServerFacts facts) {
        this.facts = facts;
        server.facts(facts);
    }

    public ServerFacts facts() {
        return facts;
    }

    /** The engines of one more schema, asked for with {@link Step.LearnEngines}. */
    public void enginesLearned(String schema, java.util.Set<TableName> nonTransactional) {
        facts(facts.withSchemaChecked(schema, nonTransactional));
    }

    public void coordinates(BinlogCoordinates coordinates) {
        this.coordinates = coordinates;
    }

    /** The coordinates captured with the snapshot, or null. */
    public BinlogCoordinates coordinates() {
        return coordinates;
    }

    /** A result set was opened on this connection. */
    public void resultSetOpened() {
        openResultSets++;
    }

    /** A result set of this connection was read to its end or closed (called once per result set). */
    public void resultSetFinished() {
        if (openResultSets > 0) {
            openResultSets--;
        }
    }

    public int openResultSets() {
        return openResultSets;
    }

    // =================================================================== inputs: what reached the server

    /**
     * The server executed {@code st} (the job's statement, a rewrite, or the guard's own). Returns the violations of
     * the protocol it caused, usually none (no allocation then).
     */
    public List<Finding> sent(Statement st) {
        unseenEnd = null;
        boolean judge = backup;
        boolean dataRead = judge && snapshotOpen() && server.isDataRead(st);
        if (st.kind() == Kind.OPAQUE || st.kind() == Kind.FLUSH_TABLES_WITH_READ_LOCK && server.tableLocksDoubted()) {
            // The second: refused under LOCK TABLES (1192), taken if the opaque statement released them.
            unseenLock = true;
        } else if (judge && st.target() != null && server.isDataRead(st)) {
            lastTableRead = st.target().qualify(server.currentSchema());
        }
        server.apply(st, judge, position, scratch);
        releasedBy(st);
        if (judge && (st.kind() == Kind.START_TRANSACTION || st.kind() == Kind.BEGIN)) {
            sessionSnapshot = st.isConsistentSnapshot();
        }
        if (dataRead) {
            snapshotReads++;
        }
        return drain();
    }

    /**
     * What the session still has to release is forgotten only once the releasing statement has reached the server:
     * a session end or a recovery whose plan stopped at a failed statement (a RELEASE SAVEPOINT that finds the
     * snapshot gone) plans it again.
     */
    private void releasedBy(Statement st) {
        if (st.kind() == Kind.UNLOCK_TABLES) {
            unseenLock = false;
        } else if (SqlLogBin.assignedBy(st) == SqlLogBin.ON && !server.binlogSkipped()) {
            binlogSkippedByGuard = false;
        }
    }

    /** The server refused {@code st} with this vendor error code. */
    public List<Finding> failed(Statement st, int vendorCode) {
        if (vendorCode != 1694 && SqlLogBin.assignedBy(st) == SqlLogBin.OFF) {
            // 1227: no BINLOG ADMIN. (1694, inside a transaction, may work next time.)
            binlogSkipDenied = true;
        }
        if (st.kind() == Kind.OPAQUE) {
            unseenLock = true; // it may have taken the lock before it failed
        }
        unseenEnd = null;
        // The statements that end a backup session are still judged: a savepoint they find gone says how it ended.
        if (server.failed(st, vendorCode, backup || endingSession, position, scratch)) {
            String by = server.transactionEndedBy();
            unseenEnd = finding(Rule.IMPLICIT_COMMIT, Finding.Outcome.REFUSED, st, "the snapshot had already ended, by "
                    + (ServerSession.UNSEEN.equals(by) ? by : Finding.quote(by) + ", which backup-guard cannot see into")
                    + ": the server answered " + st.sql() + " with 'does not exist' (error 1305)");
        }
        return drain();
    }

    /**
     * After {@link #failed}, until the next {@link #sent} or {@link #failed}: when the failure showed that the
     * snapshot had already ended unseen (a savepoint the server no longer knows, error 1305), the refusal that
     * explains it to the job instead of the server's misleading error; null otherwise.
     */
    public Finding unseenSnapshotEnd() {
        return unseenEnd;
    }

    /**
     * The server closed the connection (the driver reported SQLState class 08): the backup session did not finish,
     * so it is not consistent, whatever it read before. Returns the violation, or nothing outside a backup session.
     * The adapter plans nothing for this connection afterwards.
     */
    public List<Finding> connectionLost(String statement, String detail) {
        if (!backup) {
            return List.of();
        }
        Finding f = new Finding(Rule.CONNECTION_LOST, Finding.Outcome.VIOLATION, position, statement, detail);
        violations.add(f);
        return List.of(f);
    }

    private List<Finding> drain() {
        if (scratch.isEmpty()) {
            return List.of();
        }
        List<Finding> out = List.copyOf(scratch);
        scratch.clear();
        violations.addAll(out);
        return out;
    }

    // =================================================================== output: plans

    /**
     * The plan for one job statement, or one JDBC call given as its {@link JdbcCall} statement. After a plan with a
     * {@link Step.LearnFacts} step the adapter calls this again with the same statement.
     */
    public Plan plan(Statement st) {
        endingSession = false;
        if (replanning) {
            replanning = false;
        } else {
            position++;
        }
        trackJobView(st);
        if (never) {
            return Plan.PASS;
        }
        if (!backup) {
            if (st.has(Statement.F_HINT_NEVER)) {
                never = true;
                return Plan.PASS;
            }
            if (!st.has(Statement.F_HINT_BACKUP) && !triggers(st)) {
                return ordinary(st);
            }
            recognize();
        }
        if (facts == null) {
            if (openResultSets > 0) {
                // The probe is statements too: never into an open stream (Connector/J throws, MariaDB Connector/J
                // buffers the rest). Audit mode passes and learns the facts at the next statement boundary.
                return settings.mode() == Mode.AUDIT ? Plan.PASS : refusal(Rule.SNAPSHOT_START, st, "backup-guard "
                        + "must query the server first, but a result set is still open on this connection; read it "
                        + "to the end or close it before this statement");
            }
            replanning = true;
            return Plan.LEARN_FACTS;
        }
        return guardPlan(backupPlan(st), st);
    }

    /** The plan for closing the connection: release whatever the session still holds on the server. */
    public Plan planClose() {
        position++;
        if (!backup && !server.globalLock() && !server.tableLocks() && server.backupLock() == null
                && !server.backupTableLock() && !unseenLock) {
            return Plan.NOTHING;
        }
        Plan.Builder p = new Plan.Builder();
        if (settings.mode() == Mode.AUDIT) {
            // Audit mode changes nothing, except that no lock outlives the connection (a pool would keep it).
            if (server.globalLock() || server.tableLocks() || unseenLock) {
                p.inject(UNLOCK_TABLES);
            }
            addBackupLockRelease(p);
            return p.isEmpty() ? Plan.NOTHING : p.build();
        }
        addSessionEnd(p, false);
        return p.isEmpty() ? Plan.NOTHING : p.build();
    }

    /**
     * A step of the last plan failed after earlier steps had reached the server: the statements that put the session
     * back in a safe state (no global lock, no half-started snapshot). The adapter runs them ignoring their errors.
     */
    public Plan planRecovery() {
        Plan.Builder p = new Plan.Builder();
        if (server.globalLock() || server.tableLocks() || unseenLock) {
            p.inject(UNLOCK_TABLES);
        }
        if (guardSnapshot && server.inTransaction()) {
            p.inject(ROLLBACK);
        }
        addBackupLockRelease(p);
        if (server.binlogSkipped() && binlogSkippedByGuard) {
            p.inject(RESTORE_BINLOG);
        }
        guardSnapshot = false;
        jobHoldsGlobalLock = false;
        jobHoldsTableLocks = false;
        coordinates = null;
        return p.isEmpty() ? Plan.NOTHING : p.build();
    }

    // =================================================================== queries

    /**
     * Whether the protocol needs queries classified in full (target, shape): in a backup session, and in the
     * backup-job role where a data read starts one. In the guardrail role outside a backup session no query can
     * change anything (none of its triggers is a query), so the leading keyword is enough
     * ({@link dev.backupguard.classify.Classifier#classifyLeading}).
     */
    public boolean needsDetails() {
        return !never && (backup || settings.role() == Role.BACKUP_JOB);
    }

    /**
     * Whether {@link #plan} would pass {@code st} unchanged without changing any state but the statement count:
     * lets the adapter send batches and multi-statement text whole on ordinary connections.
     */
    public boolean passesUnchanged(Statement st) {
        if (never) {
            return true;
        }
        if (backup || st.has(Statement.F_HINT_BACKUP) || st.has(Statement.F_HINT_NEVER) || triggers(st)) {
            return false;
        }
        if (settings.role() == Role.BACKUP_JOB && settings.modeOf(Rule.CONSISTENT_SNAPSHOT) == Mode.ENFORCE) {
            if (pendingBegin != null) {
                return false;
            }
            switch (st.kind()) {
                case START_TRANSACTION, BEGIN, SET_AUTOCOMMIT, COMMIT, ROLLBACK:
                    return false;
                default:
                    break;
            }
        }
        return true;
    }

    public boolean isBackupSession() {
        return backup;
    }

    public boolean isNeverBackup() {
        return never;
    }

    /** The statement number at which this connection was recognised as a backup session (0: not recognised). */
    public long recognizedAt() {
        return recognizedAt;
    }

    /** Whether a consistent snapshot is open on the server. */
    public boolean inSnapshot() {
        return snapshotOpen();
    }

    /** The isolation level of the open transaction as the server applied it, or null outside a transaction. */
    public IsolationLevel transactionIsolation() {
        return server.transactionIsolation();
    }

    /**
     * Whether ROLLBACK TO SAVEPOINT releases the metadata locks taken after the savepoint on this server and session
     * (not on MariaDB with the binary log on, unless the session runs with sql_log_bin=0: fact 3d).
     */
    public boolean savepointReleasesMetadataLocks() {
        return server.savepointReleasesMetadataLocks();
    }

    /** Whether the session holds the global read lock on the server. */
    public boolean holdsGlobalLock() {
        return server.globalLock();
    }

    /**
     * Whether the session holds one of the server's DDL-only backup locks (BACKUP STAGE, BACKUP LOCK, LOCK INSTANCE FOR
     * BACKUP).
     */
    public boolean holdsBackupLock() {
        return server.backupLock() != null || server.backupTableLock();
    }

    /** Whether the session holds LOCK TABLES locks on the server. */
    public boolean holdsTableLocks() {
        return server.tableLocks();
    }

    /** Autocommit as the job set it (getAutoCommit answers this). */
    public boolean jobAutoCommit() {
        return jobAutoCommit;
    }

    /** The isolation level the job set, or null when it never set one. */
    public IsolationLevel jobIsolation() {
        return jobIsolation;
    }

    public long position() {
        return position;
    }

    /** Number of backup sessions this connection has ended (a pooled connection may carry several). */
    public int sessionsEnded() {
        return sessions;
    }

    /** The verdict over what reached the server so far. */
    public Verdict verdict() {
        return new Verdict(backup || !violations.isEmpty(), List.copyOf(violations), coordinates,
                server.tablesReadList());
    }

    /** Answers a binlog status or GTID read with the captured coordinates, shaped as the server would. */
    public Result coordinatesResult(Statement st) {
        if (st.kind() == Kind.SHOW_BINLOG_STATUS) {
            List<Result.Column> cols = new ArrayList<>(List.of(Result.Column.varchar("File"),
                    Result.Column.bigint("Position"), Result.Column.varchar("Binlog_Do_DB"),
                    Result.Column.varchar("Binlog_Ignore_DB")));
            boolean mysql = facts != null && facts.flavor() != ServerFacts.Flavor.MARIADB;
            if (mysql) {
                cols.add(Result.Column.varchar("Executed_Gtid_Set"));
            }
            if (coordinates == null) {
                return new Result.Rows(cols, List.of());
            }
            List<Object> row = new ArrayList<>(List.of(coordinates.file(), coordinates.position(), "", ""));
            if (mysql) {
                row.add(coordinates.gtid());
            }
            return new Result.Rows(cols, List.of(row));
        }
        String label = SelectLabel.of(st.sql());
        List<List<Object>> rows = List.of(List.of(coordinates == null ? "" : coordinates.gtid()));
        return new Result.Rows(List.of(Result.Column.varchar(label)), rows);
    }

    // =================================================================== recognition

    private void recognize() {
        if (!backup) {
            if (sessions > 0) {
                facts = null; // learned once per backup session: engines may have changed on a pooled connection
            }
            backup = true;
            recognizedAt = position;
            sessionSnapshot = false;
            violations.clear();
            server.startJudging();
        }
    }

    /**
     * A consistent snapshot of this backup session is open: started WITH CONSISTENT SNAPSHOT after the session was
     * recognised (by the guard, or by the job in block and audit modes). A transaction the application opened
     * before does not count: its read view was not taken for the backup.
     */
    private boolean snapshotOpen() {
        return sessionSnapshot && server.snapshotOpen();
    }

    /** Statements that make a connection a backup session, by role. */
    private boolean triggers(Statement st) {
        switch (st.kind()) {
            case FLUSH_TABLES_WITH_READ_LOCK, SHOW_BINLOG_STATUS, BACKUP_STAGE, LOCK_INSTANCE_FOR_BACKUP:
                return true;
            case START_TRANSACTION:
                return st.isConsistentSnapshot();
            case LOCK_TABLES:
                return !st.has(Statement.F_LOCK_WRITE)
                        && (st.tables().size() >= 2 || settings.role() == Role.BACKUP_JOB);
            default:
                break;
        }
        if (settings.role() != Role.BACKUP_JOB) {
            return false;
        }
        return switch (st.kind()) {
            case SELECT -> server.isDataRead(st) || ServerSession.isLiveGtidRead(st);
            case SHOW_CREATE_TABLE, SHOW_COLUMNS, FLUSH_LOGS -> true;
            default -> false;
        };
    }

    private void trackJobView(Statement st) {
        if (st.kind() == Kind.SET_AUTOCOMMIT) {
            jobAutoCommit = st.isAutocommitOn();
        } else if (st.kind() == Kind.SET_TRANSACTION_ISOLATION && !st.isGlobal()
                && !st.has(Statement.F_NEXT_TRANSACTION) && st.isolation() != null) {
            jobIsolation = st.isolation();
        } else if (st.kind() == Kind.USE && st.name() != null) {
            server.currentSchema(st.name());
        }
    }

    /**
     * An ordinary connection. In the backup-job role, a transaction start without WITH CONSISTENT SNAPSHOT is held
     * back until the next statement shows whether it opens the backup (then the snapshot replaces it) or ordinary
     * work (then it is sent first): sending it would create a transaction whose read view starts at the first
     * SELECT, after any coordinates.
     */
    private Plan ordinary(Statement st) {
        if (settings.role() != Role.BACKUP_JOB || settings.modeOf(Rule.CONSISTENT_SNAPSHOT) != Mode.ENFORCE) {
            return Plan.PASS;
        }
        switch (st.kind()) {
            case START_TRANSACTION, BEGIN:
                if (pendingBegin != null || !server.inTransaction()) {
                    pendingBegin = st; // a second start replaces the first: nothing was sent in between
                    return absorbed();
                }
                break;
            case SET_AUTOCOMMIT:
                if (!st.isAutocommitOn() && pendingBegin == null && !server.inTransaction() && server.autocommit()) {
                    pendingBegin = st;
                    return absorbed();
                }
                if (st.isAutocommitOn() && pendingBegin != null) {
                    pendingBegin = null;
                    return absorbed();
                }
                break;
            case COMMIT, ROLLBACK:
                if (pendingBegin != null) {
                    // Nothing was sent in the deferred transaction; keep the job's autocommit choice for the next one.
                    if (pendingBegin.kind() != Kind.SET_AUTOCOMMIT) {
                        pendingBegin = null;
                    }
                    return absorbed();
                }
                break;
            case USE, SET_OTHER, SET_TRANSACTION_ISOLATION, SHOW_OTHER, SHOW_TABLES, SHOW_TABLE_STATUS,
                 SHOW_CREATE_DATABASE, SHOW_STATUS, SHOW_REPLICA_STATUS, EMPTY:
                break;
            default:
                if (pendingBegin != null) {
                    Statement begin = pendingBegin;
                    pendingBegin = null;
                    return new Plan.Builder().inject(begin).execute(null).build();
                }
        }
        return Plan.PASS;
    }

    // =================================================================== backup sessions

    /**
     * A backup read of a table in a schema whose engines were not checked (the facts cover the connection's own
     * database): learn them first, so a non-transactional table there is reported by name (I6), never taken for
     * transactional. Not while a result set is open: nothing is sent then, and the engine stays unknown.
     */
    private Plan enginesFirst(Statement st) {
        if (st.target() == null || openResultSets > 0) {
            return null;
        }
        TableName q = server.qualify(st.target());
        if (q == null || q.schema() == null || server.isSystem(q) || facts.checked(q.schema())) {
            return null;
        }
        replanning = true;
        return new Plan(List.of(new Step.LearnEngines(q.schema()), new Step.Replan()), List.of());
    }

    private Plan backupPlan(Statement st) {
        if (st.kind() == Kind.SELECT || st.kind() == Kind.SHOW_CREATE_TABLE) {
            Plan learn = enginesFirst(st);
            if (learn != null) {
                return learn;
            }
        }
        if (jobEndedBy != null && endsFinishedSession(st)) {
            return endSessionThenReplan();
        }
        return switch (st.kind()) {
            case SELECT -> planSelect(st);
            case SHOW_CREATE_TABLE, SHOW_COLUMNS -> planTableMetadata(st);
            case FLUSH_TABLES_WITH_READ_LOCK -> planGlobalLock(st);
            case FLUSH_TABLES -> snapshotOpen()
                    ? decide(Rule.IMPLICIT_COMMIT, st, "FLUSH TABLES inside the snapshot is not needed and would commit it",
                    () -> new Plan.Builder().answer(Result.OK))
                    : Plan.PASS;
            case UNLOCK_TABLES -> planUnlock(st);
            case START_TRANSACTION, BEGIN -> planBegin(st);
            case COMMIT, ROLLBACK -> planEnd(st);
            case SET_AUTOCOMMIT -> st.isAutocommitOn() ? planEnd(st) : planAutocommitOff(st);
            case SET_TRANSACTION_ISOLATION -> planIsolation(st);
            case SHOW_BINLOG_STATUS -> planCoordinatesRead(st);
            case FLUSH_LOGS -> planFlushLogs(st);
            // BACKUP STAGE END ends the job's own backup, as a final COMMIT does: a read after it is refused then.
            case BACKUP_STAGE -> "END".equals(st.name()) ? Plan.PASS : planImplicitCommit(st);
            case LOCK_TABLES -> planLockTables(st);
            case DML -> snapshotOpen()
                    ? refuse(Rule.WRITE_IN_BACKUP, st, "writes are not allowed in a backup session")
                    : Plan.PASS;
            case OPAQUE -> planOpaque(st);
            case SAVEPOINT -> {
                // The job sets savepoints of its own (mysqldump-like code): rolling back to the guard's earlier
                // savepoint would destroy them, so the job's own rollbacks release the metadata locks from now on.
                if (st.name() != null && !st.name().equalsIgnoreCase(settings.savepoint())) {
                    jobManagesSavepoints = true;
                }
                yield Plan.PASS;
            }
            default -> planImplicitCommit(st);
        };
    }

    /**
     * DDL, account, maintenance and other statements that commit implicitly on this server ({@link ImplicitCommit}):
     * inside the snapshot they would end it unseen, so they are refused (reported in audit mode); outside it they
     * pass, like every statement the protocol has nothing to say about.
     */
    private Plan planImplicitCommit(Statement st) {
        if (!snapshotOpen() || !ImplicitCommit.commits(st, facts, server.tableLocks(), server.autocommit())) {
            return Plan.PASS;
        }
        return refuse(Rule.IMPLICIT_COMMIT, st, ImplicitCommit.command(st) + " commits implicitly and would end "
                + "the snapshot");
    }

    /** After the job ended its transaction (absorbed), statements that show the backup is over. */
    private boolean endsFinishedSession(Statement st) {
        return switch (st.kind()) {
            case DML, DDL -> true;
            case SET_AUTOCOMMIT -> !st.isAutocommitOn();
            case SELECT, SHOW_CREATE_TABLE, SHOW_COLUMNS -> st.target() != null && server.wasRead(st.target());
            // The job ending its transaction, its lock or its backup stage: still the backup's own end.
            case COMMIT, ROLLBACK, UNLOCK_TABLES -> false;
            case BACKUP_STAGE -> !"END".equals(st.name());
            // Work that commits (FTWRL, LOCK TABLES, FLUSH, BEGIN, GRANT, ANALYZE TABLE, ...) is no backup's.
            default -> ImplicitCommit.commits(st, facts, server.tableLocks(), server.autocommit());
        };
    }

    private Plan planSelect(Statement st) {
        boolean dataRead = server.isDataRead(st);
        if (!dataRead) {
            return ServerSession.isLiveGtidRead(st) ? planCoordinatesRead(st) : Plan.PASS;
        }
        TableName table = st.target();
        if (st.isLockingRead() && (snapshotOpen() || !server.globalLock())) {
            return refuse(Rule.LOCKING_READ, st, "a locking read of " + describe(table) + " does not read the snapshot");
        }
        if (!server.wouldReadConsistently(st)) {
            String ended = server.transactionEndedBy() == null ? ""
                    : "; the snapshot was ended by " + Finding.quote(server.transactionEndedBy());
            return refuse(Rule.SNAPSHOT_START, st, "reading " + describe(table) + " now would see another moment "
                    + "than the tables this backup already read " + server.tablesRead() + ended);
        }
        if (!snapshotOpen()) {
            if ((table != null && server.tableLocked(table)) || server.globalLock()) {
                return Plan.PASS; // read under the job's own lock: consistent as of that lock
            }
            String detail = server.inTransaction()
                    ? "the read of " + describe(table) + " would create the read view now, not under a lock"
                    : "reading " + describe(table) + " outside a consistent snapshot";
            return decide(Rule.SNAPSHOT_START, st, detail, () -> startSnapshot(st, Start.BEFORE_JOB_STATEMENT));
        }
        if (server.nonTransactional(table) && !server.globalLock()) {
            return report(Rule.NON_TRANSACTIONAL_TABLE, st, "table " + server.qualify(table)
                    + " is not transactional and is read outside the global read lock: its rows are not from the snapshot");
        }
        return withMetadataLockRelease(st);
    }

    private Plan planTableMetadata(Statement st) {
        if (!snapshotOpen()) {
            if (server.globalLock() || server.tableLocks() || settings.modeOf(Rule.SNAPSHOT_START) != Mode.ENFORCE) {
                return Plan.PASS;
            }
            return decide(Rule.SNAPSHOT_START, st, "table definitions are read inside the snapshot, as mysqldump does",
                    () -> startSnapshot(st, Start.BEFORE_JOB_STATEMENT));
        }
        return withMetadataLockRelease(st);
    }

    /**
     * I5: when the job moves to another table, ROLLBACK TO SAVEPOINT releases the metadata locks of the tables read
     * since the savepoint, so DDL elsewhere does not wait for the end of the dump. Never while a result set is open:
     * the injection waits for a statement boundary with none.
     */
    private Plan withMetadataLockRelease(Statement st) {
        TableName table = server.qualify(st.target());
        if (table == null || jobManagesSavepoints || server.metadataLocked().isEmpty()
                || server.metadataLocked().contains(table) || !server.hasSavepoint(settings.savepoint())
                || openResultSets > 0) {
            return Plan.PASS;
        }
        if (!server.savepointReleasesMetadataLocks()) {
            if (mdlReported || settings.modeOf(Rule.MDL_PER_TABLE) == Mode.OFF) {
                return Plan.PASS;
            }
            mdlReported = true;
            return Plan.pass(List.of(finding(Rule.MDL_PER_TABLE, Finding.Outcome.REPORTED, st, "tables already read "
                    + "keep their metadata locks until the backup ends: on MariaDB with the binary log on, ROLLBACK "
                    + "TO SAVEPOINT releases them only for a session with sql_log_bin=0, which needs BINLOG ADMIN")));
        }
        Mode mode = settings.modeOf(Rule.MDL_PER_TABLE);
        if (mode != Mode.ENFORCE) {
            // Once per session: the locks pile up table after table, and a finding per table (naming every table
            // held) would grow quadratically with a dump of many tables.
            if (mode == Mode.OFF || mdlReported) {
                return Plan.PASS;
            }
            mdlReported = true;
            return Plan.pass(List.of(finding(Rule.MDL_PER_TABLE,
                    mode == Mode.AUDIT ? Finding.Outcome.WOULD_CORRECT : Finding.Outcome.REPORTED, st,
                    "tables already read keep their metadata locks until the backup ends (first: "
                            + server.metadataLocked().iterator().next() + ", then " + table + " and every later table)")));
        }
        // After each release only the last table is held, so this names one table (or the few one statement read).
        String detail = "released the metadata locks of " + server.metadataLocked() + " before reading " + table;
        return new Plan.Builder().inject(rollbackToSavepoint).execute(null)
                .finding(finding(Rule.MDL_PER_TABLE, Finding.Outcome.CORRECTED, st, detail)).build();
    }

    /**
     * A statement backup-guard cannot see into ({@link Kind#OPAQUE}) in a backup session: block mode refuses it;
     * enforce and audit modes let it run and ask the server right after it whether this session holds the global read
     * lock and whether the snapshot is still open ({@link #observed}). Enforce mode refuses it while the guard has
     * switched the session's binary logging off: a write inside it would not reach the binary log.
     */
    private Plan planOpaque(Statement st) {
        Rule rule = Rule.OPAQUE_STATEMENT;
        Mode mode = settings.modeOf(rule);
        if (mode == Mode.OFF) {
            return Plan.PASS;
        }
        if (mode == Mode.BLOCK) {
            return refusal(rule, st, rule.problem());
        }
        if (mode == Mode.ENFORCE && !server.opaqueReadsConsistently(st)) {
            return refusal(rule, st, "what it reads would be from another moment than the tables this backup already "
                    + "read " + server.tablesRead() + (server.transactionEndedBy() == null ? ""
                    : "; the snapshot was ended by " + Finding.quote(server.transactionEndedBy())));
        }
        if (mode == Mode.ENFORCE && server.binlogSkipped()) {
            return refusal(rule, st, "backup-guard cannot see what the statement does, and binary logging is off for "
                    + "this backup session (sql_log_bin=0, so that ROLLBACK TO SAVEPOINT frees dumped tables): a write "
                    + "inside it would not reach the binary log");
        }
        return new Plan.Builder().execute(null).checkServerState(st)
                .finding(finding(rule, mode == Mode.AUDIT ? Finding.Outcome.WOULD_REFUSE : Finding.Outcome.REPORTED, st,
                        "sent; the server's state is checked right after it")).build();
    }

    /**
     * What the server reported right after the opaque statement {@code st} ({@link Step.CheckServerState}). A global
     * read lock the guard did not see taken is adopted: the model holds it (the adapter hands it to the lock guard,
     * whose hold limit and leak release then apply) and it is reported. A snapshot the statement ended or replaced is
     * ended in the model, so the reads after it are judged as from another moment. What could not be told is taken at
     * its worst: a snapshot not known to be open and still the same is ended, a lock not known to be free is released
     * when the session ends.
     */
    public List<Finding> observed(Statement st, ObservedState state) {
        List<Finding> out = new ArrayList<>(2);
        Rule rule = Rule.OPAQUE_STATEMENT;
        if (state.globalReadLock() == null) {
            server.globalLockUnknown();
            out.add(finding(rule, Finding.Outcome.REPORTED, st, "the server could not tell whether this statement left "
                    + "the global read lock held; UNLOCK TABLES is sent when the backup session ends, and a lock held "
                    + "before it no longer makes the reads after it one moment"));
        } else {
            unseenLock = false;
            if (state.globalReadLock() && !server.globalLock()) {
                server.globalLockFound();
                out.add(finding(rule, Finding.Outcome.REPORTED, st, "the server reports that this statement took the "
                        + "global read lock: backup-guard now bounds its hold (backupguard.lock.hold-ms) and releases "
                        + "it if the connection is abandoned"));
            } else if (!state.globalReadLock() && server.globalLock()) {
                server.globalLockGone();
                jobHoldsGlobalLock = false;
            }
        }
        // Only a transaction the server says is still the snapshot is: an open one it cannot compare (MySQL, whose
        // INNODB_TRX does not tell one transaction from the next; MariaDB without captured coordinates) may have
        // been started inside the statement.
        boolean ended = !Boolean.TRUE.equals(state.transactionOpen()) || !Boolean.TRUE.equals(state.sameSnapshot());
        if (server.inTransaction() && ended) {
            boolean wasSnapshot = snapshotOpen();
            server.transactionEndedInside(st, rule, Boolean.TRUE.equals(state.transactionOpen()));
            if (wasSnapshot) {
                out.add(finding(rule, Finding.Outcome.REPORTED, st, state.transactionOpen() == null
                        ? "the server could not tell whether the snapshot is still open: it is taken as ended"
                        : state.sameSnapshot() == null ? "the server could not tell whether the open transaction "
                        + "is still the snapshot: it is taken as ended"
                        : "the server reports that this statement ended the snapshot"));
            }
        }
        return out;
    }

    /** The last table this backup session read (as the job named it, with its schema), or null. */
    public TableName lastTableRead() {
        return lastTableRead;
    }

    private Plan planGlobalLock(Statement st) {
        if (!st.tables().isEmpty()) {
            return snapshotOpen() ? refuse(Rule.IMPLICIT_COMMIT, st, "a table read lock inside the snapshot")
                    : Plan.PASS;
        }
        if (snapshotOpen()) {
            if (jobHoldsGlobalLock || server.globalLock()) {
                return absorbed();
            }
            if (!nonTransactionalInScope()) {
                jobHoldsGlobalLock = true;
                return decide(Rule.LOCK_WHOLE_DUMP, st,
                        "not taken: every table in scope is transactional and the snapshot is already open",
                        () -> new Plan.Builder().answer(Result.OK));
            }
            if (snapshotReads == 0 && guardSnapshot) {
                return decide(Rule.SNAPSHOT_START, st, "restarted the snapshot under the job's global read lock "
                        + "(no table was read yet)", () -> restartSnapshot(st, Start.JOB_GLOBAL_LOCK));
            }
            return refuse(Rule.NON_TRANSACTIONAL_TABLE, st,
                    "a global read lock taken after tables were read cannot make the snapshot consistent");
        }
        if (server.globalLock()) {
            return Plan.PASS;
        }
        if (settings.modeOf(Rule.SNAPSHOT_START) != Mode.ENFORCE) {
            // The lock itself is safe; what the job does under it is judged statement by statement.
            return server.previousWasFlushTables() ? Plan.PASS : decide(Rule.FLUSH_BEFORE_LOCK, st,
                    "no FLUSH TABLES right before the global read lock",
                    () -> new Plan.Builder().inject(FLUSH_LOCAL_TABLES).execute(null));
        }
        return decide(Rule.SNAPSHOT_START, st, "started the consistent snapshot and read the coordinates at the "
                + "job's global read lock", () -> startSnapshot(st, Start.JOB_GLOBAL_LOCK));
    }

    private Plan planUnlock(Statement st) {
        if (jobHoldsGlobalLock && !server.globalLock()) {
            jobHoldsGlobalLock = false;
            return absorbed();
        }
        if (jobHoldsTableLocks && !server.tableLocks()) {
            jobHoldsTableLocks = false;
            return absorbed();
        }
        if (server.globalLock() && !snapshotOpen() && server.coordinatesReadUnderHeldLock()
                && !server.dataReadUnderHeldLock()) {
            // Only while nothing was read under the lock yet: a job that read its tables under the lock (the
            // --lock-all-tables style) is consistent, and its UNLOCK ends the backup; refusing it would keep the
            // server read-only.
            return decide(Rule.UNLOCK_BEFORE_SNAPSHOT, st,
                    "UNLOCK TABLES before START TRANSACTION WITH CONSISTENT SNAPSHOT loses the coordinates' moment",
                    () -> startSnapshot(null, Start.JOB_UNLOCK));
        }
        jobHoldsGlobalLock = false;
        jobHoldsTableLocks = false;
        return Plan.PASS;
    }

    private Plan planBegin(Statement st) {
        if (snapshotOpen()) {
            return decide(Rule.SNAPSHOT_END, st, "a second transaction start would commit the snapshot",
                    () -> new Plan.Builder().answer(Result.OK));
        }
        if (server.globalLock() && st.isConsistentSnapshot()
                && server.sessionIsolation() == IsolationLevel.REPEATABLE_READ) {
            return Plan.PASS; // the mysqldump order, under the job's own lock
        }
        if (!st.isConsistentSnapshot()) {
            return decide(Rule.CONSISTENT_SNAPSHOT, st, "rewritten to START TRANSACTION WITH CONSISTENT SNAPSHOT, "
                    + "started with its coordinates", () -> startSnapshot(st, Start.JOB_TRANSACTION));
        }
        if (server.sessionIsolation() != IsolationLevel.REPEATABLE_READ) {
            return decide(Rule.REPEATABLE_READ, st, "the session is at " + server.sessionIsolation().sql()
                    + ", where WITH CONSISTENT SNAPSHOT is ignored", () -> startSnapshot(st, Start.JOB_TRANSACTION));
        }
        if (settings.modeOf(Rule.SNAPSHOT_START) != Mode.ENFORCE) {
            // A consistent snapshot under REPEATABLE READ is safe; coordinates read later are judged then.
            return Plan.PASS;
        }
        return decide(Rule.SNAPSHOT_START, st, facts.binlogOn() ? "started the snapshot with its binlog coordinates"
                : "started the snapshot", () -> startSnapshot(st, Start.JOB_TRANSACTION));
    }

    private Plan planEnd(Statement st) {
        if (pendingBegin != null && !server.inTransaction()) {
            pendingBegin = null;
            return absorbed();
        }
        if (jobEndedBy != null) {
            return absorbed();
        }
        if (snapshotOpen() && settings.modeOf(Rule.SNAPSHOT_END) == Mode.ENFORCE) {
            // A final COMMIT is legitimate and one in the middle must not end the snapshot: keep the snapshot open
            // (the backup session does not write, so nothing is lost) and end it when the backup session ends.
            jobEndedBy = st;
            return decide(Rule.SNAPSHOT_END, st, "kept the snapshot open: it ends when the backup session ends "
                    + "(connection closed or non-backup work follows)", () -> new Plan.Builder().answer(Result.OK));
        }
        // Block and audit modes let the transaction end: a read after it is refused (block) or flagged (audit).
        return Plan.PASS;
    }

    private Plan planAutocommitOff(Statement st) {
        if (snapshotOpen()) {
            return absorbed();
        }
        if (settings.mode() == Mode.ENFORCE && pendingBegin == null && server.autocommit()) {
            pendingBegin = st;
            return absorbed();
        }
        return Plan.PASS;
    }

    private Plan planIsolation(Statement st) {
        if (st.isGlobal() || !snapshotOpen() || st.isolation() == null || st.isolation() == IsolationLevel.REPEATABLE_READ
                || settings.modeOf(Rule.REPEATABLE_READ) != Mode.ENFORCE) {
            return Plan.PASS; // a new session level does not change the running snapshot's
        }
        return decide(Rule.REPEATABLE_READ, st, "kept REPEATABLE READ for the snapshot; the job's "
                + st.isolation().sql() + " is restored when the backup session ends",
                () -> new Plan.Builder().answer(Result.OK));
    }

    private Plan planCoordinatesRead(Statement st) {
        if (snapshotOpen()) {
            if (coordinates != null || !facts.binlogOn()) {
                return server.globalLock() ? new Plan.Builder().answerCoordinates(st).build()
                        : decide(Rule.COORDINATES_OUTSIDE_LOCK, st,
                        "answered with the coordinates captured when the snapshot started",
                        () -> new Plan.Builder().answerCoordinates(st));
            }
            return server.globalLock() ? Plan.PASS : refuse(Rule.COORDINATES_OUTSIDE_LOCK, st,
                    "binlog coordinates read inside the snapshot without the lock do not match it");
        }
        if (server.globalLock()) {
            return Plan.PASS;
        }
        return decide(Rule.COORDINATES_OUTSIDE_LOCK, st, "started the snapshot and answered with its coordinates",
                () -> startSnapshot(st, Start.JOB_COORDINATES));
    }

    private Plan planFlushLogs(Statement st) {
        if (!snapshotOpen()) {
            if (server.globalLock() || settings.mode() != Mode.ENFORCE) {
                return Plan.PASS;
            }
            return decide(Rule.FLUSH_LOGS_IN_SNAPSHOT, st, "FLUSH LOGS sent under the global read lock before the "
                    + "snapshot starts", () -> startSnapshot(st, Start.JOB_FLUSH_LOGS));
        }
        if (snapshotReads == 0 && guardSnapshot) {
            return decide(Rule.FLUSH_LOGS_IN_SNAPSHOT, st, "moved FLUSH LOGS before the snapshot (no table was read "
                    + "yet)", () -> restartSnapshot(st, Start.JOB_FLUSH_LOGS));
        }
        return refuse(Rule.FLUSH_LOGS_IN_SNAPSHOT, st, snapshotReads == 0
                ? "FLUSH LOGS inside the consistent snapshot would end it"
                : "FLUSH LOGS after tables were read would end the snapshot");
    }

    private Plan planLockTables(Statement st) {
        if (st.has(Statement.F_LOCK_WRITE)) {
            return snapshotOpen() ? refuse(Rule.WRITE_IN_BACKUP, st, "LOCK TABLES ... WRITE in a backup session")
                    : Plan.PASS;
        }
        boolean allTransactional = true;
        for (TableName t : st.tables()) {
            if (server.nonTransactional(t)) {
                allTransactional = false;
            }
        }
        if (snapshotOpen()) {
            if (!allTransactional) {
                return refuse(Rule.IMPLICIT_COMMIT, st, "LOCK TABLES commits implicitly and would end the snapshot");
            }
            jobHoldsTableLocks = true;
            return decide(Rule.IMPLICIT_COMMIT, st, "not sent: the snapshot already gives these tables a "
                    + "consistent view, and LOCK TABLES would commit it", () -> new Plan.Builder().answer(Result.OK));
        }
        if (!allTransactional || settings.modeOf(Rule.SNAPSHOT_START) != Mode.ENFORCE) {
            return Plan.PASS;
        }
        jobHoldsTableLocks = true;
        return decide(Rule.SNAPSHOT_START, st, "replaced LOCK TABLES ... READ by a consistent snapshot: every "
                + "table is transactional, and writers are not blocked", () -> startSnapshot(st, Start.JOB_ABSORBED));
    }

    // =================================================================== starting and ending the snapshot

    /** Where the job's triggering statement goes in the start sequence. */
    private enum Start {
        /** A read: the snapshot starts, then the job's statement is sent. */
        BEFORE_JOB_STATEMENT,
        /** The job's FTWRL: it is the lock of the sequence (or is answered without a lock when none is needed). */
        JOB_GLOBAL_LOCK,
        /** The job's START TRANSACTION: the sequence's START TRANSACTION WITH CONSISTENT SNAPSHOT is its answer. */
        JOB_TRANSACTION,
        /** The job's FLUSH LOGS: sent under the lock, before the snapshot. */
        JOB_FLUSH_LOGS,
        /** The job's binlog status or GTID read: answered with the captured coordinates. */
        JOB_COORDINATES,
        /** The job's UNLOCK TABLES came before its snapshot: start it under the job's lock, then release. */
        JOB_UNLOCK,
        /** Answered OK without sending (LOCK TABLES ... READ replaced by the snapshot). */
        JOB_ABSORBED
    }

    private SnapshotWay chooseWay(Start how) {
        if (!facts.binlogOn()) {
            return SnapshotWay.NO_COORDINATES;
        }
        if (how == Start.JOB_FLUSH_LOGS) {
            // The rotation comes right before the snapshot: one while another session's commit is between the binary
            // log and InnoDB leaves Binlog_snapshot_file/_position wrong (docs/server-facts.md, fact 14). FTWRL waits
            // for such a commit, so the rotation and the position read go under it, whatever the way (mariadb-dump
            // takes the lock for --flush-logs with --single-transaction too).
            return SnapshotWay.GLOBAL_LOCK;
        }
        return switch (settings.way()) {
            case GLOBAL_LOCK -> SnapshotWay.GLOBAL_LOCK;
            case SNAPSHOT_STATUS -> facts.snapshotReportsCoordinates() ? SnapshotWay.SNAPSHOT_STATUS : SnapshotWay.GLOBAL_LOCK;
            default -> nonTransactionalInScope() || !facts.snapshotReportsCoordinates()
                    ? SnapshotWay.GLOBAL_LOCK : SnapshotWay.SNAPSHOT_STATUS;
        };
    }

    private boolean nonTransactionalInScope() {
        return !facts.nonTransactionalTables().isEmpty();
    }

    private Plan.Builder restartSnapshot(Statement trigger, Start how) {
        Plan.Builder p = new Plan.Builder().inject(ROLLBACK);
        return addSnapshotStart(p, trigger, how, true);
    }

    private Plan.Builder startSnapshot(Statement trigger, Start how) {
        return addSnapshotStart(new Plan.Builder(), trigger, how, server.globalLock());
    }

    /**
     * The start sequence of PROTOCOL.md section 1, the cheapest safe way the facts allow:
     * [FLUSH LOCAL TABLES, FTWRL, (FLUSH LOGS)] SET RR, START TRANSACTION WITH CONSISTENT SNAPSHOT, coordinates,
     * [UNLOCK TABLES], SAVEPOINT.
     */
    private Plan.Builder addSnapshotStart(Plan.Builder p, Statement trigger, Start how, boolean lockAlreadyHeld) {
        SnapshotWay way = chooseWay(how);
        // The job locked tables itself and some are not transactional: its lock is what makes them consistent (I6),
        // whatever way the coordinates are read. (Answering its FTWRL without sending it, as the snapshot-status way
        // does for all-transactional scopes, left MyISAM tables read with no lock at all.)
        boolean keepLock = how == Start.JOB_GLOBAL_LOCK && nonTransactionalInScope();
        boolean lock = way == SnapshotWay.GLOBAL_LOCK || keepLock;
        boolean heldByJob = how == Start.JOB_UNLOCK || (lockAlreadyHeld && server.globalLock());
        if (facts.flavor() == ServerFacts.Flavor.MARIADB && facts.binlogOn() && !server.binlogSkipped()
                && !binlogSkipDenied && !heldByJob) {
            if (server.inTransaction()) {
                // The job's open transaction would be committed implicitly by the FTWRL or START TRANSACTION that
                // follows anyway; committing it first lets sql_log_bin change (it cannot inside a transaction).
                p.inject(COMMIT);
            }
            p.tryInject(SKIP_BINLOG); // first: nothing more than needed under the lock
            binlogSkippedByGuard = true;
        }
        if (isolationBeforeSnapshot == null) {
            isolationBeforeSnapshot = server.sessionIsolation();
        }
        // Before the lock, not under it as mysqldump sends it: a session variable needs no lock, and every round trip
        // under FTWRL stalls every writer on the server (benchmark 4).
        p.inject(REPEATABLE_READ);
        if (lock && !heldByJob) {
            // FLUSH TABLES WITH READ LOCK is refused under LOCK TABLES (1192, docs/server-facts.md fact 11); the
            // START TRANSACTION below would release the job's table locks anyway (a FLUSH TABLES under them flushed
            // only the locked tables).
            boolean unlock = server.tableLocks() && how != Start.JOB_GLOBAL_LOCK;
            if (unlock) {
                p.inject(UNLOCK_TABLES);
            }
            if (unlock || !server.previousWasFlushTables()) {
                p.inject(FLUSH_LOCAL_TABLES);
                if (how == Start.JOB_GLOBAL_LOCK) {
                    p.finding(finding(Rule.FLUSH_BEFORE_LOCK, Finding.Outcome.CORRECTED, trigger,
                            "FLUSH LOCAL TABLES sent before the global read lock"));
                }
            }
            if (how == Start.JOB_GLOBAL_LOCK) {
                p.execute(trigger);
            } else {
                p.inject(GLOBAL_READ_LOCK);
            }
        }
        if (how == Start.JOB_FLUSH_LOGS) {
            p.execute(trigger); // under the lock when there is one; FLUSH LOGS commits implicitly, so before the snapshot
        }
        if (settings.ddlLock() && facts.hasBackupLock() && !ddlLockHeld) {
            if (facts.flavor() != ServerFacts.Flavor.MARIADB) {
                p.inject(LOCK_INSTANCE);
                ddlLockHeld = true;
            } else if (!lock && !heldByJob) {
                // BACKUP STAGE START commits implicitly: before the snapshot starts.
                p.inject(BACKUP_STAGE_START).inject(BACKUP_STAGE_BLOCK_DDL);
                ddlLockHeld = true;
            } else {
                p.finding(finding(Rule.DDL_DURING_SNAPSHOT, Finding.Outcome.REPORTED, trigger, "DDL lock not taken: "
                        + "on MariaDB BACKUP STAGE conflicts with the global read lock this backup needs (error 1223)"));
            }
        }
        if (how == Start.JOB_TRANSACTION) {
            p.execute(START_SNAPSHOT);
        } else {
            p.inject(START_SNAPSHOT);
        }
        if (way == SnapshotWay.GLOBAL_LOCK) {
            p.readCoordinates(BinlogCoordinates.Source.LOCKED_BINLOG_STATUS);
        } else if (way == SnapshotWay.SNAPSHOT_STATUS) {
            p.readCoordinates(BinlogCoordinates.Source.SNAPSHOT_STATUS);
        }
        if ((lock || heldByJob) && !keepLock) {
            if (how == Start.JOB_UNLOCK) {
                p.execute(null);
            } else {
                p.inject(UNLOCK_TABLES);
            }
            p.completeCoordinates();
            if (how == Start.JOB_GLOBAL_LOCK) {
                p.finding(finding(Rule.LOCK_WHOLE_DUMP, Finding.Outcome.CORRECTED, trigger,
                        "released the global read lock as soon as the snapshot started: every table in scope is transactional"));
            }
        } else if (keepLock) {
            p.completeCoordinates();
            p.finding(finding(Rule.LOCK_WHOLE_DUMP, Finding.Outcome.REPORTED, trigger,
                    "kept the job's global read lock: non-transactional tables in scope " + facts.nonTransactionalTables()));
        } else if (how == Start.JOB_GLOBAL_LOCK) {
            p.finding(finding(Rule.LOCK_WHOLE_DUMP, Finding.Outcome.CORRECTED, trigger,
                    "no global read lock taken: the snapshot reports its own coordinates"));
        }
        p.inject(savepoint);
        switch (how) {
            case BEFORE_JOB_STATEMENT -> p.execute(trigger);
            case JOB_GLOBAL_LOCK -> {
                if (!lock) {
                    p.answer(Result.OK);
                }
                jobHoldsGlobalLock = true;
            }
            case JOB_COORDINATES -> p.answerCoordinates(trigger);
            case JOB_ABSORBED -> p.answer(Result.OK);
            default -> {
                // JOB_TRANSACTION, JOB_FLUSH_LOGS and JOB_UNLOCK executed the job's statement in the sequence.
            }
        }
        pendingBegin = null;
        jobEndedBy = null;
        guardSnapshot = true;
        snapshotReads = 0;
        coordinates = null;
        return p;
    }

    /** Ends the backup session on the server, then plans the job's statement again as on a fresh connection. */
    private Plan endSessionThenReplan() {
        Plan.Builder p = new Plan.Builder();
        addSessionEnd(p, true);
        replanning = true;
        return p.replan().build();
    }

    /**
     * Releases what the session holds (mysqldump's step 7, plus leak safety): RELEASE SAVEPOINT, ROLLBACK of the
     * snapshot, UNLOCK TABLES, the DDL backup lock, and restores the job's isolation level and autocommit.
     */
    private void addSessionEnd(Plan.Builder p, boolean restoreJobView) {
        if (server.hasSavepoint(settings.savepoint())) {
            p.inject(releaseSavepoint);
        }
        if (server.inTransaction() && (guardSnapshot || backup)) {
            p.inject(ROLLBACK);
        }
        if (server.globalLock() || server.tableLocks() || unseenLock) {
            p.inject(UNLOCK_TABLES);
        }
        addBackupLockRelease(p);
        if (server.binlogSkipped() && binlogSkippedByGuard) {
            p.inject(RESTORE_BINLOG); // outside the transaction: sql_log_bin cannot change inside one (1694)
        }
        // The job's level, or the one the session had (a pool's): a pooled connection must not keep the snapshot's.
        IsolationLevel restore = jobIsolation != null ? jobIsolation : isolationBeforeSnapshot;
        if (guardSnapshot && restore != null && restore != IsolationLevel.REPEATABLE_READ) {
            p.inject(Classifier.classify("SET SESSION TRANSACTION ISOLATION LEVEL " + restore.sql()));
        }
        isolationBeforeSnapshot = null;
        if (restoreJobView && !jobAutoCommit && server.autocommit()) {
            p.inject(JdbcCall.AUTOCOMMIT_OFF);
        }
        if (backup) {
            sessions++;
            endingSession = true;
        }
        backup = false;
        guardSnapshot = false;
        jobEndedBy = null;
        jobHoldsGlobalLock = false;
        jobHoldsTableLocks = false;
        pendingBegin = null;
        snapshotReads = 0;
    }

    /**
     * Leak safety for the DDL-only backup lock, the guard's own (ddl-lock) or the job's: a pooled connection would
     * keep blocking DDL server-wide. MariaDB's BACKUP STAGE ends with BACKUP STAGE END, its BACKUP LOCK of a table
     * with BACKUP UNLOCK, MySQL's LOCK INSTANCE FOR BACKUP with UNLOCK INSTANCE.
     */
    private void addBackupLockRelease(Plan.Builder p) {
        if (server.backupTableLock()) {
            p.inject(BACKUP_UNLOCK);
        }
        Kind held = server.backupLock();
        if (ddlLockHeld && held == null) {
            held = facts != null && facts.flavor() == ServerFacts.Flavor.MARIADB ? Kind.BACKUP_STAGE
                    : Kind.LOCK_INSTANCE_FOR_BACKUP;
        }
        if (held != null) {
            p.inject(held == Kind.BACKUP_STAGE ? BACKUP_STAGE_END : UNLOCK_INSTANCE);
        }
        ddlLockHeld = false;
    }

    // =================================================================== decisions

    /**
     * Applies the mode of {@code rule}: enforce carries out the correction, block refuses (consistency rules) or
     * reports (server-impact rules), audit reports what would have been done.
     */
    private Plan decide(Rule rule, Statement st, String detail, java.util.function.Supplier<Plan.Builder> correction) {
        Mode mode = settings.modeOf(rule);
        return switch (mode) {
            case ENFORCE -> correction.get().finding(finding(rule, Finding.Outcome.CORRECTED, st, detail)).build();
            case BLOCK -> rule.severity() == Rule.Severity.CONSISTENCY
                    ? refusal(rule, st, blockDetail(rule, detail))
                    : Plan.pass(List.of(finding(rule, Finding.Outcome.REPORTED, st, detail)));
            case AUDIT -> Plan.pass(List.of(finding(rule, rule.severity() == Rule.Severity.CONSISTENCY
                    ? Finding.Outcome.WOULD_REFUSE : Finding.Outcome.WOULD_CORRECT, st, detail)));
            case OFF -> Plan.PASS;
        };
    }

    /** Block-mode wording: say what is wrong, not what enforce mode would have done. */
    private String blockDetail(Rule rule, String enforceDetail) {
        if (rule == Rule.SNAPSHOT_START && server.transactionEndedBy() != null) {
            return rule.problem() + "; the snapshot was ended by " + Finding.quote(server.transactionEndedBy());
        }
        return rule.problem();
    }

    /** Refused in enforce and block modes (there is no safe correction), reported in audit mode. */
    private Plan refuse(Rule rule, Statement st, String detail) {
        return switch (settings.modeOf(rule)) {
            case ENFORCE, BLOCK -> refusal(rule, st, detail);
            case AUDIT -> Plan.pass(List.of(finding(rule, Finding.Outcome.WOULD_REFUSE, st, detail)));
            case OFF -> Plan.PASS;
        };
    }

    /** Reported (enforce: the statement still runs), refused in block mode. */
    private Plan report(Rule rule, Statement st, String detail) {
        return switch (settings.modeOf(rule)) {
            case ENFORCE -> Plan.pass(List.of(finding(rule, Finding.Outcome.REPORTED, st, detail)));
            case BLOCK -> refusal(rule, st, detail);
            case AUDIT -> Plan.pass(List.of(finding(rule, Finding.Outcome.WOULD_REFUSE, st, detail)));
            case OFF -> Plan.PASS;
        };
    }

    private Plan refusal(Rule rule, Statement st, String detail) {
        Finding f = finding(rule, Finding.Outcome.REFUSED, st, detail);
        return new Plan(List.of(new Step.Refuse(f)), List.of(f));
    }

    private Plan absorbed() {
        return new Plan.Builder().answer(Result.OK).build();
    }

    private Finding finding(Rule rule, Finding.Outcome outcome, Statement st, String detail) {
        return new Finding(rule, outcome, position, st == null ? null : st.sql(), detail);
    }

    /**
     * Last checks on a plan. Never inject on a connection with an open result set: Connector/J would throw, MariaDB
     * would buffer the rest. Never start a snapshot after this backup session already read tables outside one
     * (under the job's own table locks): neither it nor its coordinates could match those tables.
     */
    private Plan guardPlan(Plan plan, Statement st) {
        if (plan.isPass()) {
            return plan;
        }
        for (Step s : plan.steps()) {
            if (openResultSets > 0 && (s instanceof Step.Inject || s instanceof Step.ReadCoordinates)) {
                return refusal(Rule.SNAPSHOT_START, st, "backup-guard must send statements first, but a result set "
                        + "is still open on this connection; read it to the end or close it before this statement");
            }
            if (server.dataReads() > 0 && startsSnapshot(s)) {
                return refusal(Rule.SNAPSHOT_START, st, "this backup session already read " + server.tablesRead()
                        + " outside a snapshot (under the job's own table locks); a snapshot or coordinates taken "
                        + "now would not match them");
            }
        }
        return plan;
    }

    private static boolean startsSnapshot(Step s) {
        Statement st = s instanceof Step.Inject i ? i.statement() : s instanceof Step.Execute e ? e.statement() : null;
        return st != null && st.kind() == Kind.START_TRANSACTION && st.isConsistentSnapshot();
    }

    private static String describe(TableName t) {
        return t == null ? "the tables of this query" : "table " + t;
    }

    /** The verdict of a backup session: consistent or not, and why. */
    public record Verdict(boolean backupSession, List<Finding> violations, BinlogCoordinates coordinates,
                          List<TableName> tablesRead) {
        /** No violation of a consistency rule in what reached the server. */
        public boolean consistent() {
            for (Finding f : violations) {
                if (f.rule().severity() == Rule.Severity.CONSISTENCY) {
                    return false;
                }
            }
            return true;
        }
    }
}
