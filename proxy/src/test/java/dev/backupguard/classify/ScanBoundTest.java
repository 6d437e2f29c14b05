package dev.backupguard.classify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Only a bounded prefix of a statement is read. Proved with the lexer's own count of consumed chars, not with
 * timing.
 */
class ScanBoundTest {

    private static final int TEN_MB = 10 * 1024 * 1024;

    /** Classifies like {@link Classifier#classify(String)} and returns how far the lexer read. */
    private static int charsRead(String sql) {
        Lexer lexer = new Lexer(sql, true);
        LeadingKeywords.recognize(lexer);
        return lexer.charsRead();
    }

    private static String insertOf(int length) {
        StringBuilder sql = new StringBuilder(length + 64).append("INSERT INTO `t` VALUES ");
        for (int i = 0; sql.length() < length; i++) {
            sql.append(i == 0 ? "" : ",").append("(").append(i).append(",'row ").append(i).append("')");
        }
        return sql.toString();
    }

    private static String inList(int length) {
        StringBuilder list = new StringBuilder(length + 16).append('(');
        for (int i = 0; list.length() < length; i++) {
            list.append(i == 0 ? "" : ",").append(i);
        }
        return list.append(')').toString();
    }

    @Test
    void aTenMegabyteInsertIsDmlAfterOneWord() {
        String sql = insertOf(TEN_MB);

        assertThat(Classifier.classify(sql).kind()).isEqualTo(Kind.DML);
        assertThat(charsRead(sql)).isEqualTo("INSERT".length());
    }

    @Test
    void aTenMegabyteInsertSplitsAsOneStatement() {
        String sql = insertOf(TEN_MB);

        assertThat(Classifier.classifyAll(sql)).extracting(Statement::kind).containsExactly(Kind.DML);
    }

    @Test
    void aHugeInListStopsTheScanAtWhere() {
        String sql = "SELECT * FROM t WHERE id IN " + inList(TEN_MB) + " FOR UPDATE";

        Statement statement = Classifier.classify(sql);

        assertThat(statement.kind()).isEqualTo(Kind.SELECT);
        assertThat(statement.target()).isEqualTo(TableName.of("t"));
        assertThat(statement.isWholeTableRead()).isFalse();
        assertThat(statement.has(Statement.F_MALFORMED)).isFalse();
        assertThat(charsRead(sql)).isLessThan(40);
    }

    @Test
    void aForUpdateAfterAnOrdinaryInListIsSeen() {
        String sql = "SELECT * FROM t WHERE id IN " + inList(Lexer.SCAN_LIMIT / 2) + " FOR UPDATE";

        assertThat(Classifier.classify(sql).isLockingRead()).isTrue();
        assertThat(charsRead(sql)).isEqualTo(sql.length());
    }

    /** Documented trade-off: past the scan limit the tail is unknown, and a statement is never read to its end. */
    @Test
    void aForUpdateBeyondTheScanLimitIsNotLookedFor() {
        String sql = "SELECT * FROM t WHERE id IN " + inList(2 * Lexer.SCAN_LIMIT) + " FOR UPDATE";

        assertThat(Classifier.classify(sql).isLockingRead()).isFalse();
        assertThat(charsRead(sql)).isLessThan(40);
    }

    @Test
    void aHugeSelectListIsReadOnlyUpToTheScanLimit() {
        StringBuilder sql = new StringBuilder("SELECT ");
        while (sql.length() < TEN_MB) {
            sql.append("a").append(sql.length()).append(", ");
        }
        sql.append("b FROM t");

        Statement statement = Classifier.classify(sql.toString());

        assertThat(statement.kind()).isEqualTo(Kind.SELECT);
        assertThat(statement.target()).as("the FROM lies beyond the limit").isNull();
        assertThat(statement.isWholeTableRead()).isFalse();
        assertThat(statement.has(Statement.F_MALFORMED)).as("cut short is not malformed").isFalse();
        assertThat(charsRead(sql.toString())).isLessThanOrEqualTo(Lexer.SCAN_LIMIT);
    }

    @Test
    void aLongStringCutByTheLimitIsNotMalformed() {
        String sql = "SET @x = '" + "x".repeat(TEN_MB) + "'";

        Statement statement = Classifier.classify(sql);

        assertThat(statement.kind()).isEqualTo(Kind.SET_OTHER);
        assertThat(statement.has(Statement.F_MALFORMED)).isFalse();
        assertThat(charsRead(sql)).isLessThanOrEqualTo(Lexer.SCAN_LIMIT);
    }

    @Test
    void leadingCommentsDoNotCountAgainstTheLimit() {
        String sql = "/* " + "x".repeat(TEN_MB) + " */ /* backup-guard:backup */ COMMIT";

        Statement statement = Classifier.classify(sql);

        assertThat(statement.kind()).isEqualTo(Kind.COMMIT);
        assertThat(statement.has(Statement.F_HINT_BACKUP)).isTrue();
    }

    @Test
    void lockTablesListsEveryTableHoweverLong() {
        StringBuilder sql = new StringBuilder("LOCK TABLES ");
        int count = 100_000;
        for (int i = 0; i < count; i++) {
            sql.append(i == 0 ? "" : ", ").append("`db`.`t").append(i).append("` READ LOCAL");
        }
        sql.append(", last WRITE");

        Statement statement = Classifier.classify(sql.toString());

        assertThat(statement.kind()).isEqualTo(Kind.LOCK_TABLES);
        assertThat(statement.tables()).hasSize(count + 1);
        assertThat(statement.tables().get(count - 1)).isEqualTo(new TableName("db", "t" + (count - 1)));
        assertThat(statement.has(Statement.F_LOCK_WRITE)).isTrue();
    }
}
