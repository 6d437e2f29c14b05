package dev.backupguard.protocol;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.IsolationLevel;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.Statement;
import dev.backupguard.classify.TableName;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The fuzz test's simulated server: a small model, written apart from {@link ServerSession}, {@link ImplicitCommit}
 * and {@code SessionText} and kept obviously simple, of what one MySQL/MariaDB (InnoDB) session does with the
 * statements that reach it. It answers which moment each data read sees, which error the server refuses a statement
 * with, which locks the session holds, and what the guard's state check after an opaque statement would find.
 *
 * <p>A moment is one committed state of the database. What it models, from the MySQL 8.4 Reference Manual
 * ("Consistent Nonlocking Reads", "Locking Reads", "Transaction Isolation Levels", "START TRANSACTION, COMMIT, and
 * ROLLBACK Statements", 15.3.3 "Statements That Cause an Implicit Commit", "LOCK TABLES and UNLOCK TABLES Statements",
 * "FLUSH Statement", "SET TRANSACTION Statement", "SAVEPOINT, ROLLBACK TO SAVEPOINT, and RELEASE SAVEPOINT
 * Statements", "Prepared Statements"), MariaDB's equivalents and docs/server-facts.md:
 * <ul>
 *   <li>The text the server runs, whether it parses and whether it commits implicitly are {@link OracleReading}'s,
 *       per flavour and version: the commit comes before the statement runs, so a statement the server then refuses
 *       (no privilege, a lock in the way, a backup stage out of order) has committed all the same; one it cannot
 *       parse has not (fact 12). Where the server's behaviour is not established, it commits or not at random.</li>
 *   <li>A plain read in a REPEATABLE READ transaction sees the transaction's read view: created by START TRANSACTION
 *       WITH CONSISTENT SNAPSHOT (ignored below REPEATABLE READ) or by the transaction's first read. Outside a
 *       transaction, under READ COMMITTED / READ UNCOMMITTED, and for locking reads, every read sees the latest
 *       committed state: a new moment.</li>
 *   <li>While the session holds the global read lock nothing commits: every latest-state read, and a view created
 *       then, is the lock's moment. A table locked with LOCK TABLES (or FLUSH TABLES t WITH READ LOCK) cannot change
 *       while locked: its reads are the lock's moment, and other tables cannot be read (1100). A non-transactional
 *       table has no read view: only the global read lock or a table lock makes its read share a moment.</li>
 *   <li>A write of the session's own inside a transaction with a read view changes what the view shows: later reads
 *       see a new moment. Writes are refused under the session's global read lock (1223), under LOCK TABLES unless
 *       the table is locked for writing (1099, 1100), and in a READ ONLY transaction (1792).</li>
 *   <li>START TRANSACTION and BEGIN also release LOCK TABLES locks (not the global read lock); UNLOCK TABLES commits
 *       only when LOCK TABLES locks are held, SET autocommit = 1 only when autocommit was 0.</li>
 *   <li>Isolation levels as fact 13 establishes them: SET TRANSACTION without a scope applies to the next transaction
 *       and is refused inside one (1568); SESSION applies to later transactions and, between transactions, replaces
 *       a pending next-transaction level; with autocommit off a transaction starts at the first table read or
 *       written, or at LOCK TABLES; a pending level is taken by the next transaction, also an autocommit statement's,
 *       and set back to the session's by the end of a transaction, COMMIT, ROLLBACK and implicit commits.</li>
 *   <li>Savepoints exist inside a transaction (or with autocommit off) until it ends; ROLLBACK TO or RELEASE of one
 *       the session does not have fails (1305). {@code sql_log_bin} cannot change inside a transaction (1694).</li>
 *   <li>MariaDB's BACKUP STAGE runs START, then later stages, then END (4146 otherwise); BACKUP LOCK holds a lock
 *       until BACKUP UNLOCK; MySQL's LOCK INSTANCE FOR BACKUP until UNLOCK INSTANCE.</li>
 *   <li>Dynamic SQL (fact 10): EXECUTE IMMEDIATE (MariaDB) of a literal or of a user variable set to one, PREPARE
 *       (one statement that parses) and EXECUTE; EXECUTE IMMEDIATE and PREPARE inside EXECUTE IMMEDIATE fail (1295),
 *       EXECUTE of an unknown name too (1243). Stored programs: CALL of the procedures of {@link #PROCEDURES} (each
 *       runs as its definer, root; SIGNAL fails it with 1644 after what ran before), and MariaDB's BEGIN NOT ATOMIC
 *       and IF blocks; what they read is not the job's data.</li>
 * </ul>
 * A session of the application user ({@link Account#APPLICATION}) is refused what fact 12 found {@code bg_app} refused,
 * with the same error codes. Not modelled (kept out of the generator): SERIALIZABLE, COMMIT/ROLLBACK AND CHAIN or
 * RELEASE, XA, writes inside stored programs. The stateless {@link Classifier} (tested on its own) names each
 * statement's kind in the text {@link OracleReading#effective} gives.
 */
final class MomentOracle {

    /** The moment a data read saw (0: no data read), and the error the server refused the statement with (0: none). */
    record Answer(long moment, int error) {
        static final Answer NONE = new Answer(0, 0);

        static Answer error(int code) {
            return new Answer(0, code);
        }
    }

    static final int PARSE_ERROR = 1064;

    /** Whose session it is. */
    enum Account {
        /** Every privilege. */
        ROOT,
        /**
         * Every privilege but the one SET SESSION sql_log_bin needs (MariaDB: BINLOG ADMIN; MySQL:
         * SESSION_VARIABLES_ADMIN): refused with 1227, as fact 12 found it for {@code bg_app}. A backup account often
         * has no more.
         */
        NO_BINLOG_ADMIN,
        /** The application user of fact 12. */
        APPLICATION;

        int refusal(String text) {
            return switch (this) {
                case ROOT -> 0;
                case NO_BINLOG_ADMIN -> text.matches("set (session |@@session\\.|@@)?sql_log_bin.*") ? 1227 : 0;
                case APPLICATION -> ApplicationUser.refusal(text);
            };
        }
    }

    /** The stored procedures the fuzz test's jobs call, by name: their bodies, run as their definer. */
    static final Map<String, List<String>> PROCEDURES = Map.of(
            "take_lock", List.of("FLUSH TABLES WITH READ LOCK"),
            "unlock_it", List.of("UNLOCK TABLES"),
            "commit_it", List.of("COMMIT"),
            "restart_snapshot", List.of("COMMIT", "START TRANSACTION WITH CONSISTENT SNAPSHOT"),
            "log_progress", List.of("DO 1"),
            "read_after_commit", List.of("COMMIT", "SELECT COUNT(*) FROM checking"),
            "commit_then_fail", List.of("COMMIT", "SIGNAL SQLSTATE '45000'"),
            "lock_then_fail", List.of("FLUSH TABLES WITH READ LOCK", "SIGNAL SQLSTATE '45000'"),
            "fail_at_once", List.of("SIGNAL SQLSTATE '45000'"));

    private static final Set<String> SYSTEM_SCHEMAS = Set.of("information_schema", "performance_schema", "mysql", "sys");

    private final ServerFacts facts;
    private final Random random;
    private final Account account;
    private String schema;
    private long moments;

    private long globalLock;
    private final Set<TableName> lockedTables = new HashSet<>();
    private boolean tablesWriteLocked;
    private long tableLockMoment;
    private int backupStage;
    private boolean backupTableLock;
    private boolean instanceLock;

    private boolean autocommit = true;
    private IsolationLevel sessionLevel = IsolationLevel.REPEATABLE_READ;
    private IsolationLevel nextLevel;
    private boolean inTransaction;
    private IsolationLevel transactionLevel;
    private boolean readOnly;
    /** The transaction has started inside InnoDB (a read, a write, a snapshot): MySQL's INNODB_TRX lists it. */
    private boolean innodbTransaction;
    private long view;
    /** The binlog position a WITH CONSISTENT SNAPSHOT transaction froze (MariaDB's binlog_snapshot_position), or 0. */
    private long snapshotPosition;
    private final Set<String> savepoints = new HashSet<>();
    private long coordinates;
    private boolean binlogOn = true;

    private final Map<String, String> prepared = new HashMap<>();
    private final Map<String, String> variables = new HashMap<>();

    /**
     * @param random     decides what is not established (a commit on a server version not tested)
     * @param account    whose session it is
     */
    MomentOracle(ServerFacts facts, String schema, Random random, Account account) {
        this.facts = facts;
        this.schema = schema;
        this.random = random;
        this.account = account;
    }

    /** Locks the session holds on the server: the global read lock, LOCK TABLES locks, backup locks. */
    boolean holdsAnyLock() {
        return globalLock != 0 || !lockedTables.isEmpty() || backupStage != 0 || backupTableLock || instanceLock;
    }

    String locksHeld() {
        return (globalLock != 0 ? "global read lock " : "") + (lockedTables.isEmpty() ? "" : "tables " + lockedTables + " ")
                + (backupStage != 0 ? "BACKUP STAGE " : "") + (backupTableLock ? "BACKUP LOCK " : "")
                + (instanceLock ? "LOCK INSTANCE" : "");
    }

    /** The session's sql_log_bin. */
    boolean binlogOn() {
        return binlogOn;
    }

    /** The binlog position the last coordinates read answered (a moment). */
    long coordinates() {
        return coordinates;
    }

    /**
     * What the guard's check after an opaque statement finds (docs/server-facts.md, fact 11; jdbc.ServerStateProbe):
     * the lock from a write that fails with 1223 (unknown inside a READ ONLY transaction, 1792, and under LOCK TABLES,
     * 1100: the check's aliases are not locked); on MariaDB
     * {@code @@in_transaction} and, inside a transaction, whether its binlog_snapshot_position is the one captured;
     * on MySQL whether INNODB_TRX lists the session's transaction, unknown without the PROCESS privilege.
     */
    ObservedState stateCheck(BinlogCoordinates captured) {
        Boolean lock = inTransaction && readOnly || !lockedTables.isEmpty() ? null : globalLock != 0;
        if (facts.flavor() == ServerFacts.Flavor.MARIADB) {
            Boolean same = inTransaction && captured != null
                    ? (snapshotPosition != 0 ? snapshotPosition : latest()) == captured.position() : null;
            return new ObservedState(lock, inTransaction, same);
        }
        // INNODB_TRX needs the PROCESS privilege, which the application user lacks.
        return new ObservedState(lock, account != Account.APPLICATION ? inTransaction && innodbTransaction : null,
                null);
    }

    /** Executes {@code st} as the server would. */
    Answer execute(Statement st) {
        return run(OracleReading.effective(st.sql(), facts), account);
    }

    private Answer run(String text, Account as) {
        if (text.isEmpty()) {
            return Answer.NONE;
        }
        if (text.startsWith("execute ") || text.startsWith("prepare ") || text.startsWith("deallocate prepare ")
                || text.startsWith("drop prepare ")) {
            return dynamic(text, as);
        }
        if (text.startsWith("call ")) {
            String name = text.substring(5).split("[ (]", 2)[0];
            List<String> body = PROCEDURES.get(name);
            return body == null ? Answer.error(1305) : program(body, Account.ROOT); // PROCEDURE does not exist
        }
        if (text.startsWith("begin not atomic ") || text.startsWith("if ")) {
            if (!OracleReading.parses(text, facts)) {
                return Answer.error(PARSE_ERROR);
            }
            int from = text.startsWith("if ") ? text.indexOf(" then ") + 6 : "begin not atomic ".length();
            int to = text.lastIndexOf(" end");
            return program(List.of(text.substring(from, Math.max(from, to)).split(";")), as);
        }
        if (text.startsWith("set @") && !text.startsWith("set @@")) {
            int eq = text.indexOf('=');
            String value = eq < 0 ? null : literal(text.substring(eq + 1).trim());
            String name = text.substring(5, eq < 0 ? text.length() : eq).trim();
            if (value != null) {
                variables.put(name, value);
            } else {
                variables.remove(name);
            }
            return Answer.NONE;
        }
        return statement(text, as, false);
    }

    /** EXECUTE IMMEDIATE, PREPARE, EXECUTE, DEALLOCATE PREPARE. */
    private Answer dynamic(String text, Account as) {
        if (text.startsWith("execute immediate ")) {
            if (!OracleReading.parses(text, facts)) {
                return Answer.error(PARSE_ERROR);
            }
            String inner = operand(text.substring("execute immediate ".length()));
            return inner == null ? Answer.error(PARSE_ERROR) : statement(OracleReading.effective(inner, facts), as,
                    true);
        }
        if (text.startsWith("prepare ")) {
            String[] parts = text.substring(8).split(" from ", 2);
            String name = parts[0].trim();
            prepared.remove(name); // an existing one is deallocated first
            String inner = parts.length < 2 ? null : operand(parts[1]);
            String runs = inner == null ? null : OracleReading.effective(inner, facts);
            if (runs == null || runs.contains(";") || !OracleReading.parses(runs, facts)) {
                return Answer.error(PARSE_ERROR); // a prepared statement is one statement (fact 10)
            }
            if (runs.startsWith("execute ") || runs.startsWith("prepare ") || runs.startsWith("deallocate ")) {
                return Answer.error(1295); // not allowed in a prepared statement
            }
            prepared.put(name, runs);
            return Answer.NONE;
        }
        String name = text.substring(text.startsWith("execute ") ? 8 : text.indexOf("prepare ") + 8).split(" ", 2)[0];
        String runs = text.startsWith("execute ") ? prepared.get(name) : prepared.remove(name);
        if (runs == null) {
            return Answer.error(1243); // unknown prepared statement handler
        }
        return text.startsWith("execute ") ? statement(runs, as, true) : Answer.NONE;
    }

    /**
     * A stored program's statements, in order, until one fails; what they read is not the job's. A procedure runs
     * as its definer, a compound statement as the session's user.
     */
    private Answer program(List<String> body, Account as) {
        for (String s : body) {
            String text = OracleReading.effective(s, facts);
            if (text.startsWith("signal")) {
                return Answer.error(1644); // unhandled user-defined exception
            }
            Answer a = run(text, as);
            if (a.error() != 0) {
                return Answer.error(a.error());
            }
        }
        return Answer.NONE;
    }

    /** The text of a dynamic-SQL operand: a quoted literal, or a user variable set to one; null otherwise. */
    private String operand(String s) {
        if (s.startsWith("@")) {
            return variables.get(s.substring(1).trim());
        }
        return literal(s);
    }

    private static String literal(String s) {
        if (s.isEmpty() || s.charAt(0) != '\'' || OracleReading.closingQuote(s, 0) != s.length()) {
            return null;
        }
        return s.substring(1, s.length() - 1).replace("''", "'").replace("\\'", "'");
    }

    // ------------------------------------------------------------------ one statement

    /** A statement that is neither dynamic SQL nor a stored program ({@code dynamic}: run by EXECUTE). */
    private Answer statement(String text, Account as, boolean dynamic) {
        if (text.isEmpty()) {
            return Answer.NONE;
        }
        if (dynamic && (text.startsWith("execute ") || text.startsWith("prepare ") || text.startsWith("deallocate "))) {
            return Answer.error(1295); // EXECUTE IMMEDIATE inside EXECUTE IMMEDIATE (fact 10)
        }
        if (!OracleReading.parses(text, facts)) {
            return Answer.error(PARSE_ERROR);
        }
        Statement st = Classifier.classify(text);
        boolean commits = switch (OracleReading.implicitCommit(text, facts)) {
            case COMMITS -> true;
            case KEEPS -> false;
            case EITHER -> random.nextBoolean();
        };
        if (st.kind() == Kind.UNLOCK_TABLES) {
            commits = !lockedTables.isEmpty();
        } else if (st.kind() == Kind.SET_AUTOCOMMIT) {
            commits = !st.isGlobal() && st.isAutocommitOn() && !autocommit;
        }
        if (commits) {
            // START TRANSACTION, BEGIN and SET autocommit = 1 leave a pending level when nothing was open (fact 13).
            end(st.kind() != Kind.START_TRANSACTION && st.kind() != Kind.BEGIN && st.kind() != Kind.SET_AUTOCOMMIT);
        }
        int refused = as.refusal(text);
        if (refused == 0) {
            refused = refusedNow(text, st);
        }
        if (refused != 0) {
            return Answer.error(refused);
        }
        return apply(text, st);
    }

    /** The errors the session's state causes. */
    private int refusedNow(String text, Statement st) {
        switch (st.kind()) {
            case FLUSH_TABLES_WITH_READ_LOCK -> {
                if (!lockedTables.isEmpty()) {
                    return 1192; // active locked tables: the table locks stay, no lock is taken (fact 11)
                }
            }
            case SET_TRANSACTION_ISOLATION -> {
                if (st.has(Statement.F_NEXT_TRANSACTION) && !st.isGlobal() && inTransaction) {
                    return 1568; // transaction characteristics can't be changed while a transaction is in progress
                }
            }
            case DML -> {
                if (globalLock != 0) {
                    return 1223;
                }
                if (!lockedTables.isEmpty()) {
                    TableName target = writeTarget(text);
                    boolean locked = target != null && lockedTables.contains(target);
                    return !locked ? 1100 : tablesWriteLocked ? 0 : 1099;
                }
                if (inTransaction && readOnly) {
                    return 1792;
                }
            }
            case SELECT -> {
                TableName table = st.target() == null ? null : fold(st.target().qualify(schema));
                if (!lockedTables.isEmpty() && table != null && !isSystem(table) && !lockedTables.contains(table)) {
                    return 1100; // table was not locked with LOCK TABLES
                }
            }
            case BACKUP_STAGE -> {
                int stage = List.of("start", "flush", "block_ddl", "block_commit", "end")
                        .indexOf(text.substring("backup stage ".length()).trim()) + 1;
                boolean inOrder = stage == 1 ? backupStage == 0 : stage == 5 ? backupStage != 0
                        : stage > backupStage && backupStage != 0;
                return inOrder ? 0 : 4146;
            }
            case ROLLBACK_TO_SAVEPOINT, RELEASE_SAVEPOINT -> {
                return savepoints.contains(savepointName(text)) ? 0 : 1305;
            }
            default -> {
                if (text.startsWith("set ") && text.contains("sql_log_bin")) {
                    return text.startsWith("set global") ? 1238 : inTransaction ? 1694 : 0;
                }
                if ((text.startsWith("stop slave") || text.startsWith("stop replica")) && inTransaction
                        && facts.flavor() == ServerFacts.Flavor.MARIADB) {
                    return 1192; // active locked tables or an active transaction (fact 12)
                }
            }
        }
        return 0;
    }

    /** The statement ran: its effects on locks, transactions and moments. */
    private Answer apply(String text, Statement st) {
        switch (st.kind()) {
            case USE -> schema = st.name() != null ? st.name() : schema;
            case FLUSH_TABLES_WITH_READ_LOCK -> {
                if (!st.tables().isEmpty()) {
                    lockTables(st.tables(), false);
                } else if (globalLock == 0) {
                    globalLock = ++moments;
                }
            }
            case LOCK_TABLES -> {
                lockTables(st.tables(), st.has(Statement.F_LOCK_WRITE));
                if (!autocommit) {
                    begin(); // @@in_transaction = 1 (fact 13)
                }
            }
            case UNLOCK_TABLES -> {
                lockedTables.clear();
                globalLock = 0;
            }
            case START_TRANSACTION, BEGIN -> {
                lockedTables.clear();
                begin();
                readOnly = st.has(Statement.F_READ_ONLY);
                if (st.isConsistentSnapshot()) {
                    snapshotPosition = latest(); // frozen at any level (fact 2)
                    innodbTransaction = true;
                    if (transactionLevel == IsolationLevel.REPEATABLE_READ) {
                        view = snapshotPosition;
                    }
                }
            }
            case COMMIT, ROLLBACK -> end(true);
            case SET_AUTOCOMMIT -> autocommit = st.isGlobal() ? autocommit : st.isAutocommitOn();
            case SET_TRANSACTION_ISOLATION -> isolation(st);
            case SAVEPOINT -> {
                if (inTransaction || !autocommit) {
                    savepoints.add(savepointName(text));
                }
            }
            case RELEASE_SAVEPOINT -> savepoints.remove(savepointName(text));
            case BACKUP_STAGE -> backupStage = text.endsWith(" end") ? 0
                    : List.of("start", "flush", "block_ddl", "block_commit").indexOf(text.substring(13).trim()) + 1;
            case LOCK_INSTANCE_FOR_BACKUP -> instanceLock = true;
            case UNLOCK_INSTANCE -> instanceLock = false;
            case DML -> write();
            case SHOW_BINLOG_STATUS -> coordinates = latest();
            case SHOW_STATUS -> {
                if (text.contains("binlog_snapshot")) {
                    coordinates = inTransaction && snapshotPosition != 0 ? snapshotPosition : latest();
                }
            }
            case SELECT -> {
                return new Answer(read(st), 0);
            }
            default -> {
                if (text.startsWith("set ") && text.contains("sql_log_bin")) {
                    // 0, OFF and FALSE switch it off; 1, ON, TRUE and DEFAULT on (fact 13).
                    binlogOn = !text.matches(".*sql_log_bin ?= ?(0|off|false)\\b.*");
                } else if (text.startsWith("backup lock ")) {
                    backupTableLock = true;
                } else if (text.startsWith("backup unlock")) {
                    backupTableLock = false;
                }
            }
        }
        return Answer.NONE;
    }

    private void isolation(Statement st) {
        if (st.isGlobal() || st.isolation() == null) {
            return;
        }
        if (!st.has(Statement.F_NEXT_TRANSACTION)) {
            sessionLevel = st.isolation();
            if (!inTransaction) {
                nextLevel = null; // it replaces a pending next-transaction level (fact 13)
            }
        } else {
            nextLevel = st.isolation(); // outside a transaction: refused inside one (1568)
        }
    }

    private void write() {
        if (!inTransaction && !autocommit) {
            begin();
        }
        if (!inTransaction) {
            nextLevel = null; // its own transaction took the pending level
        }
        innodbTransaction |= inTransaction;
        if (inTransaction && view != 0) {
            view = ++moments; // the view now shows the session's own uncommitted write
        }
    }

    private long read(Statement st) {
        TableName table = st.target() == null ? null : fold(st.target().qualify(schema));
        boolean userTable = table != null ? !isSystem(table) : st.has(Statement.F_FROM) && !st.sql().contains("_schema");
        if (!userTable) {
            return 0;
        }
        if (!lockedTables.isEmpty()) {
            // Only the locked tables can be read (1100 otherwise, refused above); a join is not followed.
            if (table != null && !inTransaction) {
                nextLevel = null; // its own transaction took the pending level
            }
            return table != null ? tableLockMoment : 0;
        }
        if (!inTransaction && !autocommit) {
            begin();
        }
        if (!inTransaction) {
            nextLevel = null; // its own transaction took the pending level (fact 13)
        }
        innodbTransaction |= inTransaction;
        boolean transactional = table == null || !facts.isNonTransactional(table);
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
        readOnly = false;
        innodbTransaction = false;
        snapshotPosition = 0;
    }

    /**
     * The transaction ends (COMMIT, ROLLBACK, an implicit commit), and its savepoints with it. A pending
     * next-transaction level is set back to the session's when a transaction was in progress, or when {@code always}:
     * COMMIT, ROLLBACK and implicit commits do so even with none; START TRANSACTION, BEGIN and SET autocommit=1 do not
     * (fact 13).
     */
    private void end(boolean always) {
        if (inTransaction || always) {
            nextLevel = null;
        }
        inTransaction = false;
        view = 0;
        readOnly = false;
        innodbTransaction = false;
        snapshotPosition = 0;
        savepoints.clear();
    }

    private void lockTables(List<TableName> tables, boolean write) {
        lockedTables.clear();
        for (TableName t : tables) {
            lockedTables.add(fold(t.qualify(schema)));
        }
        tablesWriteLocked = write;
        tableLockMoment = latest(); // under the global read lock nothing commits: still the lock's moment
    }

    /** The table an INSERT, REPLACE, UPDATE or DELETE writes, from its text. */
    private TableName writeTarget(String text) {
        List<String> words = new ArrayList<>(List.of(text.split(" ")));
        words.removeIf(w -> w.equals("into") || w.equals("from") || w.equals("low_priority") || w.equals("ignore"));
        if (words.size() < 2) {
            return null;
        }
        String name = words.get(1).replace("`", "");
        int dot = name.indexOf('.');
        TableName t = dot < 0 ? new TableName(null, name) : new TableName(name.substring(0, dot), name.substring(dot + 1));
        return fold(t.qualify(schema));
    }

    /**
     * The savepoint a SAVEPOINT, ROLLBACK TO or RELEASE SAVEPOINT names: its last word, unquoted ({@code ``} is the
     * empty name); a bare {@code ROLLBACK TO SAVEPOINT} names a savepoint called SAVEPOINT (fact 13).
     */
    private static String savepointName(String text) {
        String last = text.substring(text.lastIndexOf(' ') + 1);
        return last.replace("`", "");
    }

    private static TableName fold(TableName t) {
        return new TableName(t.schema() == null ? null : t.schema().toLowerCase(Locale.ROOT),
                t.table().toLowerCase(Locale.ROOT));
    }

    private static boolean isSystem(TableName t) {
        return t.schema() != null && SYSTEM_SCHEMAS.contains(t.schema().toLowerCase(Locale.ROOT));
    }

    /**
     * What the application user of fact 12 ({@code bg_app}: SELECT, INSERT, UPDATE, DELETE and EXECUTE on its own
     * database) is refused, with the server's error code; the statements that commit have committed before.
     */
    static final class ApplicationUser {

        private static final List<Map.Entry<String, Integer>> REFUSED = List.of(
                Map.entry("grant ", 1142), Map.entry("revoke ", 1142), Map.entry("set password", 1044),
                Map.entry("set default role", 1044), Map.entry("create temporary", 1044),
                Map.entry("create or replace temporary", 1044), Map.entry("create database", 1044),
                Map.entry("lock table", 1044), Map.entry("create user", 1227), Map.entry("drop user", 1227),
                Map.entry("alter user", 1227), Map.entry("rename user", 1227), Map.entry("create role", 1227),
                Map.entry("drop role", 1227), Map.entry("install ", 1142), Map.entry("uninstall ", 1142),
                Map.entry("drop temporary", 0), Map.entry("create ", 1142), Map.entry("alter ", 1142),
                Map.entry("drop ", 1142), Map.entry("truncate ", 1142), Map.entry("rename ", 1142),
                Map.entry("reset ", 1227), Map.entry("flush", 1227), Map.entry("backup ", 1227),
                Map.entry("lock instance", 1227), Map.entry("purge ", 1227), Map.entry("change ", 1227),
                Map.entry("start slave", 1227), Map.entry("start replica", 1227), Map.entry("start all", 1227),
                Map.entry("stop slave", 1227), Map.entry("stop replica", 1227), Map.entry("stop all", 1227),
                Map.entry("set global", 1227), Map.entry("set session sql_log_bin", 1227),
                Map.entry("set sql_log_bin", 1227), Map.entry("set @@session.sql_log_bin", 1227),
                Map.entry("set @@sql_log_bin", 1227));

        private ApplicationUser() {
        }

        static int refusal(String text) {
            String statement = OracleReading.withoutSetStatement(text);
            if (statement.matches("(analyze|optimize|repair|check)( no_write_to_binlog| local)? tables? mysql\\..*")) {
                return 1142;
            }
            for (Map.Entry<String, Integer> e : REFUSED) {
                if (statement.startsWith(e.getKey())) {
                    return e.getValue();
                }
            }
            return 0;
        }
    }
}
