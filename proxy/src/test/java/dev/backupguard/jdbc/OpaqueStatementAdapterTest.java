package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.backupguard.classify.TableName;
import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.ObservedState;
import dev.backupguard.protocol.ServerFacts;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The adapter's side of opaque statements and of the session's dialect, over a mocked driver: how the server's
 * answers to the state check are read (the answers themselves are proven on MariaDB by LexingFactsIT; MySQL's from its
 * manual), the release an ordinary connection sends at its end, and the one query that learns an sql_mode a text
 * depends on.
 */
class OpaqueStatementAdapterTest {

    private static final ServerFacts MARIADB = ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log");
    private static final ServerFacts MYSQL = ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.4.3");
    private static final BinlogCoordinates SNAPSHOT = new BinlogCoordinates("binlog.000001", 4242, "0-1-17",
            BinlogCoordinates.Source.SNAPSHOT_STATUS);

    @Test
    void theLockCheckIsReadFromItsErrorCode() {
        assertThat(ServerStateProbe.lockHeld(1223)).as("ER_CANT_UPDATE_WITH_READLOCK: this session holds it").isTrue();
        assertThat(ServerStateProbe.lockHeld(1054)).as("unknown column: nothing stopped the write").isFalse();
        assertThat(ServerStateProbe.lockHeld(1205)).as("another session's lock").isFalse();
        assertThat(ServerStateProbe.lockHeld(1142)).as("no privilege on the table").isNull();
        assertThat(ServerStateProbe.lockHeld(1792)).as("a READ ONLY transaction").isNull();
    }

    /** MySQL 8.4 manual, "Server System Variables": lock_wait_timeout takes the SET_VAR hint, minimum 1. */
    @Test
    void theLockCheckNeverWaitsBehindAnotherSessionsLock() {
        TableName t = new TableName("shop", "we`ird");

        assertThat(ServerStateProbe.lockQuery(true, t)).isEqualTo("/* backup-guard probe */ SET STATEMENT "
                + "lock_wait_timeout = 0 FOR UPDATE `shop`.`we``ird` AS a, `shop`.`we``ird` AS b "
                + "SET a.backup_guard_no_such_column = 0 WHERE FALSE");
        assertThat(ServerStateProbe.lockQuery(false, TableName.of("t"))).isEqualTo("/* backup-guard probe */ UPDATE "
                + "/*+ SET_VAR(lock_wait_timeout = 1) */ `t` AS a, `t` AS b SET a.backup_guard_no_such_column = 0 "
                + "WHERE FALSE");
    }

    /** MySQL 8.4 manual, "The INFORMATION_SCHEMA INNODB_TRX Table": the session's transaction, PROCESS privilege. */
    @Test
    void mysqlHasNoInTransactionVariableAndAsksInnodb() {
        assertThat(ServerStateProbe.transactionQuery(false)).contains("information_schema.INNODB_TRX",
                "trx_mysql_thread_id = CONNECTION_ID()");
        assertThat(ServerStateProbe.transactionQuery(true)).contains("@@in_transaction", "BINLOG_SNAPSHOT_POSITION");
    }

    @Test
    void theSnapshotIsTheBackupsWhileItsFrozenCoordinatesAreTheCapturedOnes() throws SQLException {
        assertThat(ServerStateProbe.check(server(List.of(1L, "binlog.000001", "4242"), 1223), MARIADB,
                TableName.of("t"), SNAPSHOT)).isEqualTo(new ObservedState(true, true, true));
        assertThat(ServerStateProbe.check(server(List.of(1L, "binlog.000001", "4300"), 1054), MARIADB,
                TableName.of("t"), SNAPSHOT)).isEqualTo(new ObservedState(false, true, false));
        assertThat(ServerStateProbe.check(server(List.of(0L, "binlog.000001", "4300"), 1054), MARIADB,
                TableName.of("t"), SNAPSHOT)).isEqualTo(new ObservedState(false, false, null));
    }

    @Test
    void whatCannotBeReadIsUnknown() throws SQLException {
        Connection raw = mock(Connection.class);
        Statement s = mock(Statement.class);
        when(raw.createStatement()).thenReturn(s);
        when(s.executeQuery(anyString())).thenThrow(new SQLException("Access denied; you need the PROCESS privilege",
                "42000", 1227));
        when(s.executeUpdate(anyString())).thenThrow(new SQLException("UPDATE command denied", "42000", 1142));

        assertThat(ServerStateProbe.check(raw, MYSQL, TableName.of("t"), null))
                .isEqualTo(new ObservedState(null, null, null));
    }

