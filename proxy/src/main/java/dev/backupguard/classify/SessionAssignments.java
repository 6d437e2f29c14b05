package dev.backupguard.classify;

import java.util.Locale;

/**
 * The assignments of a SET statement that change how the session's later text reads: the session's sql_mode and user
 * variables holding a string literal (the text a later {@code PREPARE s FROM @v} or {@code EXECUTE IMMEDIATE @v}
 * runs). Scopes follow the MySQL 8.4 manual, "SET Syntax for Variable Assignment": the last GLOBAL, SESSION, LOCAL,
 * PERSIST or PERSIST_ONLY keyword applies to the assignments after it, {@code @@x} and {@code @@SESSION.x} are the
 * session's, and the server applies the assignments in order (the last one to a variable wins). An enumerated
 * variable also takes a bare word ({@code SET sql_mode = ANSI_QUOTES}; docs/server-facts.md, fact 10).
 */
final class SessionAssignments {

    private SessionAssignments() {
    }

    /** Applies the assignments of the SET statement {@code sql} to {@code state}. */
    static void apply(SessionText.State state, String sql) {
        Lexer lx = new Lexer(sql, true, state.dialect);
        lx.next();
        if (!lx.accept("SET") || lx.is("STATEMENT")) {
            return; // SET STATEMENT ... FOR s: the values last for s only
        }
        boolean global = false;
        while (lx.type() != Lexer.END) {
            if (lx.accept("GLOBAL") || lx.accept("PERSIST") || lx.accept("PERSIST_ONLY")) {
                global = true;
            } else if (lx.accept("SESSION") || lx.accept("LOCAL")) {
                global = false;
            }
            if (lx.isPunct('@')) {
                lx.next();
                if (!lx.isPunct('@')) {
                    userVariable(state, lx);
                    continue;
                }
                lx.next();
                boolean scopeGlobal = global;
                if (lx.is("GLOBAL") || lx.is("PERSIST") || lx.is("PERSIST_ONLY")) {
                    scopeGlobal = true;
                    lx.next();
                } else if (lx.is("SESSION") || lx.is("LOCAL")) {
                    scopeGlobal = false;
                    lx.next();
                } else {
                    scopeGlobal = false; // @@x is the session's value
                }
                if (lx.isPunct('.')) {
                    lx.next();
                }
                systemVariable(state, lx, scopeGlobal);
            } else {
                systemVariable(state, lx, global);
            }
        }
    }

    /** At the name after {@code @}: {@code @v = 'text'} is remembered, any other value forgets {@code @v}. */
    private static void userVariable(SessionText.State state, Lexer lx) {
        if (!lx.isName() && lx.type() != Lexer.STRING) {
            SetForms.skipToNextAssignment(lx);
            return;
        }
        String name = lx.text().toLowerCase(Locale.ROOT);
        lx.next();
        SetForms.skipAssignmentOperator(lx);
        String value = null;
        if (lx.type() == Lexer.STRING) {
            value = lx.text();
            lx.next();
        }
        boolean single = lx.type() == Lexer.END || lx.isPunct(',');
        SetForms.skipToNextAssignment(lx);
        if (value != null && single
                && (state.variables().containsKey(name) || state.variables().size() < SessionText.MAX_REMEMBERED)) {
            state.variables().put(name, value);
        } else {
            state.variables().remove(name);
        }
    }

    /** At a system variable's name: a session sql_mode set to a literal is read, to anything else is unknown. */
    private static void systemVariable(SessionText.State state, Lexer lx, boolean global) {
        if (!lx.isName() || !lx.textIs("SQL_MODE")) {
            SetForms.skipToNextAssignment(lx);
            return;
        }
        lx.next();
        SetForms.skipAssignmentOperator(lx);
        String value = null;
        if ((lx.type() == Lexer.STRING || lx.isName()) && !(lx.type() == Lexer.WORD
                && (lx.is("DEFAULT") || lx.startsWithDigit()))) {
            value = lx.text();
            lx.next();
        }
        boolean single = lx.type() == Lexer.END || lx.isPunct(',');
        SetForms.skipToNextAssignment(lx);
        if (!global) {
            state.dialect = value != null && single ? state.dialect.withSqlMode(value)
                    : state.dialect.withUnknownSqlMode();
        }
    }
}
