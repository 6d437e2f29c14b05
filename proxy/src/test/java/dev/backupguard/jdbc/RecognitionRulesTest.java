package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.backupguard.config.Settings;
import java.sql.Connection;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The configured recognition rules (issue: "a configured rule on user name / application name"), as the adapter
 * applies them when it wraps a connection and when the application names itself afterwards.
 */
class RecognitionRulesTest {

    private final Connection raw = mock(Connection.class);

    private GuardedConnection wrap(Map<String, String> settings, String user) throws SQLException {
        return (GuardedConnection) BackupGuard.wrap(raw, Settings.from(settings), ConnectionSource.NONE, user, false);
    }

    @Test
    void aBackupUserIsABackupSessionFromItsFirstStatement() throws SQLException {
        assertThat(wrap(Map.of("backup-users", "Dumper,ops"), "dumper").protocol().isBackupSession()).isTrue();
        assertThat(wrap(Map.of("backup-users", "dumper"), "app").protocol().isBackupSession()).isFalse();
    }

    @Test
    void aNeverUserIsNeverABackupSession() throws SQLException {
        assertThat(wrap(Map.of("never-users", "app"), "APP").protocol().isNeverBackup()).isTrue();
    }

    @Test
    void anApplicationNamedAsABackupApplicationIsABackupSession() throws SQLException {
        when(raw.getClientInfo("ApplicationName")).thenReturn("Nightly-Dump");
        GuardedConnection c = wrap(Map.of("backup-applications", "nightly-dump"), "app");
        assertThat(c.protocol().isBackupSession()).isTrue();
    }

    @Test
    void anApplicationNamedAsNeverIsNeverABackupSession() throws SQLException {
        when(raw.getClientInfo("ApplicationName")).thenReturn("orders-service");
        GuardedConnection c = wrap(Map.of("never-applications", "orders-service", "backup-applications", "dump"), "app");
        assertThat(c.protocol().isNeverBackup()).isTrue();
        assertThat(c.protocol().isBackupSession()).isFalse();
    }

    @Test
    void anApplicationThatNamesItselfAfterConnectingIsRecognisedThen() throws SQLException {
        GuardedConnection c = wrap(Map.of("backup-applications", "nightly-dump"), "app");
        assertThat(c.protocol().isBackupSession()).isFalse();
        c.setClientInfo("ApplicationName", "nightly-dump");
        assertThat(c.protocol().isBackupSession()).isTrue();
        verify(raw).setClientInfo("ApplicationName", "nightly-dump");

        GuardedConnection other = wrap(Map.of("backup-applications", "nightly-dump"), "app");
        Properties info = new Properties();
        info.setProperty("ApplicationName", "NIGHTLY-DUMP");
        other.setClientInfo(info);
        assertThat(other.protocol().isBackupSession()).isTrue();
    }

    @Test
    void withoutApplicationRulesTheClientInfoIsNeverAsked() throws SQLException {
        GuardedConnection c = wrap(Map.of(), "app");
        c.setClientInfo("ApplicationName", "nightly-dump");
        verify(raw, never()).getClientInfo(anyString());
        assertThat(c.protocol().isBackupSession()).isFalse();
    }

    @Test
    void aDriverWithoutClientInfoKeepsTheOtherRules() throws SQLException {
        when(raw.getClientInfo("ApplicationName")).thenThrow(new SQLClientInfoException());
        GuardedConnection c = wrap(Map.of("backup-applications", "nightly-dump"), "app");
        assertThat(c.protocol().isBackupSession()).isFalse();
        assertThat(c.protocol().isNeverBackup()).isFalse();
    }
}
