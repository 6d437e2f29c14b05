package dev.backupguard.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SessionText}: the session's sql_mode and dynamic SQL change how its text reads. The MariaDB facts these rely
 * on are proven against the real server by the tests module's LexingFactsIT (docs/server-facts.md, fact 10).
 */
class SessionTextTest {

    private static final Dialect MARIADB = Dialect.ofServer("11.4.5-MariaDB-log").withSqlMode("STRICT_TRANS_TABLES");
    private static final String FTWRL_AFTER_BACKSLASH = "SELECT 'a\\'; FLUSH TABLES WITH READ LOCK; SELECT '\\'";
    private static final String FTWRL_AFTER_DOUBLE_QUOTE =
            "SELECT 1 AS \"x\\\"; FLUSH TABLES WITH READ LOCK; SELECT 1 AS \"\\\"";

    private static SessionText session(Dialect dialect) {
        return new SessionText(dialect);
    }

    private static SessionText afterExecuting(Dialect dialect, String... statements) {
        SessionText text = session(dialect);
        for (String sql : statements) {
            text.executed(text.classify(sql, true));
        }
        return text;
    }

    private static List<Kind> kinds(List<Statement> statements) {
        return statements.stream().map(Statement::kind).toList();
    }

    // ------------------------------------------------------------------------------------------ sql_mode

    @Test
    void underNoBackslashEscapesABackslashEndsNoStringAndMultiStatementTextSplitsAtIt() {
        SessionText nbe = session(MARIADB.withSqlMode("NO_BACKSLASH_ESCAPES"));
        SessionText plain = session(MARIADB);

        assertThat(kinds(nbe.classifyAll(FTWRL_AFTER_BACKSLASH)))
                .containsExactly(Kind.SELECT, Kind.FLUSH_TABLES_WITH_READ_LOCK, Kind.SELECT);
        assertThat(kinds(plain.classifyAll(FTWRL_AFTER_BACKSLASH))).containsExactly(Kind.SELECT);
    }

    @Test
    void underAnsiQuotesADoubleQuotedTokenIsANameWithoutBackslashEscapes() {
        SessionText ansi = session(MARIADB.withSqlMode("ANSI"));

        assertThat(ansi.classifyAll(FTWRL_AFTER_DOUBLE_QUOTE)).extracting(Statement::kind, Statement::sql)
                .containsExactly(tuple(Kind.SELECT, "SELECT 1 AS \"x\\\""),
                        tuple(Kind.FLUSH_TABLES_WITH_READ_LOCK, "FLUSH TABLES WITH READ LOCK"),
                        tuple(Kind.SELECT, "SELECT 1 AS \"\\\""));
        assertThat(kinds(session(MARIADB).classifyAll(FTWRL_AFTER_DOUBLE_QUOTE))).containsExactly(Kind.SELECT);
    }

    @Test
    void aSetSqlModePartChangesHowTheNextPartsOfTheSameTextAreRead() {
        List<Statement> parts = session(MARIADB).classifyAll("SET SESSION sql_mode = 'NO_BACKSLASH_ESCAPES'; "
                + FTWRL_AFTER_BACKSLASH);

        assertThat(kinds(parts)).containsExactly(Kind.SET_OTHER, Kind.SELECT, Kind.FLUSH_TABLES_WITH_READ_LOCK,
                Kind.SELECT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET sql_mode = 'NO_BACKSLASH_ESCAPES'", "SET SESSION sql_mode='no_backslash_escapes'",
        "SET @@sql_mode := \"NO_BACKSLASH_ESCAPES,STRICT_TRANS_TABLES\"", "SET @@SESSION.sql_mode = NO_BACKSLASH_ESCAPES",
        "SET LOCAL sql_mode = 'ANSI', sql_mode = 'NO_BACKSLASH_ESCAPES'", "set autocommit = 1, @@local.SQL_MODE = 'NO_BACKSLASH_ESCAPES'",
        "EXECUTE IMMEDIATE 'SET sql_mode = ''NO_BACKSLASH_ESCAPES'''"})
    void aSessionSqlModeSetToALiteralIsTracked(String set) {
        Dialect d = afterExecuting(MARIADB, set).dialect();

        assertThat(d.noBackslashEscapes()).isTrue();
        assertThat(d.ansiQuotes()).isFalse();
        assertThat(d.sqlModeKnown()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')", "SET sql_mode = DEFAULT",
        "SET sql_mode = @saved", "SET sql_mode = 4", "SET sql_mode = 'A' 'NSI'", "BEGIN NOT ATOMIC SET sql_mode = ''; END",
        "EXECUTE IMMEDIATE @unknown"})
    void aSessionSqlModeSetToAnythingElseIsUnknown(String set) {
        assertThat(afterExecuting(MARIADB, set).dialect().sqlModeKnown()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET GLOBAL sql_mode = 'ANSI_QUOTES'", "SET PERSIST sql_mode = ''", "SET @@GLOBAL.sql_mode = ''",
        "SET STATEMENT sql_mode = 'ANSI_QUOTES' FOR SELECT 1", "SET @sql_mode = 'ANSI_QUOTES'", "CALL p()",
        "SET NAMES utf8mb4"})
    void otherAssignmentsLeaveTheSessionSqlModeAlone(String set) {
        assertThat(afterExecuting(MARIADB, set).dialect()).isEqualTo(MARIADB);
    }

