package dev.backupguard.protocol;

import dev.backupguard.classify.AdminForms;
import dev.backupguard.classify.IsolationLevel;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.SqlLogBin;
import dev.backupguard.classify.Statement;
import dev.backupguard.classify.TableName;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A model of one server session, fed with the statements that actually reached the server, and the judge of the
 * protocol over them.
 *
 * <p>Consistency is judged with <em>moments</em>: every data read sees the database as of some moment. A read view
 * created by {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} (or by the first read of an REPEATABLE READ
 * transaction) is one moment; a global read lock hold is one moment (no commit can happen while it is held, so a view
 * created under it is that same moment); every autocommit or READ COMMITTED read is a moment of its own. A backup is
 * consistent when every data read and the coordinates are from one moment. This one mechanism judges every unsafe
 * pattern of PROTOCOL.md section 3; the rule named in a violation says why the moments differ.
 *
 * <p>Server semantics relied on (MySQL 5.5+ and MariaDB): the statements {@link ImplicitCommit} names commit
 * implicitly, even when the server then refuses them; START TRANSACTION releases LOCK TABLES locks
 * but not the global read lock; UNLOCK TABLES after FTWRL does not commit; ROLLBACK TO SAVEPOINT releases the metadata
 * locks taken after the savepoint; WITH CONSISTENT SNAPSHOT is ignored below REPEATABLE READ.
 */
final class ServerSession {

    private static final Set<String> SYSTEM_SCHEMAS = Set.of("information_schema", "performance_schema", "mysql", "sys");
    /** ER_SP_DOES_NOT_EXIST: "SAVEPOINT sp does not exist" after ROLLBACK TO / RELEASE SAVEPOINT. */
    static final int SAVEPOINT_DOES_NOT_EXIST = 1305;
    /** What ended a snapshot when no statement the model saw can have. */
    static final String UNSEEN = "a statement backup-guard did not recognise as committing";

    private ServerFacts facts;
    private String currentSchema;

    // What the server holds for this session.
    private boolean globalLock;
    private long lockMoment;
    /**
     * The server could not tell whether the session still holds the global read lock after a statement backup-guard
     * cannot see into: it is still released (and bounded) as if held, but it makes no two reads one moment.
     */
    private boolean globalLockDoubted;
    private final Set<TableName> lockedTables = new HashSet<>();
    private long tableLockMoment;
    /**
     * A statement backup-guard cannot see into ran while LOCK TABLES locks were held (this is its text): it may have
     * released them (UNLOCK TABLES, START TRANSACTION inside a procedure), so they no longer vouch for the moment of
     * a read. They are still released when the session ends. Null while no such statement ran.
     */
    private String tableLocksDoubtedSince;
    /**
     * The same for the open transaction: a statement backup-guard cannot see into ran in it (this is its text) with
     * no check of the server's state to follow (outside a backup session) or no read view to prove alive later by a
     * savepoint: it may have ended the transaction, so its reads are each taken as their own moment until it ends.
     */
    private String transactionDoubtedSince;
    private boolean autocommit = true;
    private IsolationLevel sessionIsolation = IsolationLevel.REPEATABLE_READ;
    private IsolationLevel nextTransactionIsolation;
    private boolean inTransaction;
    /** Started by START TRANSACTION or BEGIN, not by the first statement under autocommit=0. */
    private boolean explicitTransaction;
    /** The next-transaction level this transaction took, which the server may still hold if its own did not start. */
    private IsolationLevel levelTakenFromPending;
    private IsolationLevel transactionIsolation;
    private long viewMoment;
    private boolean viewFromConsistentSnapshot;
    private final Set<String> savepoints = new HashSet<>();
    private final Set<TableName> metadataLocked = new LinkedHashSet<>();
    private String transactionEndedBy;
    private boolean binlogSkipped;
    private Kind backupLock;
    /** MariaDB's BACKUP LOCK of a table, held until BACKUP UNLOCK or the end of the connection. */
    private boolean backupTableLock;
    private Rule transactionEndRule;
    /**
     * Since the server last proved the transaction alive (a savepoint set or rolled back to): the first statement
     * whose effect on it is unknown (CALL, EXECUTE, ...), and the tables read after it and since the proof. A
     * savepoint the server then no longer knows (1305) shows the transaction had ended by then, unseen.
     */
    private String opaqueSinceProof;
    /** Savepoints set since {@link #opaqueSinceProof}: they may belong to a transaction that began after it. */
    private final Set<String> savepointsSinceOpaque = new HashSet<>();
    private final Set<String> readsSinceOpaque = new LinkedHashSet<>();
    private final Set<String> readsSinceProof = new LinkedHashSet<>();

    // The judge's memory.
    private long moments;
    private long dataMoment;
    private TableName firstTable;
    /** The statement backup-guard cannot see into whose possible read is the backup's first, or null. */
    private String firstReadOpaque;
    private long coordinatesMoment;
    private boolean coordinatesUnderLock;
    private boolean coordinatesFromSnapshotStatus;
    private long lockReleasedBeforeView;
    private boolean previousWasFlushTables;
    private int dataReads;
    private final Set<Rule> reportedOnce = new HashSet<>();
    private final Set<TableName> tablesRead = new LinkedHashSet<>();

