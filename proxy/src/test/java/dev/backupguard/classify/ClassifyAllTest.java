package dev.backupguard.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Classifier#classifyAll(String)}: splitting multi-statement text at top-level semicolons. */
class ClassifyAllTest {

    @Test
    void splitsAtTopLevelSemicolonsAndTrimsEachPart() {
        List<Statement> all = Classifier.classifyAll("  SELECT 1;\n COMMIT ;ROLLBACK TO SAVEPOINT sp");

        assertThat(all).extracting(Statement::kind, Statement::sql, Statement::name).containsExactly(
                tuple(Kind.SELECT, "SELECT 1", null),
                tuple(Kind.COMMIT, "COMMIT", null),
                tuple(Kind.ROLLBACK_TO_SAVEPOINT, "ROLLBACK TO SAVEPOINT sp", "sp"));
    }

    @Test
    void semicolonsInsideQuotesAndCommentsDoNotSplit() {
        String sql = "SELECT 'a;b', \"c;d\", `e;f` FROM t /* ; */ WHERE x = 'it''s;' -- ;\n; # ;\nCOMMIT";

        assertThat(Classifier.classifyAll(sql)).extracting(Statement::kind, Statement::sql).containsExactly(
                tuple(Kind.SELECT, "SELECT 'a;b', \"c;d\", `e;f` FROM t /* ; */ WHERE x = 'it''s;' -- ;"),
                tuple(Kind.COMMIT, "# ;\nCOMMIT"));
    }

    /** MariaDB 11.4 reads {@code --} and DEL as a comment ({@code SELECT 1 --<DEL> x} returns 1): a quote in it is text. */
    @Test
    void aDashDashCommentMayBeOpenedByDel() {
        assertThat(Classifier.classifyAll("SELECT 1 --\u007F don't\nFROM t; FLUSH TABLES WITH READ LOCK"))
                .extracting(Statement::kind).containsExactly(Kind.SELECT, Kind.FLUSH_TABLES_WITH_READ_LOCK);
    }

    @Test
    void backslashEscapedQuoteDoesNotEndTheString() {
        assertThat(Classifier.classifyAll("SELECT 'a\\'; COMMIT'; BEGIN"))
                .extracting(Statement::kind, Statement::sql)
                .containsExactly(tuple(Kind.SELECT, "SELECT 'a\\'; COMMIT'"), tuple(Kind.BEGIN, "BEGIN"));
    }

    @Test
    void aSingleStatementKeepsTheCallersString() {
        String sql = "SELECT * FROM t";

        List<Statement> all = Classifier.classifyAll(sql);

        assertThat(all).hasSize(1);
        assertThat(all.get(0).sql()).isSameAs(sql);
    }

    @Test
    void aTrailingSemicolonIsDroppedFromTheText() {
        assertThat(Classifier.classifyAll("COMMIT;")).extracting(Statement::kind, Statement::sql)
                .containsExactly(tuple(Kind.COMMIT, "COMMIT"));
    }

    @Test
    void emptyPartsAndCommentOnlyPartsAreDropped() {
        assertThat(Classifier.classifyAll(";;SELECT 1;; -- bye\n; /* nothing */"))
                .extracting(Statement::kind).containsExactly(Kind.SELECT);
    }

    @Test
    void aCommentOnlyPartWithAHintIsKept() {
        assertThat(Classifier.classifyAll("SELECT 1; /* backup-guard:backup */"))
                .extracting(Statement::kind, s -> s.has(Statement.F_HINT_BACKUP))
                .containsExactly(tuple(Kind.SELECT, false), tuple(Kind.EMPTY, true));
    }

    @Test
    void allEmptyTextGivesOneEmptyStatement() {
        assertThat(Classifier.classifyAll(" ; ;\n")).extracting(Statement::kind).containsExactly(Kind.EMPTY);
        assertThat(Classifier.classifyAll("")).extracting(Statement::kind).containsExactly(Kind.EMPTY);
        assertThat(Classifier.classifyAll(null)).extracting(Statement::kind, Statement::sql)
                .containsExactly(tuple(Kind.EMPTY, ""));
    }

    @Test
    void hintsBelongToThePartTheyAreIn() {
        List<Statement> all = Classifier.classifyAll("/* backup-guard:never */ SELECT 1; SELECT 2");

        assertThat(all).extracting(s -> s.has(Statement.F_HINT_NEVER)).containsExactly(true, false);
    }

    @Test
    void theMysqldumpSequenceSentAsOneText() {
        String sql = String.join(";\n",
                "FLUSH /*!40101 LOCAL */ TABLES",
                "FLUSH TABLES WITH READ LOCK",
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
                "SHOW MASTER STATUS",
                "UNLOCK TABLES",
                "SHOW CREATE DATABASE IF NOT EXISTS `db`",
                "SAVEPOINT sp",
                "show create table `t`",
                "SELECT /*!40001 SQL_NO_CACHE */ * FROM `t`",
                "ROLLBACK TO SAVEPOINT sp",
                "RELEASE SAVEPOINT sp") + ";";

        assertThat(Classifier.classifyAll(sql)).extracting(Statement::kind).containsExactly(
                Kind.FLUSH_TABLES, Kind.FLUSH_TABLES_WITH_READ_LOCK, Kind.SET_TRANSACTION_ISOLATION,
                Kind.START_TRANSACTION, Kind.SHOW_BINLOG_STATUS, Kind.UNLOCK_TABLES, Kind.SHOW_CREATE_DATABASE,
                Kind.SAVEPOINT, Kind.SHOW_CREATE_TABLE, Kind.SELECT, Kind.ROLLBACK_TO_SAVEPOINT,
                Kind.RELEASE_SAVEPOINT);
    }

    @Test
    void anUnterminatedQuoteSwallowsTheRestOfTheText() {
        assertThat(Classifier.classifyAll("SELECT 'oops; COMMIT"))
                .extracting(Statement::kind, s -> s.has(Statement.F_MALFORMED))
                .containsExactly(tuple(Kind.SELECT, true));
    }

    /** Documented limitation: compound bodies (BEGIN ... END without DELIMITER) are split like any text. */
    @Test
    void compoundStatementBodiesAreSplitAtTheirSemicolons() {
        assertThat(Classifier.classifyAll("CREATE PROCEDURE p() BEGIN SELECT 1; END"))
                .extracting(Statement::kind, Statement::sql)
                .containsExactly(tuple(Kind.DDL, "CREATE PROCEDURE p() BEGIN SELECT 1"), tuple(Kind.OTHER, "END"));
    }

    @Test
    void classifyReadsOnlyTheFirstStatement() {
        Statement first = Classifier.classify("SELECT 1; COMMIT");

        assertThat(first.kind()).isEqualTo(Kind.SELECT);
        assertThat(first.sql()).isEqualTo("SELECT 1; COMMIT");
    }
}
