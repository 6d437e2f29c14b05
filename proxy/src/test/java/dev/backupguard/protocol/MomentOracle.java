package dev.backupguard.protocol;

import dev.backupguard.classify.IsolationLevel;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.Statement;
import dev.backupguard.classify.TableName;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The fuzz test's oracle: a small model, written apart from {@link ServerSession} and kept obviously simple, of what
 * one MySQL/MariaDB (InnoDB) session does with the statements that reach it. It answers two questions only: which
 * moment each data read sees, and which locks the session holds.
 *
 * <p>A moment is one committed state of the database. What it models, from the MySQL 8.4 Reference Manual
 * ("Consistent Nonlocking Reads", "Locking Reads", "Transaction Isolation Levels", "START TRANSACTION, COMMIT, and
 * ROLLBACK Statements", "Statements That Cause an Implicit Commit", "LOCK TABLES and UNLOCK TABLES Statements",
 * "FLUSH Statement", "SET TRANSACTION Statement") and MariaDB's equivalents:
 * <ul>
 *   <li>A plain read in a REPEATABLE READ transaction sees the transaction's read view: created by START TRANSACTION
 *       WITH CONSISTENT SNAPSHOT (ignored below REPEATABLE READ) or by the transaction's first read. Outside a
 *       transaction, under READ COMMITTED / READ UNCOMMITTED, and for locking reads (FOR UPDATE, FOR SHARE, LOCK IN
 *       SHARE MODE), every read sees the latest committed state: a new moment.</li>
 *   <li>While the session holds the global read lock nothing commits: every latest-state read, and a view created
 *       then, is the lock's moment. A table locked with LOCK TABLES (or FLUSH TABLES t WITH READ LOCK) cannot change
 *       while locked: its reads are the lock's moment. A non-transactional table has no read view: only the global
 *       read lock or a table lock makes its read share a moment.</li>
 *   <li>A write of the session's own inside a transaction with a read view changes what the view shows: later reads
 *       see a new moment. (Writes are refused while the session holds the global read lock.)</li>
 *   <li>Implicit commits: DDL (not CREATE/DROP TEMPORARY TABLE), FLUSH in every form, LOCK TABLES, BEGIN and START
 *       TRANSACTION, SET autocommit=1 when it was 0, UNLOCK TABLES when LOCK TABLES locks are held, BACKUP STAGE
 *       START and END (MariaDB), and the other statements of the manuals' list ({@link #OTHER_IMPLICIT_COMMITS}).
 *       START TRANSACTION and BEGIN also release LOCK TABLES locks (not the global read lock).</li>
 *   <li>SET TRANSACTION ISOLATION LEVEL without a scope applies to the next transaction and is refused inside an
 *       active one (error 1568); with SESSION it applies to the transactions that start after it (outside a
 *       transaction it also replaces a pending next-transaction level); GLOBAL changes nothing for this session.
 *       With autocommit off a transaction starts at the first table read or written, or at LOCK TABLES, not at
 *       SELECT 1, SHOW CREATE TABLE or SAVEPOINT. A pending next-transaction level is taken by the next transaction,
 *       also the one an autocommit statement that reads or writes a table runs in, and set back to the session's
 *       level by the end of a transaction in progress and by COMMIT, ROLLBACK or an implicit commit (docs/server-facts.md,
 *       fact 13, asserted on MariaDB by IsolationFactsIT).</li>
 *   <li>Statements the server refuses change nothing: a nameless SAVEPOINT or ROLLBACK TO (syntax error), a read of a
 *       table not locked while LOCK TABLES locks are held (error 1100), BACKUP STAGE on MySQL and LOCK INSTANCE on
 *       MariaDB (syntax errors).</li>
 * </ul>
 * Not modelled (kept out of the generator): SERIALIZABLE, COMMIT/ROLLBACK AND CHAIN or RELEASE, variables set from
 * expressions, XA, stored programs. The classifier (tested on its own) says what kind each statement is; nothing of
 * {@link ServerSession} is used.
 */
final class MomentOracle {

    /**
     * The statements the MySQL 8.4 and MariaDB 11.4 manuals list as causing an implicit commit that the classifier
     * reports as OTHER (compared with the statement's text, comments removed and case folded).
     */
    static final List<String> OTHER_IMPLICIT_COMMITS = List.of("analyze table", "optimize table", "repair table",
            "check table", "grant ", "revoke ", "set password", "install plugin", "uninstall plugin", "cache index",
            "load index into cache", "reset master", "reset slave", "reset replica", "change master to",
            "change replication source to", "start slave", "stop slave", "start replica", "stop replica");