    ServerSession() {
    }

    void facts(ServerFacts facts) {
        this.facts = facts;
    }

    void currentSchema(String schema) {
        this.currentSchema = schema;
    }

    String currentSchema() {
        return currentSchema;
    }

    /** Initial JDBC autocommit state of a connection the guard wraps (the driver knows it without a round trip). */
    void autocommit(boolean on) {
        this.autocommit = on;
    }

    boolean binlogSkipped() {
        return binlogSkipped;
    }

    /**
     * The server's DDL-only backup lock this session holds: {@link Kind#LOCK_INSTANCE_FOR_BACKUP} (MySQL 8.0, released
     * by UNLOCK INSTANCE), {@link Kind#BACKUP_STAGE} (MariaDB, from BACKUP STAGE START to BACKUP STAGE END), or null.
     */
    Kind backupLock() {
        return backupLock;
    }

    /** Whether the session holds MariaDB's BACKUP LOCK of a table (released by BACKUP UNLOCK). */
    boolean backupTableLock() {
        return backupTableLock;
    }

    /**
     * Whether ROLLBACK TO SAVEPOINT releases the metadata locks taken after the savepoint. On MariaDB with the binary
     * log on it does not, unless the session does not log to the binlog (sql_log_bin=0): trans_rollback_to_savepoint
     * releases MDL only when every engine of the transaction agrees, and the binlog does not (fact 3d).
     */
    boolean savepointReleasesMetadataLocks() {
        return facts == null || facts.flavor() != ServerFacts.Flavor.MARIADB || !facts.binlogOn() || binlogSkipped;
    }

    /** A new backup session starts on this connection: forget what the judge saw before it. */
    void startJudging() {
        dataMoment = 0;
        firstTable = null;
        firstReadOpaque = null;
        coordinatesMoment = 0;
        coordinatesUnderLock = false;
        coordinatesFromSnapshotStatus = false;
        lockReleasedBeforeView = 0;
        dataReads = 0;
        reportedOnce.clear();
        tablesRead.clear();
        transactionEndedBy = null;
    }

    // ------------------------------------------------------------------ state queries for the planner

    boolean globalLock() {
        return globalLock;
    }

    boolean tableLocks() {
        return !lockedTables.isEmpty();
    }

    /** LOCK TABLES locks are held, but a statement backup-guard cannot see into may have released them. */
    boolean tableLocksDoubted() {
        return tableLocksDoubtedSince != null;
    }

    boolean tableLocked(TableName t) {
        return lockedTables.contains(qualify(t));
    }

    boolean inTransaction() {
        return inTransaction;
    }

    /** A read view exists that every further read of a transactional table will use. */
    boolean snapshotOpen() {
        return inTransaction && viewMoment != 0 && repeatable(transactionIsolation);
    }

    boolean autocommit() {
        return autocommit;
    }

    IsolationLevel sessionIsolation() {
        return sessionIsolation;
    }

    /** The isolation level of the open transaction, or null outside one. */
    IsolationLevel transactionIsolation() {
        return inTransaction ? transactionIsolation : null;
    }

    int dataReads() {
        return dataReads;
    }

    boolean wasRead(TableName t) {
        return tablesRead.contains(qualify(t));
    }