    @Test
    void aFailedSetChangesNothing() {
        SessionText text = session(MARIADB);
        text.failed(text.classify("SET sql_mode = 'ANSI_QUOTES', x = (SELECT 1 FROM nowhere)", true));

        assertThat(text.dialect()).isEqualTo(MARIADB);
    }

    @Test
    void underAnUnknownSqlModeTextThatReadsDifferentlyIsAmbiguousAndLearningResolvesIt() {
        SessionText text = session(Dialect.ofServer("11.4.5-MariaDB"));

        Statement ambiguous = text.classifyAll(FTWRL_AFTER_BACKSLASH).get(0);
        assertThat(ambiguous.kind()).isEqualTo(Kind.OPAQUE);
        assertThat(ambiguous.has(Statement.F_AMBIGUOUS)).isTrue();
        assertThat(text.classifyAll(FTWRL_AFTER_DOUBLE_QUOTE).get(0).has(Statement.F_AMBIGUOUS)).isTrue();
        assertThat(text.classify("SET STATEMENT max_statement_time = '\\' FOR FLUSH TABLES WITH READ LOCK", true)
                .has(Statement.F_AMBIGUOUS)).as("one statement whose kind depends on the sql_mode").isTrue();

        text.learned(null, "STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES");
        assertThat(kinds(text.classifyAll(FTWRL_AFTER_BACKSLASH)))
                .containsExactly(Kind.SELECT, Kind.FLUSH_TABLES_WITH_READ_LOCK, Kind.SELECT);
    }

    @Test
    void underAnUnknownSqlModeTextThatReadsTheSameEveryWayIsReadOnce() {
        SessionText text = session(Dialect.ofServer("11.4.5-MariaDB"));

        assertThat(text.classify("UPDATE t SET name = 'O\\'Brien' WHERE id = 1", true).kind()).isEqualTo(Kind.DML);
        assertThat(text.classify("SELECT * FROM t WHERE c = \"x\"", true))
                .satisfies(s -> assertThat(s.kind()).isEqualTo(Kind.SELECT))
                .satisfies(s -> assertThat(s.target()).isEqualTo(TableName.of("t")));
        assertThat(kinds(text.classifyAll("INSERT INTO t VALUES ('a\\\\'); SELECT 1")))
                .containsExactly(Kind.DML, Kind.SELECT);
    }

    // ------------------------------------------------------------------------------------------ versioned comments

    @ParameterizedTest
    @ValueSource(strings = {"/*!99999 FLUSH TABLES WITH READ LOCK */", "/*!110406 FLUSH TABLES WITH READ LOCK */",
        "/*M!999999 FLUSH TABLES WITH READ LOCK */", "/*!401011 FLUSH TABLES WITH READ LOCK */",
        "/*!50700 FLUSH TABLES WITH READ LOCK */", "/*!80000 FLUSH TABLES WITH READ LOCK */",
        "/*!99999 /* nested */ FLUSH TABLES WITH READ LOCK */"})
    void mariadbSkipsTheseVersionedComments(String sql) {
        assertThat(session(MARIADB).classify(sql, true).kind()).isEqualTo(Kind.EMPTY);
        assertThat(Classifier.classify(sql).kind()).as("the stateless reading").isEqualTo(Kind.FLUSH_TABLES_WITH_READ_LOCK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/*!40101 FLUSH TABLES WITH READ LOCK */", "/*!50699 FLUSH TABLES WITH READ LOCK */",
        "/*M!50700 FLUSH TABLES WITH READ LOCK */", "/*M!99999 FLUSH TABLES WITH READ LOCK */",
        "/*!110405 FLUSH TABLES WITH READ LOCK */", "/*!100000FLUSH TABLES WITH READ LOCK */",
        "/*M!110405 FLUSH TABLES WITH READ LOCK */", "/*! FLUSH TABLES WITH READ LOCK */",
        "/*!99999 ' */ FLUSH TABLES WITH READ LOCK /* ' */"})
    void mariadbRunsTheseAsSql(String sql) {
        assertThat(session(MARIADB).classify(sql, true).kind()).isEqualTo(Kind.FLUSH_TABLES_WITH_READ_LOCK);
    }

