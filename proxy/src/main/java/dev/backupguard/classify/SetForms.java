package dev.backupguard.classify;

import static dev.backupguard.classify.Statement.F_AUTOCOMMIT_ON;
import static dev.backupguard.classify.Statement.F_GLOBAL;
import static dev.backupguard.classify.Statement.F_MALFORMED;
import static dev.backupguard.classify.Statement.F_NEXT_TRANSACTION;
import static dev.backupguard.classify.Statement.F_READ_ONLY;

/**
 * The SET statement: {@code SET [scope] TRANSACTION ...}, assignment lists ({@code SET autocommit=0, sql_mode=''}),
 * and MariaDB's {@code SET STATEMENT var=value FOR statement}.
 *
 * <p>Scopes follow the MySQL 8.4 manual ("SET Syntax for Variable Assignment", "SET TRANSACTION Statement"): the
 * most recent GLOBAL, SESSION, LOCAL, PERSIST or PERSIST_ONLY keyword applies to the assignments after it; PERSIST
 * and PERSIST_ONLY count as global here; and {@code SET @@transaction_isolation = ...}, with {@code @@} and no scope,
 * applies to the next transaction only, like {@code SET TRANSACTION} without a scope keyword.
 */
final class SetForms {

    private static final int UNSPECIFIED = 0;
    private static final int SESSION = 1;
    private static final int GLOBAL = 2;
    private static final int NEXT_TRANSACTION = 3;

    private SetForms() {
    }

    /** Null for {@code SET STATEMENT ... FOR s}: the lexer then stands at s, whose classification is the answer. */
    static Statement recognize(Lexer lx) {
        lx.next();
        // SET PASSWORD and SET DEFAULT ROLE change accounts: they commit implicitly (AdminForms).
        if (lx.is("PASSWORD") || (lx.accept("DEFAULT") && lx.is("ROLE"))) {
            String command = lx.is("PASSWORD") ? AdminForms.SET_PASSWORD : AdminForms.SET_DEFAULT_ROLE;
            return lx.statement(Kind.ADMIN, null, null, command, null, 0);
        }
        int scope = scopeKeyword(lx);
        if (lx.is("TRANSACTION")) {
            return transaction(lx, scope);
        }
        if (scope == UNSPECIFIED && lx.is("STATEMENT")) {
            return statementFor(lx);
        }
        return assignments(lx, scope);
    }

    /** Reads GLOBAL, SESSION, LOCAL, PERSIST or PERSIST_ONLY if present. */
    private static int scopeKeyword(Lexer lx) {
        if (lx.accept("SESSION") || lx.accept("LOCAL")) {
            return SESSION;
        }
        if (lx.accept("GLOBAL") || lx.accept("PERSIST") || lx.accept("PERSIST_ONLY")) {
            return GLOBAL;
        }
        return UNSPECIFIED;
    }

    /** {@code SET [scope] TRANSACTION {ISOLATION LEVEL level | READ ONLY | READ WRITE} [, ...]}. */
    private static Statement transaction(Lexer lx, int scope) {
        lx.next();
        IsolationLevel level = null;
        int flags = scope == GLOBAL ? F_GLOBAL : scope == UNSPECIFIED ? F_NEXT_TRANSACTION : 0;
        while (lx.type() != Lexer.END) {
            if (lx.accept("ISOLATION")) {
                lx.accept("LEVEL");
                IsolationLevel named = levelKeywords(lx);
                if (named != null) {
                    level = named;
                }
            } else if (lx.accept("READ")) {
                if (lx.accept("ONLY")) {
                    flags |= F_READ_ONLY;
                }
            } else {
                lx.next();
            }
        }
        // SET TRANSACTION READ ONLY alone changes no isolation level: SET_OTHER, with F_READ_ONLY.
        Kind kind = level != null ? Kind.SET_TRANSACTION_ISOLATION : Kind.SET_OTHER;
        return lx.statement(kind, null, null, null, level, flags);
    }

    private static IsolationLevel levelKeywords(Lexer lx) {
        if (lx.accept("SERIALIZABLE")) {
            return IsolationLevel.SERIALIZABLE;
        }
        if (lx.accept("REPEATABLE")) {
            lx.accept("READ");
            return IsolationLevel.REPEATABLE_READ;
        }
        if (lx.accept("READ")) {
            if (lx.accept("COMMITTED")) {
                return IsolationLevel.READ_COMMITTED;
            }
            if (lx.accept("UNCOMMITTED")) {
                return IsolationLevel.READ_UNCOMMITTED;
            }
        }
        return null;
    }

