package dev.backupguard.lock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.config.Settings.LongQueryFilter;
import dev.backupguard.protocol.ServerFacts;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Which processlist rows hold up FTWRL, which are ours, the server's or victims (rows as MariaDB 11.4 shows them). */
class LongQueriesTest {

    private static final Set<Long> OURS = Set.of(10L, 11L);

    private static ProcessRow row(long id, String user, String command, long millis, String state, String info) {
        return new ProcessRow(id, user, "127.0.0.1:5000", "db", command, millis, state, info, id * 100);
    }

    @Test
    void aLongWriteOfAnotherSessionCountsOldestFirst() {
        List<ProcessRow> rows = List.of(
                row(5, "app", "Query", 70_000, "User sleep", "UPDATE t SET c = c + SLEEP(100) WHERE id = 1"),
                row(6, "app", "Query", 90_000, "Updating", "DELETE FROM big WHERE created < NOW()"),
                row(7, "app", "Query", 1_000, "Updating", "UPDATE t SET c = 1"));

        assertThat(LongQueries.running(rows, 60_000, LongQueryFilter.ALL, OURS)).extracting(ProcessRow::id)
                .containsExactly(6L, 5L);
    }

    @ParameterizedTest(name = "{0} / {1} / {2} is not counted")
    @CsvSource(delimiter = '|', textBlock = """
            10 | root            | Query            | our backup connection
            11 | root            | Query            | our side connection
            20 | app             | Sleep            | an idle connection
            21 | system user     | Slave_SQL        | the replication applier
            22 | repl            | Binlog Dump      | a binlog sender to a replica
            23 | repl            | Binlog Dump GTID | a GTID binlog sender
            24 | event_scheduler | Daemon           | the event scheduler
            25 | system user     | Connect          | MySQL's replica I/O thread
            26 | unauthenticated user | Connect     | a login in progress
            """)
    void ourConnectionsIdleOnesAndServerThreadsNeverCount(long id, String user, String command, String why) {
        ProcessRow r = row(id, user, command, 999_000, "", "UPDATE t SET c = 1");

        assertThat(LongQueries.running(List.of(r), 0, LongQueryFilter.ALL, OURS)).as(why).isEmpty();
    }

    @Test
    void writesQueuedBehindAGlobalReadLockAreVictimsNotBlockers() {
        List<ProcessRow> rows = List.of(
                row(5, "app", "Query", 5_000, "Waiting for backup lock", "INSERT INTO t VALUES (9, 9)"),
                row(6, "app", "Query", 5_000, "Waiting for global read lock", "UPDATE t SET c = 2"),
                row(7, "bk", "Query", 5_000, "Waiting for backup lock", "FLUSH TABLES WITH READ LOCK"));

        assertThat(LongQueries.running(rows, 0, LongQueryFilter.ALL, OURS)).extracting(ProcessRow::id)
                .as("another backup's waiting FTWRL does hold us up").containsExactly(7L);
        assertThat(LongQueries.lockWaiters(rows, OURS)).hasSize(3);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            ALL     | SELECT SLEEP(100) FROM t              | true
            ALL     | UPDATE t SET c = 1                    | true
            WRITES  | SELECT SLEEP(100) FROM t              | false
            WRITES  | SELECT * FROM t INTO OUTFILE '/tmp/x' | false
            WRITES  | INSERT INTO t SELECT * FROM u         | true
            WRITES  | ALTER TABLE t ADD COLUMN d INT        | true
            WRITES  | CALL refresh_all()                    | true
            SELECTS | SELECT SLEEP(100) FROM t              | true
            SELECTS | SHOW TABLE STATUS                     | true
            SELECTS | UPDATE t SET c = 1                    | false
            """)
    void theStatementFilter(LongQueryFilter filter, String sql, boolean counts) {
        ProcessRow r = row(5, "app", "Query", 100_000, "", sql);

        assertThat(LongQueries.running(List.of(r), 60_000, filter, OURS)).hasSize(counts ? 1 : 0);
    }

    @Test
    void autoIsAllWhereFtwrlWaitsForSelectsAndWritesOnMariaDb() {
        assertThat(LongQueries.effective(LongQueryFilter.AUTO, ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.0.36")))
                .isEqualTo(LongQueryFilter.ALL);
        assertThat(LongQueries.effective(LongQueryFilter.AUTO, ServerFacts.of(ServerFacts.Flavor.PERCONA, "8.0.36")))
                .isEqualTo(LongQueryFilter.ALL);
        assertThat(LongQueries.effective(LongQueryFilter.AUTO, ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5")))
                .isEqualTo(LongQueryFilter.WRITES);
        assertThat(LongQueries.effective(LongQueryFilter.SELECTS, ServerFacts.of(ServerFacts.Flavor.MARIADB,
                "11.4.5"))).isEqualTo(LongQueryFilter.SELECTS);
    }

    @Test
    void statementsAreShownRedactedAndCutAt100Characters() {
        String sql = "UPDATE t SET secret = 'p4ssw0rd', c = 42 WHERE note = '" + "x".repeat(300) + "'";
        ProcessRow r = row(5, "app", "Query", 7_250, "Updating", sql);

        String shown = r.describe(true);

        assertThat(shown).startsWith("id 5 (app, 7.3 s, Updating): UPDATE t SET secret = ?, c = ? WHERE note = ?")
                .doesNotContain("p4ssw0rd", "42");
        assertThat(r.shownInfo(false)).hasSize(ProcessRow.SHOWN + 3).endsWith("...");
    }

    @Test
    void metadataLockWaitersAreCountedApart() {
        List<ProcessRow> rows = List.of(
                row(5, "app", "Query", 3_000, "Waiting for table metadata lock", "ALTER TABLE t ADD d INT"),
                row(10, "root", "Query", 3_000, "Waiting for table metadata lock", "ALTER TABLE t ADD e INT"));

        assertThat(LongQueries.metadataLockWaiters(rows, OURS)).extracting(ProcessRow::id).containsExactly(5L);
        assertThat(LongQueries.lockWaiters(rows, OURS)).isEmpty();
    }
}
