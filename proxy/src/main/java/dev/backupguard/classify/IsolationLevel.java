package dev.backupguard.classify;

import java.sql.Connection;

/** Transaction isolation levels, with their JDBC constants and their SQL spelling. */
public enum IsolationLevel {
    READ_UNCOMMITTED(Connection.TRANSACTION_READ_UNCOMMITTED, "READ UNCOMMITTED"),
    READ_COMMITTED(Connection.TRANSACTION_READ_COMMITTED, "READ COMMITTED"),
    REPEATABLE_READ(Connection.TRANSACTION_REPEATABLE_READ, "REPEATABLE READ"),
    SERIALIZABLE(Connection.TRANSACTION_SERIALIZABLE, "SERIALIZABLE");

    private final int jdbc;
    private final String sql;

    IsolationLevel(int jdbc, String sql) {
        this.jdbc = jdbc;
        this.sql = sql;
    }

    /** The {@code java.sql.Connection.TRANSACTION_*} constant. */
    public int jdbc() {
        return jdbc;
    }

    /** As written after {@code ISOLATION LEVEL}. */
    public String sql() {
        return sql;
    }

    /** From a JDBC constant; {@code null} for TRANSACTION_NONE or an unknown value. */
    public static IsolationLevel ofJdbc(int level) {
        for (IsolationLevel l : values()) {
            if (l.jdbc == level) {
                return l;
            }
        }
        return null;
    }
}
