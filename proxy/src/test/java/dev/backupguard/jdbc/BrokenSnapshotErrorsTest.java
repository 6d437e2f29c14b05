package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backupguard.protocol.Rule;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A snapshot ended by a statement the guard could not see into (a procedure that commits) makes the server answer
 * the guard's own savepoint statements with "SAVEPOINT backup_guard does not exist" (1305). The job is told the rule
 * that explains it, reads made after the unseen end make the verdict "not consistent", and binary logging is given
 * back. That is the safety net behind the check of the server's state after an opaque statement: here the check is
 * off ({@code rule.opaque-statement=off}), as it is in effect wherever the server cannot tell. What the real server
 * answers is proven in the tests module (ImplicitCommitIT); here the driver is a mock.
 */
class BrokenSnapshotErrorsTest {

    private static final Map<String, String> BACKUP = Map.of("backupguard.role", "backup-job",
            "backupguard.rule.opaque-statement", "off");

    @Test
    void theGuardsFailedRollbackToSavepointIsReportedAsTheImplicitCommitThatCausedIt() throws SQLException {
        FakeServer server = new FakeServer(); // BINLOG ADMIN: the guard rolls back to its savepoint between tables
        GuardedConnection c = server.guard(BACKUP);
        Statement s = c.createStatement();
        s.executeQuery("SELECT * FROM accounts").close();
        s.execute("CALL archive_and_commit()"); // its COMMIT ended the snapshot: the guard cannot see into it
        server.savepointsGone = true;

        assertThatThrownBy(() -> s.executeQuery("SELECT * FROM orders"))
                .isInstanceOfSatisfying(BackupGuardException.class, e -> {
                    assertThat(e.rule()).isEqualTo(Rule.IMPLICIT_COMMIT);
                    assertThat(e.getSQLState()).isEqualTo("25001");
                    assertThat(e.getMessage()).contains("implicit-commit").contains("CALL archive_and_commit()")
                            .contains("error 1305");
                    assertThat(((SQLException) e.getCause()).getErrorCode()).isEqualTo(1305);
                });

        assertThat(server.sent).doesNotContain("SELECT * FROM orders")
                .endsWith("ROLLBACK TO SAVEPOINT backup_guard", "UNLOCK TABLES", "SET SESSION sql_log_bin = 1");
        // Nothing was read after the snapshot ended: what was read is one moment.
        assertThat(c.protocol().verdict().consistent()).isTrue();
        assertThatThrownBy(() -> s.executeQuery("SELECT * FROM orders")).isInstanceOf(BackupGuardException.class)
                .hasMessageContaining("ended by CALL archive_and_commit()");
        c.close();
    }

    @Test
    void readsAfterTheUnseenEndMakeTheSessionNotConsistentWhenTheReleaseFindsTheSavepointGone() throws SQLException {
        FakeServer server = new FakeServer();
        server.noBinlogAdmin = true; // MariaDB, binlog on: no ROLLBACK TO SAVEPOINT between tables
        GuardedConnection c = server.guard(BACKUP);
        Statement s = c.createStatement();
        s.executeQuery("SELECT * FROM accounts").close();
        s.execute("CALL archive_and_commit()");
        server.savepointsGone = true;
        s.executeQuery("SELECT * FROM orders").close(); // read at another moment, and nothing says so yet

        c.endRequest(); // returned to a pool: the session ends

        // The procedure may have left the global read lock held: the release goes on after the failed RELEASE.
        assertThat(server.sent).endsWith("SELECT * FROM orders", "RELEASE SAVEPOINT backup_guard", "UNLOCK TABLES");
        assertThat(c.protocol().verdict().consistent()).isFalse();
        assertThat(c.protocol().verdict().violations()).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo(Rule.IMPLICIT_COMMIT);
            assertThat(f.detail()).contains("CALL archive_and_commit()").contains("orders");
        });
        assertThat(c.protocol().isBackupSession()).isFalse();
    }

    /**
     * The RELEASE SAVEPOINT that ends the session finds the savepoint gone: the releases planned after it still reach
     * the server. A pooled connection must not keep a lock the procedure may have taken, nor binary logging off.
     */
    @Test
    void aReleaseThatFindsTheSavepointGoneStillLetsTheLockAndTheBinaryLogBeRestored() throws SQLException {
        FakeServer server = new FakeServer(); // BINLOG ADMIN: the guard switched binary logging off
        GuardedConnection c = server.guard(BACKUP);
        Statement s = c.createStatement();
        s.executeQuery("SELECT * FROM accounts").close();
        s.execute("CALL archive_and_commit()"); // unseen: it may have taken the global read lock, too
        server.savepointsGone = true;

        c.endRequest();

        List<String> afterRelease = server.sent.subList(server.sent.indexOf("RELEASE SAVEPOINT backup_guard"),
                server.sent.size());
        assertThat(afterRelease).contains("UNLOCK TABLES", "SET SESSION sql_log_bin = 1");
        assertThat(c.protocol().verdict().consistent()).as("nothing was read after the procedure").isTrue();
    }
}