    private static Connection server(List<Object> transactionRow, int lockCheckError) throws SQLException {
        Connection raw = mock(Connection.class);
        Statement s = mock(Statement.class);
        when(raw.createStatement()).thenReturn(s);
        when(s.executeQuery(anyString())).thenAnswer(i -> FakeServer.rows(List.of(transactionRow)));
        when(s.executeUpdate(anyString())).thenThrow(new SQLException("x", "HY000", lockCheckError));
        return raw;
    }

    /** An ordinary connection that ran an opaque statement releases any lock it left when it closes; others do not. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"CALL nightly_maintenance() | UNLOCK TABLES",
        "UPDATE t SET c = 'O\\'Brien' WHERE id = 1 |"})
    void anOrdinaryConnectionReleasesAtCloseOnlyAfterAnOpaqueStatement(String statement, String atClose)
            throws SQLException {
        FakeServer server = new FakeServer();
        GuardedConnection c = server.guard(Map.of("backupguard.role", "guardrail"));
        c.createStatement().execute(statement);

        c.close();

        assertThat(server.sent).containsExactlyElementsOf(atClose == null ? List.of(statement)
                : List.of(statement, atClose));
    }

    @Test
    void theSqlModeIsLearnedOnceAndOnlyForTextWhoseMeaningDependsOnIt() throws SQLException {
        FakeServer server = new FakeServer();
        // The handshake's version, as the drivers hand it out without a query (a proxy: mocking the whole interface is slow).
        DatabaseMetaData md = (DatabaseMetaData) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, (proxy, method, args) ->
                        method.getName().equals("getDatabaseProductVersion") ? "11.4.5-MariaDB-log" : null);
        when(server.raw.getMetaData()).thenReturn(md);
        server.sqlMode = "NO_BACKSLASH_ESCAPES";
        GuardedConnection c = server.guard(Map.of("backupguard.role", "guardrail", "backupguard.mode", "audit"));

        c.createStatement().execute("SELECT * FROM t WHERE name = 'x\\'");
        assertThat(server.sent).as("a query's leading keyword is enough here").hasSize(1);
        c.createStatement().execute("SET STATEMENT max_statement_time = '\\' FOR FLUSH TABLES WITH READ LOCK");

        assertThat(server.sent).filteredOn(q -> q.contains("VERSION(), @@SESSION.sql_mode")).hasSize(1);
        assertThat(c.protocol().isBackupSession()).as("read under NO_BACKSLASH_ESCAPES, it is FTWRL").isTrue();
    }

    /**
     * A procedure may commit, or take the global read lock, and then fail: the state check follows it all the same
     * (docs/server-facts.md, fact 12: a statement that commits implicitly has committed also when refused).
     */
    @Test
    void theServersStateIsCheckedAfterAnOpaqueStatementThatFailedToo() throws SQLException {
        FakeServer server = new FakeServer();
        server.noBinlogAdmin = true; // else enforce mode refuses opaque statements while binary logging is off
        GuardedConnection c = server.guard(Map.of("backupguard.role", "backup-job"));
        Statement s = c.createStatement();
        s.executeQuery("SELECT * FROM accounts").close();
        server.refused.put("CALL archive_and_fail()", 1644); // COMMIT; SIGNAL SQLSTATE '45000'
        server.transactionState = java.util.Arrays.asList(0L, null, null);

        assertThatThrownBy(() -> s.execute("CALL archive_and_fail()")).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getErrorCode()).isEqualTo(1644);

        List<String> after = server.sent.subList(server.sent.indexOf("CALL archive_and_fail()"), server.sent.size());
        assertThat(after).anySatisfy(q -> assertThat(q).contains("@@in_transaction"));
        assertThat(c.protocol().inSnapshot()).as("the server says the snapshot ended").isFalse();
        assertThatThrownBy(() -> s.executeQuery("SELECT * FROM orders")).isInstanceOf(BackupGuardException.class)
                .hasMessageContaining("ended by CALL archive_and_fail()");
    }
}
