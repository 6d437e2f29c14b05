package dev.backupguard.jdbc;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which driver errors mean that the server closed the connection. The shapes are the drivers' own, as
 * ConnectionLostIT saw them after a KILL (tests module).
 */
class ConnectionLossTest {

    @Test
    void sqlStateClass08AndTheConnectionExceptionTypesMeanTheConnectionIsGone() {
        // MariaDB Connector/J 3.5: the first call after the kill, then every later one.
        assertThat(ConnectionLoss.is(new SQLNonTransientConnectionException("(conn=6) Socket error", "08000", -1))).isTrue();
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
}
