package dev.backupguard.classify;

/**
 * What a statement does to the session's binary logging ({@code sql_log_bin}), read from its text: the guard's own
 * {@code SET SESSION sql_log_bin = 0} is recognised the same way whether the guard sent it, a job sent it, or a
 * recording or a general log shows it.
 *
 * <p>Forms (MySQL 8.4 manual, "SET Syntax for Variable Assignment" and "sql_log_bin"; MariaDB "SET", "sql_log_bin"):
 * {@code SET [SESSION|LOCAL] sql_log_bin = v}, {@code SET @@sql_log_bin = v}, {@code SET @@session.sql_log_bin = v},
 * also among other assignments of one SET (the last assignment counts). {@code 0}, {@code OFF} and {@code FALSE}
 * switch logging off; {@code 1}, {@code ON}, {@code TRUE} and {@code DEFAULT} (the default is ON) switch it on. A
 * value the text does not give (a user variable, an expression) is taken as on: for a session that may write, logging
 * on is the safe guess. A GLOBAL assignment changes nothing for this session, and neither does
 * {@code SET STATEMENT sql_log_bin = 0 FOR ...} (one statement only).
 */
public enum SqlLogBin {
    /** The statement does not change this session's sql_log_bin. */
    UNCHANGED,
    /** The statement switches this session's binary logging off. */
    OFF,
    /** The statement switches this session's binary logging on. */
    ON;

    /** What {@code st} assigns to this session's sql_log_bin. Reads the text again only for a SET statement. */
    public static SqlLogBin assignedBy(Statement st) {
        Kind k = st.kind();
        if (k != Kind.SET_OTHER && k != Kind.SET_AUTOCOMMIT && k != Kind.SET_TRANSACTION_ISOLATION) {
            return UNCHANGED;
        }
        Lexer lx = new Lexer(st.sql(), true);
        lx.next();
        if (!lx.accept("SET") || lx.is("STATEMENT")) {
            return UNCHANGED;
        }
        boolean global = false;
        SqlLogBin result = UNCHANGED;
        while (lx.type() != Lexer.END) {
            if (lx.accept("GLOBAL") || lx.accept("PERSIST") || lx.accept("PERSIST_ONLY")) {
                global = true;
            } else if (lx.accept("SESSION") || lx.accept("LOCAL")) {
                global = false;
            }
            boolean thisSession = !global;
            if (lx.isPunct('@')) {
                lx.next();
                thisSession = lx.isPunct('@'); // a single @ is a user variable
                if (thisSession) {
                    lx.next();
                    thisSession = !lx.is("GLOBAL");
                    if ((lx.accept("GLOBAL") || lx.accept("SESSION") || lx.accept("LOCAL")) && lx.isPunct('.')) {
                        lx.next();
                    }
                }
            }
            if (thisSession && lx.isName() && lx.textIs("SQL_LOG_BIN")) {
                lx.next();
                if (lx.isPunct(':')) {
                    lx.next();
                }
                if (lx.isPunct('=')) {
                    lx.next();
                    result = SetForms.isOff(lx) ? OFF : ON;
                }
            }
            SetForms.skipToNextAssignment(lx);
        }
        return result;
    }
}