    private static final Set<String> SYSTEM_SCHEMAS = Set.of("information_schema", "performance_schema", "mysql", "sys");

    private final ServerFacts facts;
    private String schema;
    private long moments;

    private long globalLock;
    private final Set<TableName> lockedTables = new HashSet<>();
    private long tableLockMoment;
    private boolean backupStage;
    private boolean instanceLock;

    private boolean autocommit = true;
    private IsolationLevel sessionLevel = IsolationLevel.REPEATABLE_READ;
    private IsolationLevel nextLevel;
    private boolean inTransaction;
    private IsolationLevel transactionLevel;
    private long view;

    MomentOracle(ServerFacts facts, String schema) {
        this.facts = facts;
        this.schema = schema;
    }

    /** Locks the session holds on the server: the global read lock, LOCK TABLES locks, a DDL backup lock. */
    boolean holdsAnyLock() {
        return globalLock != 0 || !lockedTables.isEmpty() || backupStage || instanceLock;
    }

    String locksHeld() {
        return (globalLock != 0 ? "global read lock " : "") + (lockedTables.isEmpty() ? "" : "tables " + lockedTables + " ")
                + (backupStage ? "BACKUP STAGE " : "") + (instanceLock ? "LOCK INSTANCE" : "");
    }

    /** Executes {@code st}; returns the moment a data read saw, or 0 when {@code st} read no table rows. */
    long execute(Statement st) {
        switch (st.kind()) {
            case USE -> {
                if (st.name() != null) {
                    schema = st.name();
                }
            }
            case FLUSH_TABLES_WITH_READ_LOCK -> {
                end(true);
                if (st.tables().isEmpty()) {
                    if (globalLock == 0) {
                        globalLock = ++moments;
                    }
                } else {
                    lockTables(st.tables());
                }
            }
            case FLUSH_TABLES, FLUSH_LOGS, FLUSH_OTHER, FLUSH_TABLES_FOR_EXPORT -> end(true);
            case DDL -> {
                String text = normalized(st.sql());
                if (!text.startsWith("create temporary") && !text.startsWith("drop temporary")) {
                    end(true);
                }
            }
            case LOCK_TABLES -> {
                end(true);
                lockTables(st.tables());
                if (!autocommit) {
                    begin(); // @@in_transaction = 1 (fact 13)
                }
            }
            case UNLOCK_TABLES -> {
                if (!lockedTables.isEmpty()) {
                    end(true);
                    lockedTables.clear();
                }
                globalLock = 0;
            }
            case START_TRANSACTION, BEGIN -> {
                end(false);
                lockedTables.clear();
                begin();
                if (st.isConsistentSnapshot() && transactionLevel == IsolationLevel.REPEATABLE_READ) {
                    view = latest();
                }
            }
            case COMMIT, ROLLBACK -> end(true);
            case SET_AUTOCOMMIT -> {
                if (!st.isGlobal()) {
                    if (st.isAutocommitOn() && !autocommit) {
                        end(false);
                    }
                    autocommit = st.isAutocommitOn();
                }
            }
            case SET_TRANSACTION_ISOLATION -> {
                if (!st.isGlobal() && st.isolation() != null) {
                    if (!st.has(Statement.F_NEXT_TRANSACTION)) {
                        sessionLevel = st.isolation();
                        if (!inTransaction) {
                            nextLevel = null; // it replaces a pending next-transaction level (server-facts.md, fact 13)
                        }
                    } else if (!inTransaction) {
                        nextLevel = st.isolation();
                    }
                }
            }
            case BACKUP_STAGE -> {
                if (facts.flavor() == ServerFacts.Flavor.MARIADB) {
                    if ("START".equals(st.name()) && !backupStage) {
                        end(true);
                        backupStage = true;
                    } else if ("END".equals(st.name()) && backupStage) {
                        end(true);
                        backupStage = false;
                    }
                }
            }
            case LOCK_INSTANCE_FOR_BACKUP -> instanceLock |= facts.flavor() != ServerFacts.Flavor.MARIADB;
            case UNLOCK_INSTANCE -> instanceLock = false;
            case DML -> {
                // Refused under the global read lock (1223); under LOCK TABLES taken as refused too (1099, 1100: a
                // write to a WRITE-locked table is not modelled).
                if (globalLock == 0 && lockedTables.isEmpty()) {
                    if (!inTransaction && !autocommit) {
                        begin();
                    }
                    if (!inTransaction) {
                        nextLevel = null; // its own transaction took the pending level
                    }
                    if (inTransaction && view != 0) {
                        view = ++moments; // the view now shows the session's own uncommitted write
                    }
                }
            }
            case SELECT -> {
                return read(st);
            }
            case OTHER -> {
                String text = normalized(st.sql());
                for (String prefix : OTHER_IMPLICIT_COMMITS) {
                    if (text.startsWith(prefix)) {
                        end(true);
                        break;
                    }
                }
            }
            default -> {
                // SAVEPOINT, ROLLBACK TO, RELEASE SAVEPOINT, SET, SHOW: no effect on moments or locks.
            }
        }
        return 0;
    }