    boolean hasSavepoint(String name) {
        return savepoints.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Tables whose metadata locks this transaction holds since the last ROLLBACK TO SAVEPOINT. */
    Set<TableName> metadataLocked() {
        return metadataLocked;
    }

    boolean previousWasFlushTables() {
        return previousWasFlushTables;
    }

    /** Coordinates were read under the global read lock that is still held. */
    boolean coordinatesReadUnderHeldLock() {
        return globalLock && coordinatesUnderLock && coordinatesMoment == lockMoment;
    }

    /** Data was read under the global read lock that is still held (the --lock-all-tables style). */
    boolean dataReadUnderHeldLock() {
        return globalLock && dataMoment != 0 && dataMoment == lockMoment;
    }

    /** The statement that ended the last snapshot, or null. */
    String transactionEndedBy() {
        return transactionEndedBy;
    }

    Set<TableName> tablesRead() {
        return tablesRead;
    }

    // ------------------------------------------------------------------ classification helpers

    /** A read of table rows (not metadata, not a system schema). */
    boolean isDataRead(Statement st) {
        if (st.kind() != Kind.SELECT) {
            return false;
        }
        TableName t = st.target();
        if (t != null) {
            return !isSystem(qualify(t));
        }
        // Several tables (a join, subqueries): a data read unless it is a metadata query, which always names a
        // system schema (mysqldump's INFORMATION_SCHEMA.FILES queries with subqueries, for one).
        return st.has(Statement.F_FROM) && !containsIgnoreCase(st.sql(), "information_schema")
                && !containsIgnoreCase(st.sql(), "performance_schema");
    }

    boolean isSystem(TableName qualified) {
        String schema = qualified.schema();
        return schema != null && SYSTEM_SCHEMAS.contains(schema.toLowerCase(Locale.ROOT));
    }

    TableName qualify(TableName t) {
        if (t == null) {
            return null;
        }
        TableName q = t.qualify(currentSchema);
        // Case-fold for comparison: table names are case-insensitive on most installations (lower_case_table_names).
        return new TableName(q.schema() == null ? null : q.schema().toLowerCase(Locale.ROOT), q.table().toLowerCase(Locale.ROOT));
    }

    boolean nonTransactional(TableName t) {
        return facts != null && t != null && facts.isNonTransactional(qualify(t));
    }

    /** A live GTID read (not BINLOG_GTID_POS(file, pos), which only translates coordinates already read). */
    static boolean isLiveGtidRead(Statement st) {
        return st.isGtidRead() && !containsIgnoreCase(st.sql(), "BINLOG_GTID_POS");
    }

    static boolean containsIgnoreCase(String text, String word) {
        if (text == null) {
            return false;
        }
        int n = word.length();
        for (int i = 0, last = text.length() - n; i <= last; i++) {
            if (text.regionMatches(true, i, word, 0, n)) {
                return true;
            }
        }
        return false;
    }

    private static boolean repeatable(IsolationLevel level) {
        return level == IsolationLevel.REPEATABLE_READ || level == IsolationLevel.SERIALIZABLE;
    }

    /**
     * Whether reading {@code st} now would see the same moment as the backup's earlier reads and coordinates (a read
     * of a non-transactional table outside the lock is reported on its own, I6). No state changes.
     */
    boolean wouldReadConsistently(Statement st) {
        long reference = dataMoment != 0 ? dataMoment : coordinatesMoment;
        TableName table = qualify(st.target());
        if (reference == 0 || (nonTransactional(table) && !globalLock)) {
            return true;
        }
        long moment;
        if (table != null && lockedTables.contains(table)) {
            moment = tableLocksDoubtedSince == null ? tableLockMoment : -1;
        } else if (!st.isLockingRead() && (inTransaction || !autocommit)
                && repeatable(inTransaction ? transactionIsolation
                : nextTransactionIsolation != null ? nextTransactionIsolation : sessionIsolation)
                && inTransaction && viewMoment != 0 && transactionDoubtedSince == null) {
            moment = viewMoment;
        } else {
            moment = globalLock && !globalLockDoubted ? lockMoment : -1;
        }
        return moment == reference;
    }

    /**
     * Whether what {@code st}, a statement backup-guard cannot see into, reads (if anything) would be from the backup's
     * moment: as a read of a table it does not name would be, or under LOCK TABLES, where nothing but the locked tables
     * can be read (1100), as theirs. Its reads come before any effect of its own.
     */
    boolean opaqueReadsConsistently(Statement st) {
        long reference = dataMoment != 0 ? dataMoment : coordinatesMoment;
        if (!lockedTables.isEmpty() && tableLocksDoubtedSince == null) {
            return reference == 0 || reference == tableLockMoment;
        }
        return wouldReadConsistently(st);
    }

    /**
     * The moment of what a statement backup-guard cannot see into reads, when it is the backup's first: the table
     * locks', the snapshot's, the read view it creates in a REPEATABLE READ transaction the job started, the global
     * read lock's; otherwise one of its own (where the server's transaction may not have started yet, reading nothing
     * would leave its level open to change).
     */
    private long opaqueReadMoment() {
        if (!lockedTables.isEmpty() && tableLocksDoubtedSince == null) {
            return tableLockMoment;
        }
        if (inTransaction && transactionDoubtedSince == null && repeatable(transactionIsolation)
                && (viewMoment != 0 || explicitTransaction)) {
            if (viewMoment == 0) {
                createView(false);
            }
            return viewMoment;
        }
        return lockedOrNew();
    }

    private String firstRead() {
        return firstTable != null ? firstTable.toString() : firstReadOpaque != null
                ? "what " + Finding.quote(firstReadOpaque) + " may have read" : "the first read";
    }

    // ------------------------------------------------------------------ applying what reached the server

    /**
     * Records that the server executed {@code st} and judges it.
     *
     * @param judge     whether this session is a backup session whose reads are judged
     * @param position  statement number for findings
     * @param out       receives violations (protocol broken by what was sent)
     */
    void apply(Statement st, boolean judge, long position, List<Finding> out) {
        if (st.kind() == Kind.START_TRANSACTION && st.has(Statement.F_MALFORMED)) {
            // START TRANSACTION WITH, not followed by CONSISTENT SNAPSHOT: a syntax error, the server changed nothing.
            previousWasFlushTables = false;
            return;
        }
        boolean flushTables = false;
        SqlLogBin binlog = SqlLogBin.assignedBy(st);
        if (binlog != SqlLogBin.UNCHANGED && !inTransaction) {
            // Recognised by its text, whoever sent it. Inside a transaction the server refuses the change (1694).
            binlogSkipped = binlog == SqlLogBin.OFF;
        }
        if (judge && st.kind() == Kind.OPAQUE) {
            // Whatever it reads (EXECUTE of a prepared SELECT, a procedure's result) is read before any effect of its
            // own: at the moment a read of an unnamed table would see.
            if (!opaqueReadsConsistently(st)) {
                out.add(violation(Rule.OPAQUE_STATEMENT, position, st, "what it reads is not from the moment of "
                        + (dataMoment == 0 ? "the binlog coordinates" : firstRead())));
            } else if (dataMoment == 0 && coordinatesMoment == 0) {
                dataMoment = opaqueReadMoment();
                firstReadOpaque = st.sql();
            }
        }
        doubtAfterOpaque(st, judge);
        if (ImplicitCommit.commits(st, facts, !lockedTables.isEmpty(), autocommit)) {
            // Before the statement runs (MariaDB 11.4: FTWRL inside a transaction commits it silently, fact 3).
            endTransaction(st, endRule(st));
        } else if (viewMoment != 0) {
            noteTransactionEvidence(st);
        }
        switch (st.kind()) {
            case USE -> currentSchema = st.name() != null ? st.name() : currentSchema; // a nameless USE fails
            case FLUSH_TABLES -> flushTables = true;
            case FLUSH_TABLES_WITH_READ_LOCK -> {
                if (!lockedTables.isEmpty()) {
                    // Refused while LOCK TABLES locks are held, after its commit above (error 1192, fact 11): the
                    // table locks stay, no lock is taken. Also where they may have been released unseen: a lock the
                    // model does not hold makes no two reads one moment (the session end releases it all the same).
                    previousWasFlushTables = false;
                    return;
                }
                if (judge && !previousWasFlushTables) {
                    once(out, Rule.FLUSH_BEFORE_LOCK, position, st, "no FLUSH TABLES right before the global read lock");
                }
                if (st.tables().isEmpty()) {
                    globalLock = true;
                    globalLockDoubted = false;
                    lockMoment = newMoment();
                } else {
                    lockTables(st.tables());
                }
            }
            case UNLOCK_TABLES -> {
                lockedTables.clear();
                tableLocksDoubtedSince = null;
                if (globalLock) {
                    globalLock = false;
                    globalLockDoubted = false;
                    if (judge && coordinatesUnderLock && coordinatesMoment == lockMoment && dataMoment == 0
                            && !(snapshotOpen() && viewMoment == lockMoment)) {
                        // Coordinates were read under this lock but no snapshot was taken under it.
                        lockReleasedBeforeView = lockMoment;
                    }
                }
            }
            case LOCK_TABLES -> lockTables(st.tables());
            case SET_TRANSACTION_ISOLATION -> {
                // A null level (DEFAULT, an expression) is unknown: the model keeps the level it had.
                if (!st.isGlobal() && st.isolation() != null) {
                    isolationSet(st.isolation(), st.has(Statement.F_NEXT_TRANSACTION));
                }
            }
            case SET_AUTOCOMMIT -> {
                if (st.isolation() != null && !st.isGlobal()) {
                    isolationSet(st.isolation(), false); // SET autocommit=0, transaction_isolation='...' in one SET
                }
                autocommit = st.isAutocommitOn();
            }
            case START_TRANSACTION, BEGIN -> {
                lockedTables.clear(); // START TRANSACTION releases LOCK TABLES locks (not the global read lock)
                tableLocksDoubtedSince = null;
                beginTransaction();
                explicitTransaction = true;
                if (st.isConsistentSnapshot() && repeatable(transactionIsolation)) {
                    createView(true);
                }
            }
            case COMMIT, ROLLBACK -> endTransaction(st, Rule.SNAPSHOT_END);
            // A SAVEPOINT or ROLLBACK TO without a name, or with a quoted string, is a syntax error, and a ROLLBACK
            // TO a savepoint the transaction does not have fails (1305): the server changes nothing (fact 13). The
            // classifier gives no name for `` either, which the server takes: metadata locks are then kept, the
            // cautious side.
            case SAVEPOINT -> {
                if (st.name() != null && (inTransaction || !autocommit)) {
                    ensureTransaction();
                    savepoints.add(st.name().toLowerCase(Locale.ROOT));
                }
            }
            case ROLLBACK_TO_SAVEPOINT -> {
                if (st.name() != null && hasSavepoint(st.name()) && savepointReleasesMetadataLocks()) {
                    metadataLocked.clear();
                }
            }
            // BACKUP STAGE exists on MariaDB only, LOCK INSTANCE FOR BACKUP on MySQL and Percona only: elsewhere
            // each is a syntax error, and must not hide the lock the other one holds.
            case BACKUP_STAGE -> {
                if (facts == null || facts.flavor() == ServerFacts.Flavor.MARIADB) {
                    backupLock = "END".equals(st.name()) ? null : Kind.BACKUP_STAGE;
                }
            }
            case LOCK_INSTANCE_FOR_BACKUP -> {
                if (facts == null || facts.flavor() != ServerFacts.Flavor.MARIADB) {
                    backupLock = Kind.LOCK_INSTANCE_FOR_BACKUP;
                }
            }
            case UNLOCK_INSTANCE -> {
                if (backupLock == Kind.LOCK_INSTANCE_FOR_BACKUP) {
                    backupLock = null;
                }
            }
            case ADMIN -> {
                // MariaDB's only: on MySQL and Percona both are syntax errors and take nothing.
                if (facts == null || facts.flavor() == ServerFacts.Flavor.MARIADB) {
                    if (AdminForms.BACKUP_LOCK.equals(st.name())) {
                        backupTableLock = true;
                    } else if (AdminForms.BACKUP_UNLOCK.equals(st.name())) {
                        backupTableLock = false;
                    }
                }
            }
            case RELEASE_SAVEPOINT -> savepoints.remove(st.name() == null ? "" : st.name().toLowerCase(Locale.ROOT));
            case DML -> {
                IsolationLevel pending = nextTransactionIsolation;
                ensureTransactionIfNoAutocommit();
                if (!inTransaction) {
                    nextTransactionIsolation = null; // its own transaction took the pending level (fact 13)
                }
                if ((globalLock || !lockedTables.isEmpty()) && pending != null && !repeatable(pending)) {
                    // Under a lock the write may have been refused (1223, or 1099/1100 for a table not locked for
                    // writing) before any transaction started: the weaker next-transaction level may still be pending.
                    nextTransactionIsolation = pending;
                }
                // Inside the snapshot the write is seen by the reads that follow (the dump would hold uncommitted
                // data) and a savepoint rollback would undo it; before the snapshot it harms nothing.
                if (judge && snapshotOpen()) {
                    out.add(violation(Rule.WRITE_IN_BACKUP, position, st, "a write inside the backup's snapshot"));
                }
            }
            case SHOW_CREATE_TABLE, SHOW_COLUMNS -> {
                ensureTransactionIfNoAutocommit();
                if (inTransaction && st.target() != null) {
                    metadataLocked.add(qualify(st.target()));
                }
            }
            case SHOW_BINLOG_STATUS -> coordinatesRead(judge, position, st, false, out);
            case SHOW_STATUS -> {
                if (st.isSnapshotStatusRead()) {
                    coordinatesRead(judge, position, st, true, out);
                }
            }
            case SELECT -> select(st, judge, position, out);
            default -> {
                // DDL, ADMIN, FLUSH_*: their commit is above. SET_OTHER, SHOW_*, KILL, OTHER, EMPTY: no effect.
            }
        }
        // A SET between FLUSH TABLES and FTWRL opens no table: the flush still did its work (the guard sends the
        // isolation level there, outside the lock).
        boolean neutral = st.kind() == Kind.SET_TRANSACTION_ISOLATION || st.kind() == Kind.SET_OTHER;
        previousWasFlushTables = flushTables || (neutral && previousWasFlushTables);
    }

    /**
     * The server refused {@code st}. Returns whether the refusal showed that the snapshot had already ended unseen
     * (see {@link #savepointGone}).
     */
    boolean failed(Statement st, int vendorCode, boolean judge, long position, List<Finding> out) {
        boolean unseenEnd = false;
        doubtAfterOpaque(st, judge); // a procedure may release them, or commit, and then fail
        if (viewMoment != 0 && (st.kind() == Kind.OTHER || st.kind() == Kind.OPAQUE)) {
            noteTransactionEvidence(st); // a procedure may commit and then fail
        }
        if (ImplicitCommit.commitsWhenFailed(st, vendorCode, facts, !lockedTables.isEmpty(), autocommit)) {
            endTransaction(st, endRule(st)); // committed before it was refused (fact 12)
        } else if (vendorCode == SAVEPOINT_DOES_NOT_EXIST) {
            unseenEnd = savepointGone(st, judge, position, out);
        }
        // 1412: "Table definition has changed, please retry transaction" (ER_TABLE_DEF_CHANGED): DDL elsewhere broke
        // the snapshot for this table.
        if (vendorCode == 1412 && judge) {
            out.add(violation(Rule.DDL_DURING_SNAPSHOT, position, st,
                    "table " + st.target() + " was changed by DDL after the snapshot started"));
        }
        // 1213 (deadlock) rolls back the whole transaction; 1205 (lock wait timeout) only the statement by default.
        if (vendorCode == 1213) {
            endTransaction(st, Rule.SNAPSHOT_END);
        }
        previousWasFlushTables = false;
        return unseenEnd;
    }

    private void select(Statement st, boolean judge, long position, List<Finding> out) {
        // Any statement starts a transaction when autocommit is off, a table-less SELECT too.
        ensureTransactionIfNoAutocommit();
        if (!inTransaction && isDataRead(st)) {
            nextTransactionIsolation = null; // its own transaction took the pending level (fact 13)
        }
        if (isLiveGtidRead(st)) {
            coordinatesRead(judge, position, st, false, out);
        }
        if (!isDataRead(st)) {
            return;
        }
        TableName table = qualify(st.target());
        long moment;
        Rule why = null;
        String whyDetail = null;
        if (table != null && lockedTables.contains(table) && tableLocksDoubtedSince != null) {
            moment = lockedOrNew();
            why = Rule.OPAQUE_STATEMENT;
            whyDetail = "the LOCK TABLES locks may have been released inside " + Finding.quote(tableLocksDoubtedSince);
        } else if (table != null && lockedTables.contains(table)) {
            moment = tableLockMoment;
        } else if (st.isLockingRead()) {
            moment = lockedOrNew();
            why = Rule.LOCKING_READ;
            whyDetail = "a locking read sees the latest rows, not the snapshot";
        } else if (nonTransactional(table)) {
            if (globalLock) {
                moment = lockedOrNew();
            } else {
                // I6: its rows are as of this SELECT, in no snapshot: reported by name, and not taken as the
                // moment the rest of the backup is compared with.
                if (judge) {
                    out.add(violation(Rule.NON_TRANSACTIONAL_TABLE, position, st, "table " + table
                            + " is not transactional and was read without the global read lock"));
                }
                dataReads++;
                tablesRead.add(table);
                return;
            }
        } else if (inTransaction && transactionDoubtedSince != null) {
            moment = lockedOrNew();
            why = Rule.OPAQUE_STATEMENT;
            whyDetail = "the transaction may have ended inside " + Finding.quote(transactionDoubtedSince);
        } else if (inTransaction && repeatable(transactionIsolation)) {
            if (viewMoment == 0) {
                createView(false);
            }
            moment = viewMoment;
            if (!viewFromConsistentSnapshot && coordinatesMoment != 0 && coordinatesMoment != moment) {
                why = Rule.CONSISTENT_SNAPSHOT;
                whyDetail = "the read view was created at this first SELECT, not at START TRANSACTION";
            }
        } else if (inTransaction) {
            moment = lockedOrNew();
            why = Rule.REPEATABLE_READ;
            whyDetail = "under " + transactionIsolation.sql() + " every SELECT sees its own moment";
        } else {
            moment = lockedOrNew();
            why = transactionEndedBy != null ? transactionEndRule : Rule.SNAPSHOT_START;
            whyDetail = transactionEndedBy != null
                    ? "the snapshot was ended by " + Finding.quote(transactionEndedBy)
                    : "no transaction: every SELECT sees its own moment";
        }
        if (judge) {
            judgeRead(st, table, moment, why, whyDetail, position, out);
        }
        noteSnapshotRead(table);
        dataReads++;
        if (table != null) {
            tablesRead.add(table);
        }
        if (inTransaction && table != null) {
            metadataLocked.add(table);
        }
    }

    private void judgeRead(Statement st, TableName table, long moment, Rule why, String whyDetail, long position,
                           List<Finding> out) {
        String name = table == null ? "the tables of this query" : "table " + table;
        if (globalLock && moment == viewMomentIfOpen() && !nonTransactional(table)) {
            once(out, Rule.LOCK_WHOLE_DUMP, position, st,
                    "the global read lock is still held while " + name + " is read in the snapshot");
        } else if (globalLock && !inTransaction) {
            once(out, Rule.LOCK_WHOLE_DUMP, position, st,
                    "the global read lock is held for the data reads (" + name + ")");
        }
        if (dataMoment == 0) {
            dataMoment = moment;
            firstTable = table;
            if (coordinatesMoment != 0 && coordinatesMoment != moment) {
                out.add(coordinatesMismatch(st, position));
            }
        } else if (moment != dataMoment) {
            if (why == null && transactionEndedBy != null) {
                why = transactionEndRule;
                whyDetail = "the snapshot was ended by " + Finding.quote(transactionEndedBy);
            }
            Rule rule = why != null ? why : Rule.SNAPSHOT_START;
            String detail = (whyDetail != null ? whyDetail : "read at another moment")
                    + ": " + name + " is not consistent with " + firstRead();
            out.add(violation(rule, position, st, detail));
        }
        TableName held = table == null ? null : otherThan(metadataLocked, table);
        if (inTransaction && held != null && !globalLock) {
            // Also where the server cannot release them (MariaDB, binlog on, no sql_log_bin=0): the locks are held.
            once(out, Rule.MDL_PER_TABLE, position, st,
                    "tables already read (" + held + ") keep their metadata locks while " + table + " is read");
        }
    }

    private static TableName otherThan(Set<TableName> tables, TableName table) {
        for (TableName t : tables) {
            if (!t.equals(table)) {
                return t;
            }
        }
        return null;
    }

    private Finding coordinatesMismatch(Statement st, long position) {
        if (coordinatesFromSnapshotStatus) {
            return violation(Rule.COORDINATES_OUTSIDE_LOCK, position, st,
                    "binlog_snapshot coordinates were read outside the snapshot the data is read from");
        }
        if (!coordinatesUnderLock) {
            return violation(Rule.COORDINATES_OUTSIDE_LOCK, position, st,
                    "the binlog coordinates were read without the global read lock and do not match the data");
        }
        if (lockReleasedBeforeView != 0 && lockReleasedBeforeView == coordinatesMoment) {
            return violation(viewFromConsistentSnapshot ? Rule.UNLOCK_BEFORE_SNAPSHOT : Rule.CONSISTENT_SNAPSHOT, position, st,
                    "the coordinates were read under a global read lock that was released before the snapshot started");
        }
        return violation(Rule.CONSISTENT_SNAPSHOT, position, st,
                "the snapshot was not created under the lock the coordinates were read under");
    }

    private void coordinatesRead(boolean judge, long position, Statement st, boolean snapshotStatus, List<Finding> out) {
        long moment;
        if (snapshotStatus && snapshotOpen() && viewFromConsistentSnapshot) {
            moment = viewMoment;
        } else {
            moment = lockedOrNew();
        }
        coordinatesMoment = moment;
        coordinatesUnderLock = globalLock;
        coordinatesFromSnapshotStatus = snapshotStatus;
        if (judge && dataMoment != 0 && moment != dataMoment) {
            out.add(coordinatesMismatch(st, position));
        }
    }

    private long viewMomentIfOpen() {
        return snapshotOpen() ? viewMoment : -1;
    }

    private long lockedOrNew() {
        return globalLock && !globalLockDoubted ? lockMoment : newMoment();
    }

    private long newMoment() {
        return ++moments;
    }

    private void lockTables(List<TableName> tables) {
        lockedTables.clear();
        tableLocksDoubtedSince = null;
        for (TableName t : tables) {
            lockedTables.add(qualify(t));
        }
        tableLockMoment = newMoment();
    }

    /**
     * SET [SESSION] TRANSACTION ISOLATION LEVEL (docs/server-facts.md, fact 13; MySQL 8.4 manual, "SET TRANSACTION
     * Statement"). The next-transaction form is refused inside a transaction in progress (1568); the SESSION form set
     * between transactions replaces a pending next-transaction level. Under autocommit=0 this model's transaction
     * starts before the server's, which starts only at the first table read or written (not at SELECT 1, SHOW CREATE
     * TABLE or SAVEPOINT; START TRANSACTION and LOCK TABLES start it at once): until its read view exists, a weaker
     * level is taken as the one it runs at, never a stronger one.
     */
    private void isolationSet(IsolationLevel level, boolean nextOnly) {
        if (!nextOnly) {
            sessionIsolation = level;
        }
        // LOCK TABLES under autocommit=0 starts a transaction on the server (fact 13), not in this model.
        boolean lockTransaction = !inTransaction && !autocommit && !lockedTables.isEmpty();
        if (!inTransaction && !(lockTransaction && nextOnly)) {
            nextTransactionIsolation = nextOnly ? level : null;
        } else if (!inTransaction) {
            if (!repeatable(level)) {
                nextTransactionIsolation = level; // refused (1568): the weaker level is the safe guess
            }
        } else if (viewMoment == 0 && !explicitTransaction) {
            if (!repeatable(level)) {
                transactionIsolation = level;
                levelTakenFromPending = nextOnly ? level : null;
            } else if (!nextOnly) {
                levelTakenFromPending = null; // had the server no transaction yet, this replaced its pending level
            }
        }
    }


    /**
     * What is left of a pending next-transaction level when {@code st} ends the transaction (docs/server-facts.md,
     * fact 13): the end of a transaction in progress, and COMMIT, ROLLBACK or an implicit commit even with none, set
     * it back to the session's level; START TRANSACTION and BEGIN with no transaction in progress take it, and SET
     * autocommit=1 leaves it. Where this model's transaction (autocommit=0, no read view yet) may not have started
     * on the server, a weaker level it ran at may still be pending; and so may a weaker pending level where the
     * server may not have parsed {@code st} at all ({@link ImplicitCommit#maySyntaxError}).
     */
    private void pendingLevelAtEnd(Statement st) {
        boolean keeps = st.kind() == Kind.START_TRANSACTION || st.kind() == Kind.BEGIN || st.kind() == Kind.SET_AUTOCOMMIT;
        if (inTransaction && keeps && !explicitTransaction && viewMoment == 0 && levelTakenFromPending != null
                && !repeatable(levelTakenFromPending)) {
            nextTransactionIsolation = levelTakenFromPending;
        } else if ((inTransaction || !keeps) && !(nextTransactionIsolation != null
                && !repeatable(nextTransactionIsolation) && ImplicitCommit.maySyntaxError(st, facts))) {
            nextTransactionIsolation = null;
        }
    }

    private void beginTransaction() {
        inTransaction = true;
        transactionDoubtedSince = null;
        explicitTransaction = false;
        levelTakenFromPending = nextTransactionIsolation;
        transactionIsolation = nextTransactionIsolation != null ? nextTransactionIsolation : sessionIsolation;
        nextTransactionIsolation = null;
        viewMoment = 0;
        viewFromConsistentSnapshot = false;
    }

    private void ensureTransaction() {
        if (!inTransaction) {
            beginTransaction();
        }
    }

    private void ensureTransactionIfNoAutocommit() {
        if (!inTransaction && !autocommit) {
            beginTransaction();
        }
    }

    private void createView(boolean consistentSnapshot) {
        viewMoment = lockedOrNew();
        viewFromConsistentSnapshot = consistentSnapshot;
    }

    private void endTransaction(Statement st, Rule rule) {
        pendingLevelAtEnd(st);
        endTransaction(st.sql(), rule);
    }

    private void endTransaction(String endedBy, Rule rule) {
        if (inTransaction) {
            inTransaction = false;
            if (viewMoment != 0) {
                transactionEndedBy = endedBy;
                transactionEndRule = rule;
            }
            viewMoment = 0;
            savepoints.clear();
            metadataLocked.clear();
            forgetTransactionEvidence();
        }
    }

    /**
     * A statement inside the read view: unknown in its effect (OTHER, OPAQUE), or proof the transaction is still alive:
     * a ROLLBACK TO a savepoint set before anything unknown ran. A SAVEPOINT proves nothing: outside a transaction
     * with autocommit on it succeeds and sets nothing (MariaDB's trans_savepoint() returns at once unless a
     * multi-statement transaction is in progress), with autocommit off it belongs to the next transaction.
     */
    private void noteTransactionEvidence(Statement st) {
        if ((st.kind() == Kind.OTHER || st.kind() == Kind.OPAQUE) && opaqueSinceProof == null) {
            opaqueSinceProof = st.sql();
        } else if (st.kind() == Kind.SAVEPOINT && opaqueSinceProof != null && st.name() != null) {
            savepointsSinceOpaque.add(st.name().toLowerCase(Locale.ROOT));
        } else if (st.kind() == Kind.ROLLBACK_TO_SAVEPOINT && st.name() != null && hasSavepoint(st.name())
                && !savepointsSinceOpaque.contains(st.name().toLowerCase(Locale.ROOT))) {
            forgetTransactionEvidence();
        }
    }

    private void forgetTransactionEvidence() {
        opaqueSinceProof = null;
        transactionDoubtedSince = null;
        savepointsSinceOpaque.clear();
        readsSinceOpaque.clear();
        readsSinceProof.clear();
    }

    private void noteSnapshotRead(TableName table) {
        if (viewMoment != 0) {
            String name = table == null ? "the tables of a query" : table.toString();
            readsSinceProof.add(name);
            if (opaqueSinceProof != null) {
                readsSinceOpaque.add(name);
            }
        }
    }

    private void doubtAfterOpaque(Statement st, boolean judge) {
        if (st.kind() != Kind.OPAQUE) {
            return;
        }
        if (!lockedTables.isEmpty() && tableLocksDoubtedSince == null) {
            tableLocksDoubtedSince = st.sql();
        }
        if (inTransaction && (viewMoment == 0 || !judge) && transactionDoubtedSince == null) {
            transactionDoubtedSince = st.sql();
        }
    }

    /** The rule that explains a read after {@code st} ended the snapshot. */
    private static Rule endRule(Statement st) {
        return switch (st.kind()) {
            case START_TRANSACTION, BEGIN, SET_AUTOCOMMIT, COMMIT, ROLLBACK -> Rule.SNAPSHOT_END;
            case FLUSH_LOGS -> Rule.FLUSH_LOGS_IN_SNAPSHOT;
            default -> Rule.IMPLICIT_COMMIT;
        };
    }

    /**
     * ROLLBACK TO SAVEPOINT or RELEASE SAVEPOINT of a savepoint this model holds, answered "SAVEPOINT sp does not
     * exist" (1305): the server's transaction had ended, unseen, after the last proof it was alive; by the first
     * statement the model could not see into since, if any. Reads after that moment were not from the snapshot.
     * Returns whether the failure showed such an end.
     */
    private boolean savepointGone(Statement st, boolean judge, long position, List<Finding> out) {
        boolean savepointStatement = st.kind() == Kind.ROLLBACK_TO_SAVEPOINT || st.kind() == Kind.RELEASE_SAVEPOINT;
        if (!savepointStatement || st.name() == null || !hasSavepoint(st.name())) {
            return false;
        }
        String by = opaqueSinceProof;
        Set<String> suspect = new LinkedHashSet<>(by != null ? readsSinceOpaque : readsSinceProof);
        boolean hadView = viewMoment != 0;
        endTransaction(by != null ? by : UNSEEN, Rule.IMPLICIT_COMMIT);
        if (judge && hadView && !suspect.isEmpty()) {
            out.add(violation(Rule.IMPLICIT_COMMIT, position, st, "the snapshot had already ended, by "
                    + (by != null ? Finding.quote(by) : UNSEEN) + ": the server no longer knows savepoint " + st.name()
                    + " (error 1305), so " + suspect + " were read at another moment"));
        }
        return hadView;
    }

    private void once(List<Finding> out, Rule rule, long position, Statement st, String detail) {
        if (reportedOnce.add(rule)) {
            out.add(violation(rule, position, st, detail));
        }
    }

    private static Finding violation(Rule rule, long position, Statement st, String detail) {
        return new Finding(rule, Finding.Outcome.VIOLATION, position, st.sql(), detail);
    }

    // ------------------------------------------------------------------ what the server reported

    /** The server reports that this session holds the global read lock, taken by a statement the model cannot see. */
    void globalLockFound() {
        globalLock = true;
        globalLockDoubted = false;
        lockMoment = newMoment();
    }

    /** The server reports that this session no longer holds the global read lock. */
    void globalLockGone() {
        globalLock = false;
        globalLockDoubted = false;
    }

    /** The server could not tell whether this session still holds the global read lock the model holds. */
    void globalLockUnknown() {
        globalLockDoubted = globalLock;
    }

    /**
     * The server reports that the transaction ended inside {@code st}; {@code reopened}: a transaction is open again,
     * whose read view is another moment.
     */
    void transactionEndedInside(Statement st, Rule rule, boolean reopened) {
        endTransaction(st, rule);
        if (reopened) {
            beginTransaction();
            createView(false);
        }
    }

    /** Data reads so far were all from one moment, as far as this model saw (coordinates included). */
    List<TableName> tablesReadList() {
        return new ArrayList<>(tablesRead);
    }
}
