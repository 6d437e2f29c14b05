package dev.backupguard.classify;

import static dev.backupguard.classify.Statement.F_GLOBAL;
import static dev.backupguard.classify.Statement.F_GTID_READ;
import static dev.backupguard.classify.Statement.F_MALFORMED;
import static dev.backupguard.classify.Statement.F_SNAPSHOT_STATUS_READ;

/** The SHOW statements the backup protocol tells apart; every other SHOW is SHOW_OTHER. */
final class ShowForms {

    private ShowForms() {
    }

    static Statement recognize(Lexer lx) {
        lx.next();
        int flags = 0;
        boolean scoped = true;
        if (lx.accept("GLOBAL")) {
            flags |= F_GLOBAL;
        } else if (!lx.accept("SESSION") && !lx.accept("LOCAL")) {
            scoped = false;
        }
        if (lx.accept("STATUS")) {
            return patternRead(lx, Kind.SHOW_STATUS, flags);
        }
        if (lx.accept("VARIABLES")) {
            return patternRead(lx, Kind.SHOW_OTHER, flags);
        }
        if (scoped) {
            return lx.statement(Kind.SHOW_OTHER, flags);
        }
        if (lx.accept("MASTER")) {
            // SHOW MASTER STATUS; SHOW MASTER LOGS lists binlog files.
            return lx.statement(lx.is("STATUS") ? Kind.SHOW_BINLOG_STATUS : Kind.SHOW_OTHER, 0);
        }
        if (lx.accept("BINARY")) {
            // MySQL 8.2+ SHOW BINARY LOG STATUS; SHOW BINARY LOGS lists binlog files.
            boolean status = lx.accept("LOG") && lx.is("STATUS");
            return lx.statement(status ? Kind.SHOW_BINLOG_STATUS : Kind.SHOW_OTHER, 0);
        }
        if (lx.accept("BINLOG")) {
            // MariaDB 10.5.2+ SHOW BINLOG STATUS; SHOW BINLOG EVENTS reads events.
            return lx.statement(lx.is("STATUS") ? Kind.SHOW_BINLOG_STATUS : Kind.SHOW_OTHER, 0);
        }
        if (lx.accept("SLAVE") || lx.accept("REPLICA")) {
            // MariaDB names a connection: SHOW SLAVE 'conn' STATUS. SHOW SLAVE HOSTS is no status.
            if (!lx.is("STATUS") && (lx.isName() || lx.type() == Lexer.STRING)) {
                lx.next();
            }
            return lx.statement(lx.is("STATUS") ? Kind.SHOW_REPLICA_STATUS : Kind.SHOW_OTHER, 0);
        }
        if (lx.accept("ALL")) {
            boolean status = (lx.accept("SLAVES") || lx.accept("REPLICAS")) && lx.is("STATUS");
            return lx.statement(status ? Kind.SHOW_REPLICA_STATUS : Kind.SHOW_OTHER, 0);
        }
        if (lx.accept("CREATE")) {
            return create(lx);
        }
        lx.accept("EXTENDED");
        lx.accept("FULL");
        if (lx.accept("TABLES")) {
            return lx.statement(Kind.SHOW_TABLES, null, null, fromDatabase(lx), null, 0);
        }
        if (lx.accept("TABLE")) {
            if (lx.accept("STATUS")) {
                return lx.statement(Kind.SHOW_TABLE_STATUS, null, null, fromDatabase(lx), null, 0);
            }
            return lx.statement(Kind.SHOW_OTHER, 0);
        }
        if (lx.accept("COLUMNS") || lx.accept("FIELDS")) {
            return columns(lx);
        }
        return lx.statement(Kind.SHOW_OTHER, 0);
    }

    /**
     * SHOW STATUS and SHOW VARIABLES, with their LIKE or WHERE: a pattern that mentions {@code binlog_snapshot} reads
     * the snapshot's coordinates (MariaDB, Percona Server), one that mentions a GTID position variable reads a GTID
     * position.
     */
    private static Statement patternRead(Lexer lx, Kind kind, int flags) {
        while (lx.type() != Lexer.END) {
            if (lx.type() == Lexer.STRING) {
                if (kind == Kind.SHOW_STATUS && lx.textMentions("binlog_snapshot")) {
                    flags |= F_SNAPSHOT_STATUS_READ;
                } else if (kind != Kind.SHOW_STATUS && (lx.textMentions("gtid_executed")
                        || lx.textMentions("gtid_binlog_pos") || lx.textMentions("gtid_current_pos"))) {
                    flags |= F_GTID_READ;
                }
            }
            lx.next();
        }
        return lx.statement(kind, flags);
    }

    /** SHOW CREATE TABLE|VIEW t, SHOW CREATE DATABASE|SCHEMA [IF NOT EXISTS] d; other SHOW CREATE forms are OTHER. */
    private static Statement create(Lexer lx) {
        if (lx.accept("TABLE") || lx.accept("VIEW")) {
            TableName table = lx.tableName();
            return lx.statement(Kind.SHOW_CREATE_TABLE, table, null, null, null, table == null ? F_MALFORMED : 0);
        }
        if (lx.accept("DATABASE") || lx.accept("SCHEMA")) {
            if (lx.accept("IF")) {
                lx.accept("NOT");
                lx.accept("EXISTS");
            }
            String database = lx.requiredName();
            return lx.statement(Kind.SHOW_CREATE_DATABASE, null, null, database, null, 0);
        }
        return lx.statement(Kind.SHOW_OTHER, 0);
    }

    /** The optional {@code FROM d} / {@code IN d} of SHOW TABLES and SHOW TABLE STATUS. */
    private static String fromDatabase(Lexer lx) {
        return lx.accept("FROM") || lx.accept("IN") ? lx.requiredName() : null;
    }

    /** SHOW COLUMNS FROM t [FROM d]: the second FROM names the database, as {@code FROM d.t} would. */
    private static Statement columns(Lexer lx) {
        if (!lx.accept("FROM") && !lx.accept("IN")) {
            return lx.statement(Kind.SHOW_COLUMNS, F_MALFORMED);
        }
        TableName table = lx.tableName();
        if (table == null) {
            return lx.statement(Kind.SHOW_COLUMNS, F_MALFORMED);
        }
        String database = fromDatabase(lx);
        if (database != null) {
            table = new TableName(database, table.table());
        }
        return lx.statement(Kind.SHOW_COLUMNS, table, null, null, null, 0);
    }
}
