package dev.backupguard.classify;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class SqlLogBinTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "SET SESSION sql_log_bin = 0                         | OFF",
            "SET SESSION sql_log_bin = 1                         | ON",
            "SET sql_log_bin=0                                   | OFF",
            "set local SQL_LOG_BIN = off                         | OFF",
            "SET @@sql_log_bin = FALSE                           | OFF",
            "SET @@session.sql_log_bin := 0                      | OFF",
            "SET @@SESSION.`sql_log_bin` = 'OFF'                 | OFF",
            "SET sql_log_bin = DEFAULT                           | ON",
            "SET sql_log_bin = @saved                            | ON",
            "SET sql_log_bin = ON                                | ON",
            "SET NAMES utf8mb4, sql_log_bin = 0                  | OFF",
            "SET sql_log_bin = 0, autocommit = 0                 | OFF",
            "SET sql_log_bin = 0, sql_log_bin = 1                | ON",
            "/*!40101 SET SESSION sql_log_bin = 0 */             | OFF",
            "/* why */ SET SESSION sql_log_bin = 0 -- done       | OFF",
            "SET GLOBAL sql_log_bin = 0                          | UNCHANGED",
            "SET @@global.sql_log_bin = 0                        | UNCHANGED",
            "SET GLOBAL max_connections = 10, sql_log_bin = 0    | UNCHANGED",
            "SET @sql_log_bin = 0                                | UNCHANGED",
            "SET @x = 'sql_log_bin = 0'                          | UNCHANGED",
            "SET STATEMENT sql_log_bin = 0 FOR SELECT 1          | UNCHANGED",
            "SET STATEMENT sql_log_bin = 0 FOR SET autocommit = 0 | UNCHANGED",
            "SET SESSION sql_log_bin                             | UNCHANGED",
            "SELECT @@sql_log_bin                                | UNCHANGED",
            "SET sql_mode = ''                                   | UNCHANGED",
    })
    void whatTheStatementDoesToTheSessionsBinaryLogging(String sql, SqlLogBin expected) {
        assertThat(SqlLogBin.assignedBy(Classifier.classify(sql.strip()))).isEqualTo(expected);
    }
}
