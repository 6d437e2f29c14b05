package dev.backupguard.harness.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the reports show a statement: redacted, except a SHOW's LIKE pattern and a protocol value at the end. */
class SummaryTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            SHOW STATUS LIKE 'binlog_snapshot_%'                  | SHOW STATUS LIKE 'binlog_snapshot_%'
            SET autocommit=0                                      | SET autocommit=0
            SET SESSION tx_isolation = 'REPEATABLE-READ'          | SET SESSION tx_isolation = 'REPEATABLE-READ'
            SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED | SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED
            SHOW TABLES; SELECT 's3cret' FROM data                | SHOW TABLES; SELECT ? FROM data
            SHOW TABLES /* s3cret */ LIKE 'x'                     | SHOW TABLES /*?*/ LIKE ?
            SHOW TABLES WHERE Tables_in_db = 's3cret'             | SHOW TABLES WHERE Tables_in_db = ?
            SHOW TABLES WHERE 's3cret'                            | SHOW TABLES WHERE ?
            SET autocommit = 0; SELECT 's3cret'                   | SET autocommit = ?; SELECT ?
            SET autocommit = 0, @x = 's3cret'                     | SET autocommit = ?, @x = ?
            SELECT 's3cret' FROM data                             | SELECT ? FROM data
            """)
    void literalsAreHiddenButAShowPatternAndAProtocolValueAreNot(String sql, String shown) {
        assertThat(Summary.sql(sql, true)).isEqualTo(shown);
        assertThat(Summary.sql(sql, false)).isEqualTo(sql);
    }
}
