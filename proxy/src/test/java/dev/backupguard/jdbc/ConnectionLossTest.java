package dev.backupguard.jdbc;

import dev.backupguard.classify.Classifier;
import dev.backupguard.protocol.JdbcCall;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * Which driver errors mean that the server closed the connection. The shapes are the drivers' own, as
 * ConnectionLostIT saw them after a KILL (tests module).
 */
class ConnectionLossTest {

    @Test
    void sqlStateClass08AndTheConnectionExceptionTypesMeanTheConnectionIsGone() {
        // MariaDB Connector/J 3.5: the first call after the kill, then every later one.
        assertThat(ConnectionLoss.is(new SQLNonTransientConnectionException("(conn=6) Socket error", "08000", -1)))
                .isTrue();
        assertThat(ConnectionLoss.is(new SQLNonTransientConnectionException("(conn=6) Connection is closed", "08000",
                1220))).isTrue();
        // MySQL Connector/J 9: CommunicationsException is a SQLRecoverableException with 08S01.
        assertThat(ConnectionLoss.is(new SQLRecoverableException("Communications link failure", "08S01"))).isTrue();
        assertThat(ConnectionLoss.is(new SQLNonTransientConnectionException(
                "Communications link failure during rollback(). Transaction resolution unknown.", "08007"))).isTrue();
        // A plain SQLException with a class-08 state, and one that wraps the driver's error.
        assertThat(ConnectionLoss.is(new SQLException("gone", "08S01"))).isTrue();
        assertThat(ConnectionLoss.is(new SQLException("backup-guard could not ...", "HY000", 0,
                new SQLRecoverableException("Communications link failure", "08S01")))).isTrue();
    }

    @Test
    void statementErrorsAndTheLockGuardsOwnCancelAreNot() {
        // KILL QUERY of our own FTWRL: the statement was interrupted, the connection lives on.
        assertThat(ConnectionLoss.is(new SQLException("Query execution was interrupted", "70100", 1317))).isFalse();
        assertThat(ConnectionLoss.is(new SQLSyntaxErrorException("You have an error in your SQL syntax", "42000",
                1064))).isFalse();
        assertThat(ConnectionLoss.is(new SQLException("Lock wait timeout exceeded", "HY000", 1205))).isFalse();
        assertThat(ConnectionLoss.is(new SQLException("no state"))).isFalse();
        // A transient connection error (a pool that could not lend one) is class 08 too: it is a connection error.
        assertThat(ConnectionLoss.is(new SQLTransientConnectionException("pool timeout", "08001"))).isTrue();
    }

    @Test
    void aConnectionIsDeadWhenTheDriverClosedItOrAFailedPingMadeItCloseIt() throws SQLException {
        Connection closed = mock(Connection.class);
        when(closed.isClosed()).thenReturn(true);
        assertThat(ConnectionLoss.dead(closed, false)).isTrue();
        verify(closed, never()).isValid(anyInt()); // no round trip when the driver knows

        Connection alive = mock(Connection.class);
        when(alive.isValid(0)).thenReturn(true);
        assertThat(ConnectionLoss.dead(alive, false)).isFalse();

        Connection killed = mock(Connection.class);
        when(killed.isClosed()).thenReturn(false, true); // the failed ping closes it, as both drivers do
        assertThat(ConnectionLoss.dead(killed, false)).isTrue();

        Connection odd = mock(Connection.class); // says invalid but stays open: not taken for dead
        assertThat(ConnectionLoss.dead(odd, false)).isFalse();

        Connection streaming = mock(Connection.class);
        assertThat(ConnectionLoss.dead(streaming, true)).isFalse();
        verify(streaming, never()).isValid(anyInt()); // no ping under an open result set
    }

    @Test
    void theTransactionEndsTheGuardAbsorbsAreCheckedAndTheVerdictSaysWhatWasLost() {
        assertThat(ConnectionLoss.endsTransaction(JdbcCall.COMMIT)).isTrue();
        assertThat(ConnectionLoss.endsTransaction(JdbcCall.ROLLBACK)).isTrue();
        assertThat(ConnectionLoss.endsTransaction(JdbcCall.AUTOCOMMIT_ON)).isTrue();
        assertThat(ConnectionLoss.endsTransaction(Classifier.classify("COMMIT"))).isTrue();
        assertThat(ConnectionLoss.endsTransaction(JdbcCall.AUTOCOMMIT_OFF)).isFalse();
        assertThat(ConnectionLoss.endsTransaction(Classifier.classify("ROLLBACK TO SAVEPOINT sp"))).isFalse();
        assertThat(ConnectionLoss.endsTransaction(Classifier.classify("UNLOCK TABLES"))).isFalse();

        assertThat(ConnectionLoss.detail(new SQLException("gone", "08S01"), true, true)).isEqualTo("the server closed "
                + "the connection (SQLState 08S01) with the global read lock held and the snapshot open: the backup "
                + "session did not finish");
        assertThat(ConnectionLoss.detail(null, false, true)).isEqualTo("the server closed the connection (the driver "
                + "reports it closed) with the snapshot open: the backup session did not finish");
    }
}
