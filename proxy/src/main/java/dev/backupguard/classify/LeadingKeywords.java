package dev.backupguard.classify;

import static dev.backupguard.classify.Statement.F_CONSISTENT_SNAPSHOT;
import static dev.backupguard.classify.Statement.F_KILL_QUERY;
import static dev.backupguard.classify.Statement.F_MALFORMED;
import static dev.backupguard.classify.Statement.F_READ_ONLY;
import static dev.backupguard.classify.Statement.F_SHALLOW;

/**
 * Decides what a statement is from its leading keyword, and reads the short transaction-control forms itself.
 * The families with more grammar have their own readers: {@link LockForms}, {@link SetForms}, {@link ShowForms},
 * {@link QueryShape}.
 */
final class LeadingKeywords {

    private LeadingKeywords() {
    }

    static Statement recognize(Lexer lx) {
        lx.next();
        Statement statement;
        do {
            // Only MariaDB's SET STATEMENT ... FOR s gives null: the lexer then stands at s, which decides.
            statement = dispatch(lx);
        } while (statement == null);
        return statement;
    }

    private static Statement dispatch(Lexer lx) {
        if (lx.type() == Lexer.END) {
            // An unterminated quote as the first token is no statement either, but it is not empty.
            return lx.statement(lx.onlyTrivia() ? Kind.EMPTY : Kind.OTHER, 0);
        }
        if (lx.isPunct('(')) {
            return QueryShape.parenthesized(lx); // may hold a DML statement: always read
        }
        if (lx.type() != Lexer.WORD || lx.startsWithDigit()) {
            // No statement starts with a string, a number or punctuation.
            return lx.statement(Kind.OTHER, F_MALFORMED);
        }
        switch (lx.upperFirst()) {
            case 'A':
                if (lx.is("ALTER")) {
                    return lx.statement(Kind.DDL, 0);
                }
                break;
            case 'B':
                if (lx.is("BEGIN")) {
                    return begin(lx);
                }
                if (lx.is("BACKUP")) {
                    return LockForms.backup(lx);
                }
                break;
            case 'C':
                if (lx.is("COMMIT")) {
                    return lx.statement(Kind.COMMIT, 0);
                }
                if (lx.is("CREATE")) {
                    return AdminForms.createOrDrop(lx);
                }
                break;
            case 'D':
                if (lx.is("DELETE")) {
                    return lx.statement(Kind.DML, 0);
                }
                if (lx.is("DROP")) {
                    return AdminForms.createOrDrop(lx);
                }
                break;
            case 'F':
                if (lx.is("FLUSH")) {
                    return LockForms.flush(lx);
                }
                break;
            case 'I':
                if (lx.is("INSERT")) {
                    return lx.statement(Kind.DML, 0);
                }
                break;
            case 'K':
                if (lx.is("KILL")) {
                    return kill(lx);
                }
                break;
            case 'L':
                if (lx.is("LOCK")) {
                    return LockForms.lock(lx);
                }
                if (lx.is("LOAD")) {
                    lx.next();
                    // LOAD DATA and LOAD XML write rows; LOAD INDEX INTO CACHE does not.
                    return lx.is("DATA") || lx.is("XML") ? lx.statement(Kind.DML, 0) : AdminForms.loadIndex(lx);
                }
                break;
            case 'R':
                if (lx.is("REPLACE")) {
                    return lx.statement(Kind.DML, 0);
                }
                if (lx.is("ROLLBACK")) {
                    return rollback(lx);
                }
                if (lx.is("RELEASE")) {
                    lx.next();
                    return lx.accept("SAVEPOINT") ? savepoint(lx, Kind.RELEASE_SAVEPOINT) : lx.statement(Kind.OTHER, 0);
                }
                if (lx.is("RENAME")) {
                    return lx.statement(Kind.DDL, 0);
                }
                break;
            case 'S':
                if (lx.is("SELECT")) {
                    return lx.shallow() ? lx.statement(Kind.SELECT, F_SHALLOW) : QueryShape.query(lx, 0);
                }
                if (lx.is("SET")) {
                    return SetForms.recognize(lx);
                }
                if (lx.is("SHOW")) {
                    return ShowForms.recognize(lx);
                }
                if (lx.is("START")) {
                    return start(lx);
                }
                if (lx.is("SAVEPOINT")) {
                    lx.next();
                    return savepoint(lx, Kind.SAVEPOINT);
                }
                break;
            case 'T':
                if (lx.is("TABLE")) {
                    return lx.shallow() ? lx.statement(Kind.SELECT, F_SHALLOW) : QueryShape.query(lx, 0);
                }
                if (lx.is("TRUNCATE")) {
                    return lx.statement(Kind.DDL, 0);
                }
                break;
            case 'U':
                if (lx.is("UPDATE")) {
                    return lx.statement(Kind.DML, 0);
                }
                if (lx.is("UNLOCK")) {
                    return LockForms.unlock(lx);
                }
                if (lx.is("USE")) {
                    lx.next();
                    String database = lx.requiredName();
                    return lx.statement(Kind.USE, null, null, database, null, 0);
                }
                break;
            case 'V':
                if (lx.is("VALUES")) {
                    return lx.shallow() ? lx.statement(Kind.SELECT, F_SHALLOW) : QueryShape.query(lx, 0);
                }
                break;
            case 'W':
                if (lx.is("WITH")) {
                    return QueryShape.query(lx, 0); // WITH ... may end in UPDATE or DELETE: always read
                }
                break;
            default:
                break;
        }
        // GRANT, ANALYZE TABLE, ... (ADMIN); CALL, DO, HANDLER, XA, PREPARE, EXECUTE, labels of compound statements,
        // unknown words (OTHER).
        return AdminForms.recognize(lx);
    }

