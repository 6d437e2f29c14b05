package dev.backupguard.classify;

import static dev.backupguard.classify.Statement.F_LOCAL;
import static dev.backupguard.classify.Statement.F_LOCK_WRITE;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The lock-taking and lock-releasing statements: FLUSH, LOCK, UNLOCK, and MariaDB's BACKUP STAGE. */
final class LockForms {

    private LockForms() {
    }

    /**
     * {@code FLUSH [NO_WRITE_TO_BINLOG | LOCAL] TABLE[S] [t, ...] [WITH READ LOCK | FOR EXPORT]}, or
     * {@code FLUSH [NO_WRITE_TO_BINLOG | LOCAL] option [, option] ...} where any {@code ... LOGS} option (LOGS, BINARY
     * LOGS, ENGINE LOGS, ERROR LOGS, GENERAL LOGS, RELAY LOGS, SLOW LOGS) rotates logs.
     */
    static Statement flush(Lexer lx) {
        lx.next();
        int flags = 0;
        if (lx.accept("LOCAL") || lx.accept("NO_WRITE_TO_BINLOG")) {
            flags |= F_LOCAL;
        }
        if (lx.accept("TABLES") || lx.accept("TABLE")) {
            List<TableName> tables = flushedTables(lx);
            Kind kind = Kind.FLUSH_TABLES;
            if (lx.accept("WITH")) {
                // WITH can only be followed by READ LOCK (MariaDB adds AND DISABLE CHECKPOINT): a lock either way.
                kind = Kind.FLUSH_TABLES_WITH_READ_LOCK;
            } else if (lx.accept("FOR")) {
                kind = lx.is("EXPORT") ? Kind.FLUSH_TABLES_FOR_EXPORT : Kind.FLUSH_OTHER;
            }
            return lx.statement(kind, null, tables, null, null, flags);
        }
        Kind kind = Kind.FLUSH_OTHER;
        while (lx.type() != Lexer.END) {
            if (lx.is("LOGS")) {
                kind = Kind.FLUSH_LOGS;
            }
            lx.next();
        }
        return lx.statement(kind, flags);
    }

    private static List<TableName> flushedTables(Lexer lx) {
        if (!lx.isName() || lx.is("WITH") || lx.is("FOR")) {
            return List.of();
        }
        lx.liftScanLimit(); // the list is the statement's meaning: every name counts
        List<TableName> tables = new ArrayList<>();
        while (!lx.is("WITH") && !lx.is("FOR")) {
            TableName table = lx.tableName();
            if (table == null) {
                break;
            }
            tables.add(table);
            if (!lx.isPunct(',')) {
                break;
            }
            lx.next();
        }
        return List.copyOf(tables);
    }

    /**
     * {@code LOCK TABLE[S] t [[AS] alias] {READ [LOCAL] | [LOW_PRIORITY] WRITE | WRITE CONCURRENT}, ...} (WRITE
     * CONCURRENT is MariaDB's) and MySQL 8.0's {@code LOCK INSTANCE FOR BACKUP}.
     */
    static Statement lock(Lexer lx) {
        lx.next();
        if (lx.accept("INSTANCE")) {
            return lx.statement(lx.accept("FOR") && lx.is("BACKUP") ? Kind.LOCK_INSTANCE_FOR_BACKUP : Kind.OTHER, 0);
        }
        if (!lx.accept("TABLES") && !lx.accept("TABLE")) {
            return lx.statement(Kind.OTHER, 0); // Percona's LOCK BINLOG FOR BACKUP, unknown forms
        }
        if (lx.is("FOR")) {
            // Percona Server's LOCK TABLES FOR BACKUP is a backup lock, not a table lock (FOR is reserved, never a
            // table name): OTHER rather than a claim about what it commits.
            return lx.statement(Kind.OTHER, 0);
        }
        lx.liftScanLimit(); // the list is the statement's meaning: every name counts
        List<TableName> tables = new ArrayList<>();
        int flags = 0;
        while (true) {
            TableName table = lx.tableName();
            if (table == null) {
                break;
            }
            tables.add(table);
            if (lx.accept("AS")) {
                lx.next();
            } else if (lx.isName() && !lx.is("READ") && !lx.is("WRITE") && !lx.is("LOW_PRIORITY")) {
                lx.next(); // alias (READ, WRITE, LOW_PRIORITY are reserved words, never aliases)
            }
            if (lx.accept("READ")) {
                lx.accept("LOCAL");
            } else {
                lx.accept("LOW_PRIORITY");
                if (lx.accept("WRITE")) {
                    flags |= F_LOCK_WRITE;
                }
            }
            while (lx.type() != Lexer.END && !lx.isPunct(',')) {
                lx.next(); // CONCURRENT, or whatever a newer server allows
            }
            if (!lx.isPunct(',')) {
                break;
            }
            lx.next();
        }
        if (tables.isEmpty()) {
            lx.malformed();
        }
        return lx.statement(Kind.LOCK_TABLES, null, List.copyOf(tables), null, null, flags);
    }

    /** {@code UNLOCK TABLE[S]} and {@code UNLOCK INSTANCE}. */
    static Statement unlock(Lexer lx) {
        lx.next();
        if (lx.is("TABLES") || lx.is("TABLE")) {
            return lx.statement(Kind.UNLOCK_TABLES, 0);
        }
        if (lx.is("INSTANCE")) {
            return lx.statement(Kind.UNLOCK_INSTANCE, 0);
        }
        return lx.statement(Kind.OTHER, 0);
    }

    /** MariaDB {@code BACKUP STAGE START|FLUSH|BLOCK_DDL|BLOCK_COMMIT|END}; BACKUP LOCK and BACKUP UNLOCK are ADMIN. */
    static Statement backup(Lexer lx) {
        lx.next();
        if (!lx.accept("STAGE")) {
            return AdminForms.backupLock(lx);
        }
        String stage = stage(lx);
        return lx.statement(Kind.BACKUP_STAGE, null, null, stage, null, 0);
    }

    private static final String[] STAGES = {"START", "FLUSH", "BLOCK_DDL", "BLOCK_COMMIT", "END"};

    private static String stage(Lexer lx) {
        for (String stage : STAGES) {
            if (lx.accept(stage)) {
                return stage; // the constant: no allocation, and always upper case
            }
        }
        String name = lx.requiredName();
        return name == null ? null : name.toUpperCase(Locale.ROOT);
    }
}