    private long read(Statement st) {
        TableName table = st.target() == null ? null : st.target().qualify(schema);
        boolean userTable = table != null ? !isSystem(table)
                : st.has(Statement.F_FROM) && !normalized(st.sql()).contains("_schema");
        if (!userTable) {
            return 0;
        }
        if (!lockedTables.isEmpty()) {
            // Under LOCK TABLES only the locked tables can be read (error 1100 otherwise); a join is not followed.
            boolean locked = table != null && lockedTables.contains(fold(table));
            if (locked && !inTransaction) {
                nextLevel = null; // its own transaction took the pending level
            }
            return locked ? tableLockMoment : 0;
        }
        if (!inTransaction && !autocommit) {
            begin();
        }
        if (!inTransaction) {
            nextLevel = null; // its own transaction took the pending level (fact 13)
        }
        boolean transactional = table == null || !facts.isNonTransactional(fold(table));
        if (transactional && !st.isLockingRead() && inTransaction
                && transactionLevel == IsolationLevel.REPEATABLE_READ) {
            if (view == 0) {
                view = latest();
            }
            return view;
        }
        return latest();
    }

    private long latest() {
        return globalLock != 0 ? globalLock : ++moments;
    }

    private void begin() {
        inTransaction = true;
        transactionLevel = nextLevel != null ? nextLevel : sessionLevel;
        nextLevel = null;
        view = 0;
    }

    /**
     * The transaction ends (COMMIT, ROLLBACK, an implicit commit). A pending next-transaction level is set back to
     * the session's when a transaction was in progress, or when {@code always}: COMMIT, ROLLBACK and implicit commits
     * do so even with none; START TRANSACTION, BEGIN and SET autocommit=1 do not (fact 13).
     */
    private void end(boolean always) {
        if (inTransaction || always) {
            nextLevel = null;
        }
        inTransaction = false;
        view = 0;
    }

    private void lockTables(List<TableName> tables) {
        lockedTables.clear();
        for (TableName t : tables) {
            lockedTables.add(fold(t.qualify(schema)));
        }
        tableLockMoment = ++moments;
    }

    private static TableName fold(TableName t) {
        return new TableName(t.schema() == null ? null : t.schema().toLowerCase(Locale.ROOT),
                t.table().toLowerCase(Locale.ROOT));
    }

    private static boolean isSystem(TableName t) {
        return t.schema() != null && SYSTEM_SCHEMAS.contains(t.schema().toLowerCase(Locale.ROOT));
    }

    /**
     * The text with comments removed (the content of executable comments kept, as the server runs it), runs of
     * whitespace made one space, in lower case: enough for the spellings the fuzz test generates.
     */
    static String normalized(String sql) {
        StringBuilder b = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '/' && i + 2 < n && sql.charAt(i + 1) == '*') {
                int body = i + 2;
                boolean executable = sql.charAt(body) == '!' || sql.startsWith("M!", body);
                int close = sql.indexOf("*/", body);
                int end = close < 0 ? n : close;
                if (executable) {
                    int s = body + (sql.charAt(body) == '!' ? 1 : 2);
                    while (s < end && Character.isDigit(sql.charAt(s))) {
                        s++;
                    }
                    b.append(' ').append(sql, s, end).append(' ');
                } else {
                    b.append(' ');
                }
                i = close < 0 ? n : close + 2;
            } else if (c == '#' || (c == '-' && sql.startsWith("-- ", i))) {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol;
            } else {
                b.append(Character.isWhitespace(c) ? ' ' : Character.toLowerCase(c));
                i++;
            }
        }
        return b.toString().trim().replaceAll(" +", " ");
    }
}