    @Test
    void mariadbReadsFewerThanFiveDigitsAsSqlAndAtMostSix() {
        assertThat(session(MARIADB).classify("/*!1234 FLUSH TABLES WITH READ LOCK */", true).kind())
                .as("'1234 FLUSH ...' is no statement").isEqualTo(Kind.OTHER);
        assertThat(session(MARIADB).classify("/*!1104051 FLUSH TABLES WITH READ LOCK */", true).kind())
                .as("version 110405, then '1 FLUSH ...'").isEqualTo(Kind.OTHER);
    }

    /** MySQL 8.4 manual, "Comments": five digits, or six followed by whitespace (from 8.1); no /*M!. */
    @Test
    void mysqlJudgesVersionedCommentsByItsOwnRules() {
        SessionText mysql84 = session(Dialect.ofServer("8.4.3").withSqlMode(""));
        SessionText mysql80 = session(Dialect.ofServer("8.0.36").withSqlMode(""));

        assertThat(mysql84.classify("/*!80403 FLUSH TABLES WITH READ LOCK */", true).kind())
                .isEqualTo(Kind.FLUSH_TABLES_WITH_READ_LOCK);
        assertThat(mysql84.classify("/*!80404 FLUSH TABLES WITH READ LOCK */", true).kind()).isEqualTo(Kind.EMPTY);
        assertThat(mysql84.classify("/*!99999 FLUSH TABLES WITH READ LOCK */", true).kind()).isEqualTo(Kind.EMPTY);
        assertThat(mysql84.classify("/*!401011 FLUSH TABLES WITH READ LOCK */", true).kind()).isEqualTo(Kind.EMPTY);
        assertThat(mysql80.classify("/*!401011 FLUSH TABLES WITH READ LOCK */", true).kind())
                .as("8.0 reads version 40101, then '1 FLUSH ...'").isEqualTo(Kind.OTHER);
        assertThat(mysql84.classify("/*M!100100 FLUSH TABLES WITH READ LOCK */", true).kind())
                .as("an ordinary comment to MySQL").isEqualTo(Kind.EMPTY);
        assertThat(mysql84.classify("/*!50700 FLUSH TABLES WITH READ LOCK */", true).kind())
                .isEqualTo(Kind.FLUSH_TABLES_WITH_READ_LOCK);
    }

    @Test
    void mysqldumpsOwnVersionedCommentsReadAsBefore() {
        SessionText text = session(MARIADB);

        assertThat(text.classify("START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */", true).isConsistentSnapshot())
                .isTrue();
        assertThat(text.classify("FLUSH /*!40101 LOCAL */ TABLES", true).isLocal()).isTrue();
        assertThat(text.classify("SELECT /*!40001 SQL_NO_CACHE */ * FROM `t`", true).isWholeTableRead()).isTrue();
    }

    @Test
    void underAnUnknownVersionAVersionedCommentThatDecidesTheKindIsAmbiguous() {
        SessionText text = session(Dialect.UNKNOWN.withSqlMode(""));

        assertThat(text.classify("/*!99999 FLUSH TABLES WITH READ LOCK */", true).has(Statement.F_AMBIGUOUS)).isTrue();
        assertThat(text.classify("SELECT /*!40001 SQL_NO_CACHE */ * FROM t", true).kind()).isEqualTo(Kind.SELECT);
        text.learned("11.4.5-MariaDB-log", null);
        assertThat(text.classify("/*!99999 FLUSH TABLES WITH READ LOCK */", true).kind()).isEqualTo(Kind.EMPTY);
    }

    // ------------------------------------------------------------------------------------------ dynamic SQL

