package dev.backupguard.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input never throws, never overflows the stack, and is flagged rather than guessed at. */
class AdversarialInputTest {

    private static final int DEPTH = 100_000;

    /** Both entry points on the same text; asserts the invariants every result must keep. */
    private static Statement classifyBothWays(String sql) {
        Statement first = Classifier.classify(sql);
        assertThat(first).isNotNull();
        assertThat(first.kind()).isNotNull();
        assertThat(first.tables()).isNotNull();
        if (sql != null) {
            assertThat(first.sql()).isSameAs(sql);
        }
        List<Statement> all = Classifier.classifyAll(sql);
        assertThat(all).isNotEmpty().doesNotContainNull();
        return first;
    }

    @Test
    void nullAndEmptyAreEmpty() {
        assertThat(classifyBothWays(null).kind()).isEqualTo(Kind.EMPTY);
        assertThat(classifyBothWays("").kind()).isEqualTo(Kind.EMPTY);
        assertThat(classifyBothWays(" \t\r\n\f\u000B").kind()).isEqualTo(Kind.EMPTY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"'", "\"", "`"})
    void tenThousandQuotesInARow(String quote) {
        String even = quote.repeat(10_000);
        String odd = quote.repeat(10_001);

        assertThat(classifyBothWays(even).kind()).isEqualTo(Kind.OTHER);
        assertThat(classifyBothWays(odd).has(Statement.F_MALFORMED)).isTrue();
        assertThat(classifyBothWays("SELECT " + even).kind()).isEqualTo(Kind.SELECT);
        Statement unterminated = classifyBothWays("SELECT " + odd);
        assertThat(unterminated.kind()).isEqualTo(Kind.SELECT);
        assertThat(unterminated.has(Statement.F_MALFORMED)).isTrue();
        assertThat(classifyBothWays("SELECT " + even + " FROM t").target()).isEqualTo(TableName.of("t"));
    }

    @Test
    void tenThousandBackslashesInAString() {
        assertThat(classifyBothWays("SELECT '" + "\\".repeat(10_000) + "' FROM t").target())
                .isEqualTo(TableName.of("t"));
        assertThat(classifyBothWays("SELECT '" + "\\".repeat(10_001)).has(Statement.F_MALFORMED)).isTrue();
    }

    @Test
    void ahundredThousandNestedParentheses() {
        String open = "(".repeat(DEPTH);
        String close = ")".repeat(DEPTH);

        assertThat(classifyBothWays(open + "SELECT 1" + close).kind()).isEqualTo(Kind.SELECT);
        assertThat(classifyBothWays(open).kind()).isEqualTo(Kind.SELECT);
        assertThat(classifyBothWays("SELECT " + open + "1" + close + " FROM t").target())
                .as("FROM lies beyond the scan limit").isNull();
        assertThat(classifyBothWays("SELECT " + "(".repeat(5_000) + "1" + ")".repeat(5_000) + " FROM t").target())
                .isEqualTo(TableName.of("t"));
        assertThat(classifyBothWays("SELECT * FROM t WHERE a IN " + open).target()).isEqualTo(TableName.of("t"));
        assertThat(classifyBothWays("SET @x = " + open + "1" + close + ", autocommit = 0").kind())
                .isEqualTo(Kind.SET_OTHER); // the autocommit lies beyond the scan limit
        assertThat(classifyBothWays("WITH c AS " + open + " SELECT 1").kind()).isEqualTo(Kind.SELECT);
        assertThat(classifyBothWays("SET STATEMENT x = " + open + " FOR COMMIT").kind()).isEqualTo(Kind.SET_OTHER);
        assertThat(classifyBothWays("LOCK TABLES t READ " + open + close + ", u WRITE").tables())
                .containsExactly(TableName.of("t"), TableName.of("u"));
        assertThat(classifyBothWays("SELECT * FROM t FORCE INDEX " + open + close + " WHERE 1").target())
                .isEqualTo(TableName.of("t"));
        assertThat(classifyBothWays(close + "SELECT 1").has(Statement.F_MALFORMED)).isTrue();
    }

