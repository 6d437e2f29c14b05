package dev.backupguard.harness;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.Statement;
import dev.backupguard.classify.TableName;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A statement an assertion expects, matched by meaning rather than by text: the same kind of statement (as the
 * classifier sees it) with the same properties that matter to the backup protocol. {@code START TRANSACTION WITH
 * CONSISTENT SNAPSHOT} matches {@code START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT *}{@code /};
 * {@code SELECT * FROM accounts} matches {@code SELECT /*!40001 SQL_NO_CACHE *}{@code / `id` FROM `shop`.`accounts`};
 * {@code SHOW MASTER STATUS} matches {@code SHOW BINLOG STATUS}. Statements without such properties (SET of other
 * variables, SELECT without a table, OTHER) are compared as text, ignoring case and spacing.
 */
final class StatementPattern {

    private final String text;
    private final Statement expected;

    StatementPattern(String sql) {
        this.text = sql;
        this.expected = Classifier.classify(sql);
    }

    @Override
    public String toString() {
        return text;
    }

    boolean matches(String sql) {
        for (Statement actual : Classifier.classifyAll(sql)) {
            if (matches(actual)) {
                return true;
            }
        }
        return false;
    }

    private boolean matches(Statement actual) {
        Statement e = expected;
        if (e.kind() != actual.kind()) {
            return false;
        }
        if (e.isConsistentSnapshot() != actual.isConsistentSnapshot()) {
            return false;
        }
        switch (e.kind()) {
            case SET_AUTOCOMMIT:
                return e.isAutocommitOn() == actual.isAutocommitOn();
            case SET_TRANSACTION_ISOLATION:
                return e.isolation() == null || e.isolation() == actual.isolation();
            case SHOW_STATUS:
                return e.isSnapshotStatusRead() == actual.isSnapshotStatusRead()
                        && (e.isSnapshotStatusRead() || sameText(e.sql(), actual.sql()));
            case LOCK_TABLES:
                return names(e.tables()).equals(names(actual.tables()))
                        && e.has(Statement.F_LOCK_WRITE) == actual.has(Statement.F_LOCK_WRITE);
            case FLUSH_TABLES_WITH_READ_LOCK:
            case FLUSH_TABLES:
                return names(e.tables()).equals(names(actual.tables()));
            case SAVEPOINT:
            case ROLLBACK_TO_SAVEPOINT:
            case RELEASE_SAVEPOINT:
            case USE:
            case BACKUP_STAGE:
            case SHOW_CREATE_DATABASE:
                return e.name() == null || e.name().equalsIgnoreCase(actual.name());
            case SHOW_CREATE_TABLE:
            case SHOW_COLUMNS:
                return sameTable(e.target(), actual.target());
            case SELECT:
                if (e.target() != null) {
                    return sameTable(e.target(), actual.target()) && e.isLockingRead() == actual.isLockingRead();
                }
                if (e.isGtidRead()) {
                    return actual.isGtidRead();
                }
                return sameText(e.sql(), actual.sql());
            case SET_OTHER:
            case OTHER:
            case ADMIN:
            case DML:
            case DDL:
            case KILL:
            case SHOW_OTHER:
                return sameText(e.sql(), actual.sql());
            default:
                return true; // the kind says it all: COMMIT, UNLOCK TABLES, SHOW MASTER STATUS, FLUSH LOGS, ...
        }
    }

    private static boolean sameTable(TableName e, TableName a) {
        if (e == null || a == null) {
            return e == a;
        }
        return e.table().equalsIgnoreCase(a.table())
                && (e.schema() == null || a.schema() == null || e.schema().equalsIgnoreCase(a.schema()));
    }

    private static Set<String> names(List<TableName> tables) {
        Set<String> out = new HashSet<>();
        for (TableName t : tables) {
            out.add(t.table().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static boolean sameText(String a, String b) {
        return norm(a).equals(norm(b));
    }

    private static String norm(String s) {
        return s.strip().replaceAll("\\s+", " ").replace("`", "").toLowerCase(Locale.ROOT);
    }

    /** Kinds worth telling apart in messages. */
    Kind kind() {
        return expected.kind();
    }
}
