package dev.backupguard.telemetry;

import dev.backupguard.config.Settings;
import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.jdbc.ConnectionSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * The overhead rule: an ordinary connection never calls into telemetry, not even to ask whether a sink
 * wants an event. A stub driver connection (Mockito) stands in for the server: nothing here depends on it.
 */
class OrdinaryConnectionsPublishNothingTest {

    @Test
    void oltpTrafficThroughAGuardedConnectionNeverTouchesTheHub() throws SQLException {
        Connection raw = mock(Connection.class);
        java.sql.Statement st = mock(java.sql.Statement.class);
        when(raw.getAutoCommit()).thenReturn(true);
        when(raw.createStatement()).thenReturn(st);
        when(st.executeQuery(anyString())).thenReturn(mock(ResultSet.class));
        when(st.executeUpdate(anyString())).thenReturn(1);
        CountingSink sink = new CountingSink();
        BackupGuard.telemetry().add(sink);
        try {
            Connection c = BackupGuard.wrap(raw, Settings.from(Map.of("jmx", "false", "jfr", "false")),
                    ConnectionSource.NONE, "app", false);
            try (java.sql.Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO orders (id, note) VALUES (1, 'x')");
                s.executeUpdate("UPDATE orders SET note = 'y' WHERE id = 1");
                s.executeQuery("SELECT 1").close();
                s.execute("SET NAMES utf8mb4");
                s.executeUpdate("DELETE FROM orders WHERE id = 1");
            }
            c.setAutoCommit(false);
            c.commit();
            c.close();
            Connection guardrail = BackupGuard.wrap(raw, Settings.from(Map.of("role", "guardrail")),
                    ConnectionSource.NONE, "app", false);
            try (java.sql.Statement s = guardrail.createStatement()) {
                s.executeQuery("SELECT * FROM orders WHERE id = 7").close();
            }
            guardrail.close();
        } finally {
            BackupGuard.telemetry().remove(sink);
        }
        assertThat(sink.asked).as("wants() calls").hasValue(0);
        assertThat(sink.events).isEmpty();
    }
}
