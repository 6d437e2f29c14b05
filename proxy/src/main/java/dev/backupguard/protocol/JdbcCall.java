package dev.backupguard.protocol;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.IsolationLevel;
import dev.backupguard.classify.Statement;

/**
 * JDBC calls that change transaction state, as the statements the server sees for them. The protocol plans them like
 * statements; when a plan step holds one of these exact instances, the adapter makes the JDBC call (never the SQL
 * text), so the driver's own view of autocommit and isolation stays right.
 */
public final class JdbcCall {

    public static final Statement COMMIT = Classifier.classify("COMMIT");
    public static final Statement ROLLBACK = Classifier.classify("ROLLBACK");
    public static final Statement AUTOCOMMIT_ON = Classifier.classify("SET autocommit=1");
    public static final Statement AUTOCOMMIT_OFF = Classifier.classify("SET autocommit=0");
    private static final Statement[] ISOLATION = new Statement[IsolationLevel.values().length];

    static {
        for (IsolationLevel level : IsolationLevel.values()) {
            ISOLATION[level.ordinal()] = Classifier.classify("SET SESSION TRANSACTION ISOLATION LEVEL " + level.sql());
        }
    }

    private JdbcCall() {
    }

    public static Statement autocommit(boolean on) {
        return on ? AUTOCOMMIT_ON : AUTOCOMMIT_OFF;
    }

    public static Statement isolation(IsolationLevel level) {
        return ISOLATION[level.ordinal()];
    }

    /** Whether {@code st} stands for a JDBC call rather than SQL text. */
    public static boolean isCall(Statement st) {
        if (st == COMMIT || st == ROLLBACK || st == AUTOCOMMIT_ON || st == AUTOCOMMIT_OFF) {
            return true;
        }
        for (Statement s : ISOLATION) {
            if (s == st) {
                return true;
            }
        }
        return false;
    }
}