    /** {@code BEGIN [WORK]}; MariaDB's {@code BEGIN NOT ATOMIC} opens a compound statement, which is OTHER. */
    private static Statement begin(Lexer lx) {
        lx.next();
        if (lx.type() == Lexer.END || lx.is("WORK")) {
            return lx.statement(Kind.BEGIN, 0);
        }
        return lx.statement(Kind.OTHER, 0);
    }

    /** {@code ROLLBACK [WORK] [AND [NO] CHAIN] [[NO] RELEASE]} or {@code ROLLBACK [WORK] TO [SAVEPOINT] sp}. */
    private static Statement rollback(Lexer lx) {
        lx.next();
        lx.accept("WORK");
        if (lx.accept("TO")) {
            lx.accept("SAVEPOINT");
            return savepoint(lx, Kind.ROLLBACK_TO_SAVEPOINT);
        }
        return lx.statement(Kind.ROLLBACK, 0);
    }

    private static Statement savepoint(Lexer lx, Kind kind) {
        String name = lx.requiredName();
        return lx.statement(kind, null, null, name, null, 0);
    }

    /**
     * {@code START TRANSACTION [WITH CONSISTENT SNAPSHOT] [, READ ONLY | READ WRITE]}, in any order; mysqldump sends
     * {@code START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT *}{@code /}. WITH followed by anything else is a
     * syntax error ({@link Statement#F_MALFORMED}): the server starts nothing. START SLAVE and START REPLICA are
     * ADMIN, START GROUP_REPLICATION is OTHER.
     */
    private static Statement start(Lexer lx) {
        lx.next();
        if (!lx.accept("TRANSACTION")) {
            return AdminForms.replication(lx, AdminForms.START_REPLICA);
        }
        int flags = 0;
        while (lx.type() != Lexer.END) {
            if (lx.accept("WITH")) {
                flags |= lx.accept("CONSISTENT") && lx.accept("SNAPSHOT") ? F_CONSISTENT_SNAPSHOT : F_MALFORMED;
            } else if (lx.accept("CONSISTENT")) {
                if (lx.accept("SNAPSHOT")) {
                    flags |= F_CONSISTENT_SNAPSHOT;
                }
            } else if (lx.accept("READ")) {
                if (lx.accept("ONLY")) {
                    flags |= F_READ_ONLY;
                }
            } else {
                lx.next();
            }
        }
        return lx.statement(Kind.START_TRANSACTION, flags);
    }

    /** {@code KILL [HARD|SOFT] [CONNECTION|QUERY] [ID] n} (HARD, SOFT and ID are MariaDB's). */
    private static Statement kill(Lexer lx) {
        lx.next();
        if (!lx.accept("HARD")) {
            lx.accept("SOFT");
        }
        return lx.statement(Kind.KILL, lx.is("QUERY") ? F_KILL_QUERY : 0);
    }
}
