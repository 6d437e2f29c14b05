package dev.backupguard.classify;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT * FROM t WHERE a = 'x' AND b = 42                 | SELECT * FROM t WHERE a = ? AND b = ?
            SELECT * FROM t1 JOIN binlog_000002 ON t1.id = 7         | SELECT * FROM t1 JOIN binlog_000002 ON t1.id = ?
            INSERT INTO t VALUES (0x1F, X'ABCD', b'101', -3.5e10)    | INSERT INTO t VALUES (?, X?, b?, -?)
            SELECT /*!40001 SQL_NO_CACHE */ * FROM `t 1`             | SELECT /*!40001 SQL_NO_CACHE */ * FROM `t 1`
            SELECT "dq", 'a''b', 'a\\\\' FROM DUAL                   | SELECT ?, ?, ? FROM DUAL
            CREATE USER u IDENTIFIED BY 'pw1'                        | CREATE USER u IDENTIFIED BY ?
            CREATE USER u IDENTIFIED BY sEcReT REQUIRE SSL           | CREATE USER u IDENTIFIED BY ? REQUIRE SSL
            ALTER USER u IDENTIFIED BY `sEcReT`                      | ALTER USER u IDENTIFIED BY ?
            CREATE USER u IDENTIFIED BY PASSWORD '*ABC'              | CREATE USER u IDENTIFIED BY PASSWORD ?
            CREATE USER u IDENTIFIED WITH ed25519 BY sEcReT          | CREATE USER u IDENTIFIED WITH ed25519 BY ?
            CREATE USER u IDENTIFIED VIA ed25519 USING PASSWORD(sEcReT) | CREATE USER u IDENTIFIED VIA ed25519 USING PASSWORD(?)
            SET PASSWORD FOR u = PASSWORD('pw')                      | SET PASSWORD FOR u = PASSWORD(?)
            SET PASSWORD = sEcReT                                    | SET PASSWORD = ?
            CHANGE MASTER TO MASTER_USER='r', MASTER_PASSWORD=sEcReT | CHANGE MASTER TO MASTER_USER=?, MASTER_PASSWORD=?
            SELECT password, password_expired FROM mysql.user        | SELECT password, password_expired FROM mysql.user
            ORDER BY name                                            | ORDER BY name
            """)
    void literalsAndSecretsAreReplaced(String sql, String expected) {
        assertThat(Redactor.redact(sql)).isEqualTo(expected);
        assertThat(Redactor.redact(expected)).as("idempotent").isEqualTo(expected);
    }

    @Test
    void nullStaysNullAndLongTextIsCut() {
        assertThat(Redactor.redact(null)).isNull();
        String redacted = Redactor.redact("SELECT " + "a, ".repeat(3000) + "'tail-secret'");
        assertThat(redacted).endsWith("...").doesNotContain("tail-secret").hasSizeLessThan(4200);
    }

    @Test
    void anUnterminatedQuoteHidesTheRest() {
        assertThat(Redactor.redact("SELECT 'open secret")).isEqualTo("SELECT ?");
    }

    /** Each planted literal is a literal on the real server too: {@code PlantedSecretsIT} proves it on MariaDB. */
    @ParameterizedTest(name = "{0}")
    @FieldSource("dev.backupguard.classify.PlantedLiterals#CASES")
    void aPlantedLiteralIsHiddenWhateverSurroundsIt(PlantedLiterals planted) {
        String marker = planted.marker(PlantedLiterals.CASES.indexOf(planted), 20_251_202L);
        String redacted = Redactor.redact(planted.sql(marker));
        for (String form : planted.forms(marker)) {
            assertThat(redacted).as(planted.sql(marker)).doesNotContain(form);
        }
        assertThat(redacted).startsWith("SELECT");
        assertThat(Redactor.redact(redacted)).as("idempotent").isEqualTo(redacted);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT /* the s3cret plan */ a FROM t                   | SELECT /*?*/ a FROM t
            SELECT a FROM t # s3cret                                 | SELECT a FROM t #?
            SELECT a -- s3cret                                       | SELECT a -- ?
            SELECT a /* s3cret                                       | SELECT a /*?
            SELECT /**/ a #                                          | SELECT /**/ a #
            SELECT /*+ SET_VAR(sort_buffer_size = 16777216) */ a     | SELECT /*?*/ a
            SELECT /*!40101 a, 's3cret', */ b                        | SELECT /*!40101 a, ?, */ b
            SELECT /*M!100101 a, 's3cret' */ b                       | SELECT /*M!100101 a, ? */ b
            SELECT /*! a, 's3cret' */ b                              | SELECT /*! a, ? */ b
            SELECT /*!5 s3cret */ b                                  | SELECT /*!? s3cret */ b
            SELECT /*!40101 a /* s3cret */ b */ c                    | SELECT ?
            SELECT /*!40101 a -- s3cret */ b                         | SELECT ?
            SELECT /*!40101 'a*/b' */ c                              | SELECT ?
            SELECT /*!40101 s3cret                                   | SELECT ?
            SELECT /*!40101 a */ b */ 'c'                            | SELECT /*!40101 a */ b */ ?
            """)
    void commentsHideTheirContentAndExecutableCommentsAreSql(String sql, String expected) {
        assertThat(Redactor.redact(sql)).isEqualTo(expected);
        assertThat(Redactor.redact(expected)).as("idempotent").isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SELECT 'it\\'s', 's3cret' FROM t                         | SELECT ?
            SELECT 'C:\\', 's3cret' FROM t                           | SELECT ?
            SELECT "x\\", 's3cret' FROM t                            | SELECT ?
            SELECT 'a\\\\', 'b' FROM t                               | SELECT ?, ? FROM t
            SELECT 'a\\nb', 'b' FROM t                               | SELECT ?, ? FROM t
            SELECT `it's`, 'b' FROM `x\\`                            | SELECT `it's`, ? FROM `x\\`
            SELECT 1; SELECT 's3cret'; SELECT 2                      | SELECT ?; SELECT ?; SELECT ?
            SELECT 5--'s3cret'                                       | SELECT ?--?
            SELECT @a := 1.5e-3, .5, 1.2.3, 0x1F, 1e+9               | SELECT @a := ?, .?, ?, ?, ?
            """)
    void whereTheSqlModeDecidesWhereAStringEndsTheRestIsHidden(String sql, String expected) {
        assertThat(Redactor.redact(sql)).isEqualTo(expected);
        assertThat(Redactor.redact(expected)).as("idempotent").isEqualTo(expected);
    }

    /**
     * Linear, proved by counting reads rather than by timing: the lexer reads each char once, a string is read again
     * for a backslash and, if it has one, once more to find its end without backslash escapes, an executable comment's
     * content once more to find its first closer, and the first uncertainty reads to the end once: at most five reads
     * per char, however the text repeats.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"'\\'", "'a\\\\'", "\"x\\\"", "'", "`", "/*", "/*!40101 'a' ", "/*!40101 'a' */ ",
            "/*!1 */", "/*!99999 /*", "/*!40101 /*!40101 ", "-- x\n", "#'\n", "0.", "1e-", "IDENTIFIED BY ", "PASSWORD=("})
    void redactionReadsEachCharAFewTimesAtMost(String unit) {
        String text = unit.repeat(4096 / unit.length() + 1).substring(0, 4096);
        assertThat(RedactedSql.charsRead(text)).isLessThanOrEqualTo(5L * text.length());
        assertThat(Redactor.redact(text + unit.repeat(100_000))).hasSizeLessThanOrEqualTo(4096 + 3);
    }

    @Test
    void identifiedByIsForgottenAtTheNextStatement() {
        assertThat(Redactor.redact("CREATE USER u IDENTIFIED WITH x AS 'h'; SELECT a FROM t ORDER BY b"))
                .isEqualTo("CREATE USER u IDENTIFIED WITH x AS ?; SELECT a FROM t ORDER BY b");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            jdbc:mariadb://root:pw@127.0.0.1:3306/db?user=root&password=pw&useSsl=false | jdbc:mariadb://127.0.0.1:3306/db?user=root&password=***&useSsl=false
            jdbc:backupguard:mysql://h/db?password=a/b?c(d&x=1                         | jdbc:backupguard:mysql://h/db?password=***&x=1
            jdbc:mysql://u:p@ss/w@h1,h2/db                                              | jdbc:mysql://h1,h2/db
            jdbc:mysql://(host=h,user=u,password=p)/db                                  | jdbc:mysql://(host=h,user=u,password=***)/db
            jdbc:mysql://address=(host=h)(password=p)(port=1)/db                        | jdbc:mysql://address=(host=h)(password=***)(port=1)/db
            jdbc:mysql://h/db?trustCertificateKeyStorePassword=k;pwd=x;sessionVariables=a=1 | jdbc:mysql://h/db?trustCertificateKeyStorePassword=***;pwd=***;sessionVariables=a=1
            jdbc:mariadb://h/db                                                         | jdbc:mariadb://h/db
            """)
    void urlsLoseTheirCredentials(String url, String expected) {
        assertThat(Redactor.url(url)).isEqualTo(expected);
    }
}
