package dev.backupguard.classify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Names the classifier returns: quotes removed, escapes resolved, case kept. */
class NamesTest {

    @Test
    void backquotedNamesMayHoldSpacesDotsAndBackquotes() {
        assertThat(Classifier.classify("SELECT * FROM `my table`").target()).isEqualTo(TableName.of("my table"));
        assertThat(Classifier.classify("SELECT * FROM `a.b`").target()).isEqualTo(TableName.of("a.b"));
        assertThat(Classifier.classify("SELECT * FROM `db`.`a.b`").target()).isEqualTo(new TableName("db", "a.b"));
        assertThat(Classifier.classify("SAVEPOINT `sp``1`").name()).isEqualTo("sp`1");
    }

    @Test
    void doubleQuotedNamesAreReadAsUnderAnsiQuotes() {
        assertThat(Classifier.classify("USE \"My Db\"").name()).isEqualTo("My Db");
        assertThat(Classifier.classify("SHOW CREATE TABLE \"s\".\"t\"\"x\"").target())
                .isEqualTo(new TableName("s", "t\"x"));
    }

    @Test
    void nonAsciiNamesAreKeptAsWritten() {
        assertThat(Classifier.classify("SELECT * FROM `Ünïcödé`.表").target()).isEqualTo(new TableName("Ünïcödé", "表"));
        assertThat(Classifier.classify("LOCK TABLES Ünï READ").tables()).containsExactly(TableName.of("Ünï"));
    }

    @Test
    void keywordsMatchAsciiCaseOnly() {
        // Java's toUpperCase turns U+017F (long s) into S and U+0131 (dotless i) into I; MySQL's lexer does not.
        assertThat(Classifier.classify("\u017Felect 1").kind()).isEqualTo(Kind.OTHER);
        assertThat(Classifier.classify("COMM\u0131T").kind()).isEqualTo(Kind.OTHER);
    }

    @Test
    void theBackupStageIsUpperCase() {
        assertThat(Classifier.classify("backup stage Block_Commit").name()).isEqualTo("BLOCK_COMMIT");
        assertThat(Classifier.classify("BACKUP STAGE future_stage").name()).isEqualTo("FUTURE_STAGE");
    }
}
