package dev.backupguard.protocol;

/**
 * The rules of the safe backup protocol (PROTOCOL.md sections 2 and 3). Each has a stable id used in messages,
 * telemetry and per-rule overrides ({@code backupguard.rule.<id>=enforce|block|audit|off}).
 *
 * <p>A rule with {@link Severity#CONSISTENCY} guards the dump's correctness: block mode refuses, and a violation makes
 * the backup "not consistent". {@link Severity#SERVER_IMPACT} guards the server (lock length, metadata locks): block
 * mode reports without refusing, enforce mode still corrects.
 */
public enum Rule {
    SNAPSHOT_START("snapshot-start", "I2", Severity.CONSISTENCY, "25000",
            "data read outside one consistent snapshot",
            "start the backup with SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ; "
                    + "START TRANSACTION WITH CONSISTENT SNAPSHOT before the first table is read"),
    CONSISTENT_SNAPSHOT("consistent-snapshot", "I1", Severity.CONSISTENCY, "25000",
            "START TRANSACTION without WITH CONSISTENT SNAPSHOT creates the read view at the first SELECT, after the coordinates were read",
            "use START TRANSACTION WITH CONSISTENT SNAPSHOT"),
    REPEATABLE_READ("repeatable-read", "I2", Severity.CONSISTENCY, "25000",
            "WITH CONSISTENT SNAPSHOT only works under REPEATABLE READ; under another level the server ignores it",
            "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ before the snapshot starts"),
    UNLOCK_BEFORE_SNAPSHOT("unlock-before-snapshot", "I1", Severity.CONSISTENCY, "25000",
            "the global read lock is released before the snapshot starts, so the coordinates and the data are from different moments",
            "START TRANSACTION WITH CONSISTENT SNAPSHOT before UNLOCK TABLES"),
    COORDINATES_OUTSIDE_LOCK("coordinates-outside-lock", "I1", Severity.CONSISTENCY, "25000",
            "binlog coordinates read while commits can happen do not match the snapshot",
            "read the coordinates between START TRANSACTION WITH CONSISTENT SNAPSHOT and UNLOCK TABLES, "
                    + "or from SHOW STATUS LIKE 'binlog_snapshot_%' inside the snapshot (MariaDB)"),
    LOCK_WHOLE_DUMP("lock-whole-dump", "I3", Severity.SERVER_IMPACT, "25000",
            "the global read lock is held while transactional tables are read: the server is read-only for the whole dump",
            "UNLOCK TABLES right after the snapshot starts and the coordinates are read"),
    FLUSH_BEFORE_LOCK("flush-before-lock", "I4", Severity.SERVER_IMPACT, "25000",
            "FLUSH TABLES WITH READ LOCK without a preceding FLUSH TABLES holds the lock while tables close",
            "send FLUSH LOCAL TABLES first"),
    SNAPSHOT_END("snapshot-end", "I2", Severity.CONSISTENCY, "25001",
            "the statement ends the consistent snapshot early: the rest of the dump would be from another moment",
            "end the transaction only after the last table is read (mysqldump never commits; it disconnects)"),
    IMPLICIT_COMMIT("implicit-commit", "I2", Severity.CONSISTENCY, "25001",
            "the statement commits implicitly and ends the consistent snapshot",
            "run it before the snapshot starts or on another connection"),
    FLUSH_LOGS_IN_SNAPSHOT("flush-logs-in-snapshot", "I2", Severity.CONSISTENCY, "25001",
            "FLUSH LOGS commits implicitly (MySQL 5.5+) and would end the snapshot",
            "send FLUSH LOGS under the global read lock before START TRANSACTION WITH CONSISTENT SNAPSHOT"),
    MDL_PER_TABLE("mdl-per-table", "I5", Severity.SERVER_IMPACT, "25000",
            "tables already dumped keep their metadata locks until the end of the transaction, so DDL elsewhere waits",
            "SAVEPOINT sp once the snapshot starts and ROLLBACK TO SAVEPOINT sp after each table"),
    WRITE_IN_BACKUP("write-in-backup", "I2", Severity.CONSISTENCY, "25006",
            "a backup session does not write, and a savepoint rollback would undo the write",
            "write on another connection"),
    LOCKING_READ("locking-read", "I2", Severity.CONSISTENCY, "25000",
            "a locking read (FOR UPDATE / FOR SHARE) reads the latest rows, not the snapshot",
            "read without FOR UPDATE / LOCK IN SHARE MODE"),
    NON_TRANSACTIONAL_TABLE("non-transactional-table", "I6", Severity.CONSISTENCY, "25000",
            "a non-transactional table (MyISAM, MEMORY, ARCHIVE, CSV, ...) read outside the global read lock is not in the snapshot",
            "read non-transactional tables while the global read lock is held, or convert them to InnoDB"),
    DDL_DURING_SNAPSHOT("ddl-during-snapshot", "I7", Severity.CONSISTENCY, "25000",
            "DDL on a table not yet dumped broke the snapshot (Table definition has changed, error 1412)",
            "avoid DDL during the backup, or take the backup lock (backupguard.ddl-lock=true)"),
    LONG_QUERY("long-query", "I4", Severity.CONSISTENCY, "HY000",
            "FLUSH TABLES WITH READ LOCK would wait behind long-running queries and stall every write on the server",
            "wait for the long queries to finish, run the backup on a replica, or enable kill mode"),
    LOCK_WAIT("lock-wait", "I4", Severity.CONSISTENCY, "HYT00",
            "FLUSH TABLES WITH READ LOCK waited longer than its bound and was cancelled so writers could go on",
            "retry when the server is quieter, or raise backupguard.lock.wait-ms"),
    LOCK_HOLD("lock-hold", "I3", Severity.SERVER_IMPACT, "HY000",
            "the global read lock was held longer than its bound",
            "read only the coordinates under the lock; dump transactional tables in the snapshot"),
    PRIVILEGE("privilege", "I4", Severity.CONSISTENCY, "42000",
            "the backup user lacks a privilege the safe protocol needs",
            "GRANT RELOAD, PROCESS ON *.* to the backup user, or use a server that reports snapshot coordinates"),
    OPAQUE_STATEMENT("opaque-statement", "I3", Severity.CONSISTENCY, "25000",
            "backup-guard cannot see what the statement does (CALL, a compound statement, EXECUTE of text it never saw, "
                    + "text that reads differently under an sql_mode it does not know): it may take the global read lock "
                    + "or end the snapshot unseen",
            "send the statements themselves on the backup connection, or set backupguard.rule.opaque-statement=enforce "
                    + "to let it run and have the server's state checked right after it"),
    /**
     * Not a rule a job can break, a fact the verdict must carry: the server closed the backup connection (KILL, a
     * restart, a network failure) before the session ended, and its snapshot and locks went with it. Judged whatever
     * the rule's mode, since a dump that did not finish is never consistent.
     */
    CONNECTION_LOST("connection-lost", "I2", Severity.CONSISTENCY, "08S01",
            "the server closed the backup connection before the backup session ended: the snapshot and every lock of "
                    + "the session are gone, so the dump did not finish",
            "run the backup again on a new connection");

    /** Whether a violation breaks the dump's consistency or only burdens the server. */
    public enum Severity { CONSISTENCY, SERVER_IMPACT }

    private final String id;
    private final String invariant;
    private final Severity severity;
    private final String sqlState;
    private final String problem;
    private final String safeAlternative;

    Rule(String id, String invariant, Severity severity, String sqlState, String problem, String safeAlternative) {
        this.id = id;
        this.invariant = invariant;
        this.severity = severity;
        this.sqlState = sqlState;
        this.problem = problem;
        this.safeAlternative = safeAlternative;
    }

    public String id() {
        return id;
    }

    /** The PROTOCOL.md invariant this rule protects (I1..I7). */
    public String invariant() {
        return invariant;
    }

    public Severity severity() {
        return severity;
    }

    /** SQLState of the SQLException when the statement is refused (class 25: invalid transaction state, 25006: read-only transaction). */
    public String sqlState() {
        return sqlState;
    }

    public String problem() {
        return problem;
    }

    public String safeAlternative() {
        return safeAlternative;
    }

    public static Rule byId(String id) {
        for (Rule r : values()) {
            if (r.id.equalsIgnoreCase(id.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown backup-guard rule '" + id + "'");
    }
}