    @Test
    void aHugeInListIsClassifiedWithoutReadingIt() {
        StringBuilder sql = new StringBuilder("SELECT * FROM `db`.`t` WHERE `id` IN (");
        for (int i = 0; i < 1_000_000; i++) {
            sql.append(i == 0 ? "" : ", ").append(i);
        }
        sql.append(')');

        Statement statement = classifyBothWays(sql.toString());

        assertThat(statement.target()).isEqualTo(new TableName("db", "t"));
        assertThat(statement.isWholeTableRead()).isFalse();
    }

    @Test
    void unterminatedCommentsAndQuotesAreMalformed() {
        for (String sql : new String[] {"/*", "/* never closed", "SELECT 1 /*", "/*!40101 SET NAMES utf8",
            "/*M!100100 SET x=1", "SELECT 'a", "SELECT \"a", "SELECT `a", "SELECT 'a\\'", "COMMIT /*",
            "SHOW STATUS LIKE 'binlog", "LOCK TABLES `t", "FLUSH TABLES `t"}) {
            assertThat(classifyBothWays(sql).has(Statement.F_MALFORMED)).as(sql).isTrue();
        }
    }

    @Test
    void controlCharactersAndLoneSurrogatesAreMalformed() {
        assertThat(classifyBothWays("SELECT\0 1").kind()).isEqualTo(Kind.SELECT);
        assertThat(classifyBothWays("SELECT\0 1").has(Statement.F_MALFORMED)).isTrue();
        assertThat(classifyBothWays("\0").kind()).isEqualTo(Kind.OTHER);
        assertThat(classifyBothWays("SELECT * FROM t\uD800").has(Statement.F_MALFORMED)).isTrue();
        assertThat(classifyBothWays("\uDC00COMMIT").kind()).isEqualTo(Kind.OTHER);
        assertThat(classifyBothWays("SELECT '\uD800\0' FROM t").has(Statement.F_MALFORMED))
                .as("inside quotes anything goes").isFalse();
    }

    @Test
    void randomUtf16NeverThrows() {
        Random random = new Random(20_260_101L);
        for (int i = 0; i < 20_000; i++) {
            char[] chars = new char[random.nextInt(80)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = (char) random.nextInt(Character.MAX_VALUE + 1);
            }
            String sql = new String(chars);
            assertThatCode(() -> classifyBothWays(sql)).as("seed 20260101, iteration %d", i).doesNotThrowAnyException();
        }
    }

    /** Random soup of the fragments the lexer and recognizers care about: reaches their odd corners. */
    @Test
    void randomSqlFragmentsNeverThrow() {
        String[] fragments = {
            "SELECT", "FROM", "WHERE", "FOR", "UPDATE", "LOCK", "IN", "SHARE", "MODE", "UNION", "INTO", "DUAL", "JOIN",
            "WITH", "TABLE", "TABLES", "VALUES", "AS", "FORCE", "INDEX", "PARTITION", "SET", "GLOBAL", "SESSION",
            "TRANSACTION", "ISOLATION", "LEVEL", "READ", "WRITE", "autocommit", "tx_isolation", "STATEMENT", "SHOW",
            "CREATE", "DATABASE", "STATUS", "SLAVE", "MASTER", "BINARY", "LOG", "COLUMNS", "FLUSH", "LOGS", "UNLOCK",
            "BACKUP", "STAGE", "START", "BEGIN", "ROLLBACK", "TO", "SAVEPOINT", "RELEASE", "KILL", "QUERY", "USE",
            "(", ")", "'", "\"", "`", "``", "''", "/*", "*/", "/*!40101", "/*M!100100", "--", "-- ", "#", "\n", ";",
            "@", "@@", ".", ",", "=", ":=", "\\", "\0", "\uD800", "\uDFFF", "t", "db", "1", " ", "*",
            "/* backup-guard:backup */", "BINLOG_GTID_POS", "gtid_executed"};
        Random random = new Random(42L);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder sql = new StringBuilder();
            int length = random.nextInt(30);
            for (int j = 0; j < length; j++) {
                sql.append(fragments[random.nextInt(fragments.length)]);
                if (random.nextBoolean()) {
                    sql.append(' ');
                }
            }
            String text = sql.toString();
            assertThatCode(() -> classifyBothWays(text)).as("seed 42, iteration %d: %s", i, text)
                    .doesNotThrowAnyException();
        }
    }
}