    /**
     * {@code SET assignment [, assignment] ...}. The statement is SET_AUTOCOMMIT if any assignment is to autocommit,
     * else SET_TRANSACTION_ISOLATION if any is to transaction_isolation / tx_isolation, else SET_OTHER. Scope flags
     * come from the assignment that decided the kind (for SET_OTHER: F_GLOBAL if any assignment is global).
     */
    private static Statement assignments(Lexer lx, int firstScope) {
        int keywordScope = firstScope;
        boolean anyGlobal = false;
        boolean autocommitSeen = false;
        boolean autocommitOn = false;
        int autocommitScope = UNSPECIFIED;
        boolean isolationSeen = false;
        IsolationLevel isolation = null;
        int isolationScope = UNSPECIFIED;
        boolean readOnly = false;
        boolean first = true;
        while (lx.type() != Lexer.END) {
            if (!first) {
                int scope = scopeKeyword(lx);
                if (scope != UNSPECIFIED) {
                    keywordScope = scope;
                }
            }
            first = false;
            int scope = keywordScope;
            if (lx.isPunct('@')) {
                lx.next();
                if (!lx.isPunct('@')) {
                    skipToNextAssignment(lx); // a user variable, @x = ...
                    continue;
                }
                lx.next();
                scope = NEXT_TRANSACTION;
                if (lx.is("SESSION") || lx.is("LOCAL") || lx.is("GLOBAL") || lx.is("PERSIST")
                        || lx.is("PERSIST_ONLY")) {
                    scope = scopeKeyword(lx); // @@global.x, @@session.x, ...
                    if (lx.isPunct('.')) {
                        lx.next();
                    }
                }
            }
            if (scope == GLOBAL) {
                anyGlobal = true;
            }
            if (lx.isName()) {
                if (lx.textIs("AUTOCOMMIT")) {
                    autocommitSeen = true;
                    autocommitScope = scope;
                    lx.next();
                    skipAssignmentOperator(lx);
                    autocommitOn = !isOff(lx);
                } else if (lx.textIs("TRANSACTION_ISOLATION") || lx.textIs("TX_ISOLATION")) {
                    isolationSeen = true;
                    isolationScope = scope;
                    lx.next();
                    skipAssignmentOperator(lx);
                    isolation = levelValue(lx);
                } else if (lx.textIs("TRANSACTION_READ_ONLY") || lx.textIs("TX_READ_ONLY")) {
                    lx.next();
                    skipAssignmentOperator(lx);
                    readOnly = !isOff(lx);
                }
            }
            skipToNextAssignment(lx);
        }
        int flags = readOnly ? F_READ_ONLY : 0;
        if (autocommitSeen) {
            flags |= (autocommitOn ? F_AUTOCOMMIT_ON : 0) | (autocommitScope == GLOBAL ? F_GLOBAL : 0);
            return lx.statement(Kind.SET_AUTOCOMMIT, null, null, null, isolation, flags);
        }
        if (isolationSeen) {
            flags |= isolationScope == GLOBAL ? F_GLOBAL : isolationScope == NEXT_TRANSACTION ? F_NEXT_TRANSACTION : 0;
            return lx.statement(Kind.SET_TRANSACTION_ISOLATION, null, null, null, isolation, flags);
        }
        return lx.statement(Kind.SET_OTHER, flags | (anyGlobal || firstScope == GLOBAL ? F_GLOBAL : 0));
    }

    /** {@code =} or {@code :=}. */
    static void skipAssignmentOperator(Lexer lx) {
        if (lx.isPunct(':')) {
            lx.next();
        }
        if (lx.isPunct('=')) {
            lx.next();
        }
    }

    /**
     * A boolean variable's value is off for 0, OFF, FALSE (quoted or not). Anything else counts as on, including
     * DEFAULT (autocommit defaults to ON) and expressions such as {@code @saved} that cannot be evaluated here: for
     * autocommit, on is the value that may commit, so it is the conservative guess.
     */
    static boolean isOff(Lexer lx) {
        return lx.textIs("0") || lx.textIs("OFF") || lx.textIs("FALSE");
    }

    /**
     * {@code 'READ-COMMITTED'} and the other three (any case, {@code -}, {@code _} or space), the enum's index
     * 0..3, or null when the value is DEFAULT or an expression.
     */
    private static IsolationLevel levelValue(Lexer lx) {
        if (lx.textIs("READ-UNCOMMITTED") || lx.textIs("0")) {
            return IsolationLevel.READ_UNCOMMITTED;
        }
        if (lx.textIs("READ-COMMITTED") || lx.textIs("1")) {
            return IsolationLevel.READ_COMMITTED;
        }
        if (lx.textIs("REPEATABLE-READ") || lx.textIs("2")) {
            return IsolationLevel.REPEATABLE_READ;
        }
        if (lx.textIs("SERIALIZABLE") || lx.textIs("3")) {
            return IsolationLevel.SERIALIZABLE;
        }
        return null;
    }

    /** Moves past the next top-level comma, or to the end. */
    static void skipToNextAssignment(Lexer lx) {
        skipPast(lx, null);
    }

    /** Moves past the next top-level FOR (true), or to the end (false). */
    static boolean skipPastFor(Lexer lx) {
        return skipPast(lx, "FOR");
    }

    /** Moves past the next top-level comma, or {@code keyword} when given; false when the end came first. */
    private static boolean skipPast(Lexer lx, String keyword) {
        int depth = 0;
        while (lx.type() != Lexer.END) {
            if (lx.isPunct('(')) {
                depth++;
            } else if (lx.isPunct(')')) {
                depth--;
            } else if (depth <= 0 && (keyword == null ? lx.isPunct(',') : lx.is(keyword))) {
                lx.next();
                return true;
            }
            lx.next();
        }
        return false;
    }

    /**
     * MariaDB {@code SET STATEMENT var=value [, ...] FOR statement}: the variables are set for that statement only,
     * so the statement after FOR is what this is.
     */
    private static Statement statementFor(Lexer lx) {
        if (!skipPastFor(lx)) {
            return lx.statement(Kind.SET_OTHER, 0);
        }
        if (lx.type() == Lexer.END) {
            return lx.statement(Kind.SET_OTHER, lx.truncated() ? 0 : F_MALFORMED);
        }
        return null;
    }
}
