package dev.backupguard.classify;

/**
 * What a statement is, as far as the backup protocol cares. Decided from the leading keywords
 * (MySQL executable comments count as SQL, other comments do not).
 */
public enum Kind {
    /** Nothing but whitespace and comments (or null input). */
    EMPTY,

    /** {@code FLUSH [LOCAL|NO_WRITE_TO_BINLOG] TABLES [t1, t2]}: closes open tables, takes no lasting lock. */
    FLUSH_TABLES,
    /** {@code FLUSH TABLES [t1, t2] WITH READ LOCK}: the global read lock (or, with a list, a read lock on those tables). */
    FLUSH_TABLES_WITH_READ_LOCK,
    /** {@code FLUSH TABLES t1, t2 FOR EXPORT}. */
    FLUSH_TABLES_FOR_EXPORT,
    /** {@code FLUSH [BINARY] LOGS}: rotates the binlog; commits implicitly since 5.5. */
    FLUSH_LOGS,
    /** Any other FLUSH form (PRIVILEGES, STATUS, HOSTS, ...); also commits implicitly. */
    FLUSH_OTHER,

    /** {@code UNLOCK TABLES}. */
    UNLOCK_TABLES,
    /** {@code LOCK TABLE[S] t [AS a] READ [LOCAL] | [LOW_PRIORITY] WRITE, ...}. */
    LOCK_TABLES,
    /** MySQL 8.0 {@code LOCK INSTANCE FOR BACKUP} (blocks DDL, not DML). */
    LOCK_INSTANCE_FOR_BACKUP,
    /** {@code UNLOCK INSTANCE}. */
    UNLOCK_INSTANCE,
    /** MariaDB {@code BACKUP STAGE START|FLUSH|BLOCK_DDL|BLOCK_COMMIT|END}; the stage is {@link Statement#name()}. */
    BACKUP_STAGE,

    /**
     * {@code SET [GLOBAL|SESSION] TRANSACTION ISOLATION LEVEL x [, READ ONLY]} and the variable forms
     * {@code SET [@@][session.]transaction_isolation|tx_isolation = 'READ-COMMITTED'}.
     */
    SET_TRANSACTION_ISOLATION,
    /** {@code SET [@@][session.]autocommit = 0|1|ON|OFF|TRUE|FALSE}; the value is {@link Statement#isAutocommitOn()}. */
    SET_AUTOCOMMIT,
    /** Any other SET (NAMES, SQL_MODE, lock_wait_timeout, user variables, ...). */
    SET_OTHER,

    /** {@code START TRANSACTION [WITH CONSISTENT SNAPSHOT] [, READ ONLY | READ WRITE]}. */
    START_TRANSACTION,
    /** {@code BEGIN [WORK]} (not {@code BEGIN NOT ATOMIC}, which is a compound statement: OTHER). */
    BEGIN,
    /** {@code COMMIT [WORK] [AND [NO] CHAIN] [[NO] RELEASE]}. */
    COMMIT,
    /** {@code ROLLBACK [WORK]} without TO. */
    ROLLBACK,
    /** {@code SAVEPOINT sp}; the name is {@link Statement#name()}. */
    SAVEPOINT,
    /** {@code ROLLBACK [WORK] TO [SAVEPOINT] sp}. */
    ROLLBACK_TO_SAVEPOINT,
    /** {@code RELEASE SAVEPOINT sp}. */
    RELEASE_SAVEPOINT,

    /** {@code SHOW MASTER STATUS}, {@code SHOW BINARY LOG STATUS} (MySQL 8.2+), {@code SHOW BINLOG STATUS} (MariaDB 10.5.2+). */
    SHOW_BINLOG_STATUS,
    /** {@code SHOW SLAVE|REPLICA [name] STATUS}, {@code SHOW ALL SLAVES|REPLICAS STATUS}. */
    SHOW_REPLICA_STATUS,
    /** {@code SHOW [GLOBAL|SESSION] STATUS [LIKE ...]}; {@link Statement#isSnapshotStatusRead()} for {@code binlog_snapshot_%}. */
    SHOW_STATUS,
    /** {@code SHOW CREATE TABLE t} (also VIEW); the table is the target. */
    SHOW_CREATE_TABLE,
    /** {@code SHOW CREATE DATABASE|SCHEMA [IF NOT EXISTS] d}; the database is {@link Statement#name()}. */
    SHOW_CREATE_DATABASE,
    /** {@code SHOW [FULL] TABLES [FROM d] [LIKE ...]}. */
    SHOW_TABLES,
    /** {@code SHOW TABLE STATUS [FROM d] [LIKE ...]}. */
    SHOW_TABLE_STATUS,
    /** {@code SHOW [FULL] COLUMNS|FIELDS FROM t}: the table is the target. */
    SHOW_COLUMNS,
    /** Any other SHOW (VARIABLES, PROCESSLIST, TRIGGERS, GRANTS, ...). */
    SHOW_OTHER,

    /**
     * A query: {@code SELECT}, {@code WITH ... SELECT}, {@code TABLE t}, {@code VALUES}, parenthesised selects.
     * See {@link Statement#target()}, {@link Statement#isWholeTableRead()}, {@link Statement#isLockingRead()}.
     */
    SELECT,
    /** INSERT, UPDATE, DELETE, REPLACE, LOAD DATA, LOAD XML, and {@code SELECT ... INTO} a table is not one of these. */
    DML,
    /**
     * CREATE, ALTER, DROP, RENAME, TRUNCATE (of any object). All commit implicitly but {@code CREATE TEMPORARY TABLE}
     * and {@code DROP TEMPORARY TABLE}, which carry {@link Statement#F_TEMPORARY}.
     */
    DDL,
    /**
     * An account, table-maintenance, key-cache, plugin, replication or backup-lock statement that one of the
     * servers' manuals lists among the statements that commit implicitly; the command is {@link Statement#name()},
     * one of the {@code AdminForms} names ({@code ANALYZE TABLE}, {@code GRANT}, {@code CHANGE MASTER}, ...).
     * Whether it commits on the connected server is decided by {@code dev.backupguard.protocol.ImplicitCommit}.
     */
    ADMIN,
    /** {@code KILL [CONNECTION|QUERY] n}. */
    KILL,
    /** {@code USE d}; the database is {@link Statement#name()}. */
    USE,
    /**
     * Anything else: CALL, DO, HANDLER, XA, PREPARE, EXECUTE, PURGE, SHUTDOWN, compound statements, unknown. A
     * connection's {@link SessionText} reads EXECUTE as the statement it runs, and the statements it cannot see into
     * as {@link #OPAQUE}.
     */
    OTHER,
    /**
     * A statement whose effect backup-guard cannot see, produced by {@link SessionText} (never by the stateless
     * {@link Classifier}): CALL, a compound statement ({@code BEGIN NOT ATOMIC ... END}, IF, CASE, LOOP, REPEAT, WHILE,
     * FOR, a labelled block), EXECUTE of a prepared statement or {@code @variable} it never saw or whose text it cannot
     * read, and text that reads differently under an sql_mode or server version it does not know
     * ({@link Statement#F_AMBIGUOUS}). It may take the global read lock or end the snapshot unseen.
     */
    OPAQUE
}