    @ParameterizedTest
    @ValueSource(strings = {"EXECUTE IMMEDIATE 'FLUSH TABLES WITH READ LOCK'", "execute immediate 'flush tables with read lock'",
        "EXECUTE IMMEDIATE 'FLUSH\\tTABLES WITH READ LOCK'", "EXECUTE IMMEDIATE 'FLUSH TABLES WITH READ LOCK' USING 1",
        "EXECUTE IMMEDIATE '/*!40101 FLUSH TABLES WITH READ LOCK */'", "EXECUTE IMMEDIATE \"FLUSH TABLES WITH READ LOCK\"",
        "SET STATEMENT max_statement_time = 10 FOR EXECUTE IMMEDIATE 'FLUSH TABLES WITH READ LOCK'"})
    void executeImmediateOfALiteralIsTheStatementItRuns(String sql) {
        Statement st = session(MARIADB).classify(sql, true);

        assertThat(st.kind()).isEqualTo(Kind.FLUSH_TABLES_WITH_READ_LOCK);
        assertThat(st.sql()).as("the text sent is the job's").isEqualTo(sql);
    }

    /**
     * MySQL has no EXECUTE IMMEDIATE (MySQL 8.4 Reference Manual, "Prepared Statements": PREPARE, EXECUTE and
     * DEALLOCATE PREPARE): the text is a syntax error there and runs nothing, so it takes no lock and ends no snapshot.
     */
    @ParameterizedTest
    @ValueSource(strings = {"8.4.3", "8.0.36", "8.0.40-31"})
    void mysqlRunsNothingOfExecuteImmediate(String version) {
        SessionText mysql = session(Dialect.ofServer(version).withSqlMode(""));
        assertThat(mysql.classify("EXECUTE IMMEDIATE 'FLUSH TABLES WITH READ LOCK'", true).kind()).isEqualTo(Kind.OTHER);
        assertThat(mysql.classify("EXECUTE IMMEDIATE 'UNLOCK TABLES'", true).kind()).isEqualTo(Kind.OTHER);
        assertThat(kinds(mysql.classifyAll("EXECUTE IMMEDIATE 'COMMIT'; SELECT 1"))).containsExactly(Kind.OTHER,
                Kind.SELECT);

        SessionText prepared = afterExecuting(Dialect.ofServer(version).withSqlMode(""),
                "PREPARE s FROM 'FLUSH TABLES WITH READ LOCK'");
        assertThat(prepared.classify("EXECUTE s", true).kind()).as("MySQL has PREPARE and EXECUTE")
                .isEqualTo(Kind.FLUSH_TABLES_WITH_READ_LOCK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"EXECUTE IMMEDIATE CONCAT('FLUSH TABLES', ' WITH READ LOCK')",
        "EXECUTE IMMEDIATE 'FLUSH TABLES ' 'WITH READ LOCK'", "EXECUTE IMMEDIATE _utf8mb4'FLUSH TABLES WITH READ LOCK'",
        "EXECUTE IMMEDIATE @never_set", "EXECUTE IMMEDIATE ?", "EXECUTE IMMEDIATE @@init_connect", "EXECUTE s",
        "EXECUTE IMMEDIATE 'CALL p()'", "EXECUTE IMMEDIATE 'EXECUTE IMMEDIATE ''SELECT 1'''",
        "EXECUTE IMMEDIATE 'BEGIN NOT ATOMIC SELECT 1; END'"})
    void executeOfWhatTheSessionCannotReadIsOpaque(String sql) {
        assertThat(session(MARIADB).classify(sql, true).kind()).isEqualTo(Kind.OPAQUE);
    }

    @Test
    void underAnsiQuotesADoubleQuotedOperandIsANameNotText() {
        SessionText ansi = session(MARIADB.withSqlMode("ANSI_QUOTES"));

        assertThat(ansi.classify("EXECUTE IMMEDIATE \"FLUSH TABLES WITH READ LOCK\"", true).kind())
                .isEqualTo(Kind.OPAQUE);
    }

    @Test
    void aUserVariableSetToALiteralOnThisConnectionIsRead() {
        SessionText text = afterExecuting(MARIADB, "SET @v = 'FLUSH TABLES WITH READ LOCK'");

        assertThat(text.classify("EXECUTE IMMEDIATE @v", true).kind()).isEqualTo(Kind.FLUSH_TABLES_WITH_READ_LOCK);
        assertThat(text.classify("EXECUTE IMMEDIATE @V", true).kind()).as("names ignore case")
                .isEqualTo(Kind.FLUSH_TABLES_WITH_READ_LOCK);

        text.executed(text.classify("SELECT 'SELECT 1' INTO @v", true));
        assertThat(text.classify("EXECUTE IMMEDIATE @v", true).kind()).as("a query may have assigned it")
                .isEqualTo(Kind.OPAQUE);
    }

