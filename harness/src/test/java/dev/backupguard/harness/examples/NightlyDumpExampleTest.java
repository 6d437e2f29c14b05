package dev.backupguard.harness.examples;

import dev.backupguard.harness.BackupGuardExtension;
import dev.backupguard.harness.FakeServer;
import dev.backupguard.harness.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.util.List;

import static dev.backupguard.harness.BackupAssertions.assertThat;
import static dev.backupguard.harness.FakeServer.row;

/** The JUnit example of docs/readme/harness.md, as it is printed there. */
@ExtendWith(BackupGuardExtension.class)
class NightlyDumpExampleTest {

    @Test
    void nightlyDumpTakesAConsistentBackup(Recorder recorder, FakeServer server) throws Exception {
        server.database("shop")
                .table("accounts", "id INT, owner VARCHAR(20)", row(1, "ann"), row(2, "bob"))
                .table("ledger", "id INT, account INT, amount DECIMAL(10,2)", row(1, 1, "10.00"));

        try (Connection c = recorder.guard(server.connect())) {
            LegacyJobs.mysqldumpStyle(c, List.of("accounts", "ledger")); // the code under test, unchanged
        }

        assertThat(recorder)
                .isConsistentBackup()
                .sentInOrder("FLUSH TABLES WITH READ LOCK",
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT",
                        "SHOW MASTER STATUS",
                        "UNLOCK TABLES")
                .heldGlobalReadLockForAtMost(3)
                .readOnlyInsideSnapshot();
    }
}
