package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.classify.TableName;

import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * In the guardrail role, outside a backup session, queries are classified by their leading keyword only (the cheap
 * path of ordinary reads); a backup session needs them in full, also those prepared before it began.
 */
class LeadingKeywordClassificationTest {

    @Test
    void guardrailConnectionsNeedNoDetailUntilABackupSessionBegins() throws Exception {
        FakeServer server = new FakeServer();
        GuardedConnection c = server.guard(Map.of("backupguard.role", "guardrail"));
        assertThat(c.needsDetails()).isFalse();
        try (Statement s = c.createStatement()) {
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
        }
        assertThat(c.needsDetails()).isTrue();
    }

    @Test
    void aBackupJobConnectionAlwaysClassifiesInFull() throws Exception {
        assertThat(new FakeServer().guard(Map.of()).needsDetails()).isTrue();
    }

    @Test
    void aQueryPreparedBeforeTheBackupSessionIsClassifiedInFullWhenItRunsInside() throws Exception {
        FakeServer server = new FakeServer();
        GuardedConnection c = server.guard(Map.of("backupguard.role", "guardrail"));
        PreparedStatement ps = c.prepareStatement("SELECT * FROM accounts");
        ps.executeQuery().close();
        try (Statement s = c.createStatement()) {
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
        }
        ps.executeQuery();

        // Only a read known as a read of `accounts` (its target) counts as a table of the backup.
        assertThat(c.protocol().verdict().tablesRead()).containsExactly(new TableName("shop", "accounts"));
    }
}