    @Test
    void aUserVariableSetToAnExpressionIsForgotten() {
        SessionText text = afterExecuting(MARIADB, "SET @v = 'SELECT 1'", "SET @v = CONCAT('FLUSH TABLES', ' WITH READ LOCK')");

        assertThat(text.classify("EXECUTE IMMEDIATE @v", true).kind()).isEqualTo(Kind.OPAQUE);
    }

    @Test
    void preparedStatementsAreTrackedUntilDeallocated() {
        SessionText text = afterExecuting(MARIADB, "PREPARE s FROM 'FLUSH TABLES WITH READ LOCK'",
                "SET @q = 'SELECT * FROM t'", "PREPARE q FROM @q");

        assertThat(text.classify("EXECUTE s", true).kind()).isEqualTo(Kind.FLUSH_TABLES_WITH_READ_LOCK);
        assertThat(text.classify("EXECUTE S USING @a", true).kind()).isEqualTo(Kind.FLUSH_TABLES_WITH_READ_LOCK);
        assertThat(text.classify("EXECUTE q", true))
                .satisfies(s -> assertThat(s.kind()).isEqualTo(Kind.SELECT))
                .satisfies(s -> assertThat(s.target()).isEqualTo(TableName.of("t")));

        text.executed(text.classify("DEALLOCATE PREPARE s", true));
        Statement drop = text.classify("DROP PREPARE q", true);
        assertThat(drop.kind()).as("no DDL: it commits nothing").isEqualTo(Kind.OTHER);
        text.executed(drop);
        assertThat(text.classify("EXECUTE s", true).kind()).isEqualTo(Kind.OPAQUE);
        assertThat(text.classify("EXECUTE q", true).kind()).isEqualTo(Kind.OPAQUE);
    }

    @Test
    void aFailedPrepareLeavesNoStatementOfThatName() {
        SessionText text = afterExecuting(MARIADB, "PREPARE s FROM 'SELECT 1'");

        text.failed(text.classify("PREPARE s FROM 'FLUSH TABLES WITH READ LOCK garbage'", true));

        assertThat(text.classify("EXECUTE s", true).kind()).isEqualTo(Kind.OPAQUE);
    }

    @Test
    void anOpaqueStatementForgetsThePreparedStatementsAndVariables() {
        SessionText text = afterExecuting(MARIADB, "PREPARE s FROM 'SELECT 1'", "SET @v = 'SELECT 1'", "CALL p()");

        assertThat(text.classify("EXECUTE s", true).kind()).isEqualTo(Kind.OPAQUE);
        assertThat(text.classify("EXECUTE IMMEDIATE @v", true).kind()).isEqualTo(Kind.OPAQUE);
        assertThat(text.dialect()).as("a routine restores the caller's sql_mode").isEqualTo(MARIADB);
    }

    @Test
    void dynamicSqlInOneMultiStatementTextIsFollowedPartByPart() {
        List<Statement> parts = session(MARIADB).classifyAll(
                "SET @v = 'FLUSH TABLES WITH READ LOCK'; PREPARE s FROM @v; EXECUTE s; DEALLOCATE PREPARE s");

        assertThat(kinds(parts)).containsExactly(Kind.SET_OTHER, Kind.OTHER, Kind.FLUSH_TABLES_WITH_READ_LOCK,
                Kind.OTHER);
    }

    @Test
    void theSessionChangesOnlyWhenTheServerExecutedTheStatement() {
        SessionText text = session(MARIADB);
        text.classifyAll("SET sql_mode = 'ANSI_QUOTES'; PREPARE s FROM 'SELECT 1'");

        assertThat(text.dialect()).isEqualTo(MARIADB);
        assertThat(text.classify("EXECUTE s", true).kind()).isEqualTo(Kind.OPAQUE);
    }

    @Test
    void aLiteralLongerThanTheScanBoundIsOpaque() {
        String sql = "EXECUTE IMMEDIATE 'SELECT \"" + "x".repeat(Lexer.SCAN_LIMIT) + "\"'";

        assertThat(session(MARIADB).classify(sql, true).kind()).isEqualTo(Kind.OPAQUE);
    }

