package dev.backupguard.classify;

import java.util.List;

/**
 * One classified SQL statement. Immutable; produced by {@link Classifier}.
 *
 * @param kind      what the statement is
 * @param sql       the text of this statement (for a part of multi-statement text, that part only, without the {@code ;})
 * @param target    the single table the statement reads or describes: a single-table SELECT (also with WHERE, LIMIT or
 *                  JOIN-free subclauses), {@code TABLE t}, SHOW CREATE TABLE, SHOW COLUMNS; {@code null} otherwise
 *                  (no FROM, joins, several tables, derived tables, a subquery / UNION / CTE anywhere, or a FROM
 *                  beyond the classifier's read bound)
 * @param tables    the table list of LOCK TABLES and of FLUSH TABLES forms that name tables; empty otherwise
 * @param name      the savepoint of SAVEPOINT / ROLLBACK TO / RELEASE, the database of SHOW CREATE DATABASE and USE,
 *                  the stage of BACKUP STAGE (upper case), the {@code FROM d} of SHOW TABLES and SHOW TABLE STATUS,
 *                  the command of an {@link Kind#ADMIN} statement; {@code null} otherwise
 * @param isolation the level of SET_TRANSACTION_ISOLATION ({@code null} there too when the value is DEFAULT or an
 *                  expression the classifier cannot evaluate); also given for SET_AUTOCOMMIT when the same SET assigns
 *                  the isolation variable; {@code null} otherwise
 * @param flags     a bit set of the {@code F_*} constants below
 */
public record Statement(Kind kind, String sql, TableName target, List<TableName> tables, String name,
                        IsolationLevel isolation, int flags) {

    /** FLUSH LOCAL / NO_WRITE_TO_BINLOG: not written to the binary log. */
    public static final int F_LOCAL = 1;
    /** SET GLOBAL ... (also PERSIST, PERSIST_ONLY, {@code @@global.x}), SHOW GLOBAL STATUS: server-wide scope. */
    public static final int F_GLOBAL = 1 << 1;
    /**
     * SET TRANSACTION ISOLATION LEVEL without GLOBAL/SESSION, and {@code SET @@transaction_isolation = ...} with no
     * scope: applies to the next transaction only (MySQL manual, "Transaction Characteristic Scope").
     */
    public static final int F_NEXT_TRANSACTION = 1 << 2;
    /** START TRANSACTION WITH CONSISTENT SNAPSHOT (also inside {@code /*!40100 ... *}{@code /}). */
    public static final int F_CONSISTENT_SNAPSHOT = 1 << 3;
    /** START TRANSACTION READ ONLY, or SET TRANSACTION ... READ ONLY, or SET transaction_read_only = ON. */
    public static final int F_READ_ONLY = 1 << 4;
    /**
     * SELECT of every row of {@link #target()}: one table, no WHERE, LIMIT, HAVING, GROUP BY, JOIN or UNION, and
     * neither DISTINCT nor a PARTITION list (both return fewer rows). Aggregates are not recognised:
     * {@code SELECT COUNT(*) FROM t} carries the flag.
     */
    public static final int F_WHOLE_TABLE = 1 << 5;
    /** SELECT ... FOR UPDATE / FOR SHARE / LOCK IN SHARE MODE: takes row locks, not a consistent read. */
    public static final int F_LOCKING_READ = 1 << 6;
    /** SELECT ... INTO OUTFILE / DUMPFILE / @var: still a read. */
    public static final int F_SELECT_INTO = 1 << 7;
    /** SET autocommit switched on (1, ON, TRUE); absent means switched off. */
    public static final int F_AUTOCOMMIT_ON = 1 << 8;
    /** LOCK TABLES with at least one WRITE lock. */
    public static final int F_LOCK_WRITE = 1 << 9;
    /**
     * Reads a GTID position: {@code @@[global.]gtid_executed}, {@code @@gtid_binlog_pos}, {@code @@gtid_current_pos},
     * {@code BINLOG_GTID_POS(...)}; also SHOW VARIABLES whose LIKE/WHERE names one of those variables.
     */
    public static final int F_GTID_READ = 1 << 10;
    /** SHOW STATUS LIKE 'binlog_snapshot_%' (MariaDB/Percona snapshot coordinates). */
    public static final int F_SNAPSHOT_STATUS_READ = 1 << 11;
    /** The statement carries the hint comment {@code /* backup-guard:backup *}{@code /}: this session is a backup. */
    public static final int F_HINT_BACKUP = 1 << 12;
    /** The statement carries the hint comment {@code /* backup-guard:never *}{@code /}: this session is never a backup. */
    public static final int F_HINT_NEVER = 1 << 13;
    /** KILL QUERY (not the connection). */
    public static final int F_KILL_QUERY = 1 << 14;
    /** Text the lexer could not make sense of (unterminated quote or comment, binary garbage): classified conservatively. */
    public static final int F_MALFORMED = 1 << 15;
    /** A query that reads tables (has a FROM clause other than DUAL): with a null {@link #target()}, a join or several tables. */
    public static final int F_FROM = 1 << 16;
    /**
     * A query classified by its leading keyword only ({@link Classifier#classifyLeading}): its target and shape flags
     * were not read, so they say nothing.
     */
    public static final int F_SHALLOW = 1 << 17;
    /**
     * An {@link Kind#OPAQUE} text that splits or classifies differently under the sql_mode (NO_BACKSLASH_ESCAPES,
     * ANSI_QUOTES) or server version the connection's {@link SessionText} does not know: learning them resolves it.
     */
    public static final int F_AMBIGUOUS = 1 << 18;
    /**
     * {@code CREATE [OR REPLACE] TEMPORARY TABLE} and {@code DROP TEMPORARY TABLE}: the DDL forms that do not commit
     * implicitly (MySQL 8.4 manual, 15.3.3 "Statements That Cause an Implicit Commit"; MariaDB "SQL statements That
     * Cause an Implicit Commit", exceptions). Other DDL on a temporary table commits (docs/server-facts.md, fact 12).
     */
    public static final int F_TEMPORARY = 1 << 19;

    public Statement {
        tables = tables == null ? List.of() : tables;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public boolean isWholeTableRead() {
        return has(F_WHOLE_TABLE);
    }

    public boolean isLockingRead() {
        return has(F_LOCKING_READ);
    }

    public boolean isConsistentSnapshot() {
        return has(F_CONSISTENT_SNAPSHOT);
    }

    public boolean isAutocommitOn() {
        return has(F_AUTOCOMMIT_ON);
    }

    public boolean isGtidRead() {
        return has(F_GTID_READ);
    }

    public boolean isSnapshotStatusRead() {
        return has(F_SNAPSHOT_STATUS_READ);
    }

    public boolean isLocal() {
        return has(F_LOCAL);
    }

    public boolean isGlobal() {
        return has(F_GLOBAL);
    }

    @Override
    public String toString() {
        return kind + (target != null ? "(" + target + ")" : "") + (name != null ? "[" + name + "]" : "");
    }
}