    @Test
    void hintsSurviveTheResolution() {
        Statement st = session(MARIADB).classify("/* backup-guard:backup */ EXECUTE IMMEDIATE 'SELECT * FROM t'", true);

        assertThat(st.kind()).isEqualTo(Kind.SELECT);
        assertThat(st.has(Statement.F_HINT_BACKUP)).isTrue();
    }

    // ------------------------------------------------------------------------------------------ opaque statements

    @ParameterizedTest
    @ValueSource(strings = {"CALL p()", "call db.p", "{call p(?)}", "{? = call f(?)}", "BEGIN NOT ATOMIC FLUSH TABLES WITH READ LOCK; END",
        "IF 1 THEN FLUSH TABLES WITH READ LOCK; END IF", "lbl: LOOP LEAVE lbl; END LOOP", "WHILE 0 DO SELECT 1; END WHILE",
        "REPEAT SELECT 1; UNTIL 1 END REPEAT", "CASE WHEN 1 THEN SELECT 1; END CASE", "FOR i IN 1..2 DO SELECT i; END FOR",
        "SET STATEMENT max_statement_time = 1 FOR CALL p()", "DECLARE x INT; BEGIN NULL; END"})
    void statementsTheGuardCannotSeeIntoAreOpaque(String sql) {
        assertThat(session(MARIADB).classify(sql, true).kind()).isEqualTo(Kind.OPAQUE);
        assertThat(Classifier.classify(sql).kind()).as("the stateless reading is unchanged").isEqualTo(Kind.OTHER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BEGIN", "BEGIN WORK", "DO 1", "GRANT SELECT ON t TO u", "XA START 'x'", "HANDLER t OPEN"})
    void statementsItCanSeeIntoAreNot(String sql) {
        assertThat(session(MARIADB).classify(sql, true).kind()).isNotEqualTo(Kind.OPAQUE);
    }

    @Test
    void inMultiStatementTextACompoundStatementTakesTheRestOfTheText() {
        List<Statement> parts = session(MARIADB).classifyAll(
                "SELECT 1; BEGIN NOT ATOMIC SELECT 2; END; FLUSH TABLES WITH READ LOCK");

        assertThat(parts).extracting(Statement::kind, Statement::sql).containsExactly(tuple(Kind.SELECT, "SELECT 1"),
                tuple(Kind.OPAQUE, "BEGIN NOT ATOMIC SELECT 2; END; FLUSH TABLES WITH READ LOCK"));
    }

    @Test
    void theLeadingKeywordPathStaysShallow() {
        Statement st = session(MARIADB).classify("SELECT * FROM t FOR UPDATE", false);

        assertThat(st.has(Statement.F_SHALLOW)).isTrue();
        assertThat(st.target()).isNull();
    }

    @Test
    void randomTextNeverThrows() {
        String[] fragments = {"SET", "sql_mode", "=", "'", "\"", "\\", "@", "@@", "EXECUTE", "IMMEDIATE", "PREPARE", "FROM",
            "DEALLOCATE", "DROP", "CALL", "BEGIN", "NOT", "ATOMIC", "END", ";", "/*!99999", "/*M!", "*/", "/*", "FLUSH",
            "TABLES", "WITH", "READ", "LOCK", "s", "v", "(", ")", ",", "ANSI_QUOTES", "NO_BACKSLASH_ESCAPES", "USING", ":",
            "{", "}", "?", "STATEMENT", "FOR", "GLOBAL", "\0", "\uD800"};
        Random random = new Random(13L);
        Dialect[] dialects = {Dialect.UNKNOWN, MARIADB, MARIADB.withSqlMode("ANSI,NO_BACKSLASH_ESCAPES"),
            Dialect.ofServer("8.4.3")};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sql = new StringBuilder();
            for (int j = random.nextInt(25); j > 0; j--) {
                sql.append(fragments[random.nextInt(fragments.length)]).append(random.nextBoolean() ? " " : "");
            }
            String text = sql.toString();
            SessionText session = session(dialects[random.nextInt(dialects.length)]);
            assertThatCode(() -> {
                session.executed(session.classify(text, random.nextBoolean()));
                for (Statement part : session.classifyAll(text)) {
                    session.executed(part);
                }
                session.failed(session.classify(text, true));
            }).as("seed 13, iteration %d: %s", i, text).doesNotThrowAnyException();
        }
    }
}
