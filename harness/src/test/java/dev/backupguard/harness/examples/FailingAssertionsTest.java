package dev.backupguard.harness.examples;

import dev.backupguard.harness.BackupGuardExtension;
import dev.backupguard.harness.FakeServer;
import dev.backupguard.harness.Recorder;
import dev.backupguard.protocol.Rule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static dev.backupguard.harness.BackupAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The failing side of the assertions that only had passing tests: each fails on a recording that breaks it, and its
 * message shows the recorded statements with the offending ones marked ({@code >}) and the rule they broke written
 * under them. Every recording here comes from a legacy job run on the fake server, in audit mode.
 */
@ExtendWith(BackupGuardExtension.class)
class FailingAssertionsTest {

    static final List<String> TABLES = LegacyShapesOnFakeServerTest.TABLES;

    /** A marked line of the listing: {@code   >   7  job      SELECT * FROM ledger}. */
    static String marked(int number, String sql) {
        return "(?s).*\n  >" + String.format("%4d", number) + "  job      " + java.util.regex.Pattern.quote(sql)
                + "\n.*";
    }

    /** An unmarked line of the listing. */
    static String unmarked(int number, String sql) {
        return "(?s).*\n   " + String.format("%4d", number) + "  job      " + java.util.regex.Pattern.quote(sql)
                + "\n.*";
    }

    /** A marked line with a rule written under it. */
    static String markedWithRule(int number, String sql, Rule rule) {
        return "(?s).*\n  >" + String.format("%4d", number) + "  job      " + java.util.regex.Pattern.quote(sql)
                + "\n(?: +\\^ .*\n(?: {19}.*\n)*)*? +\\^ " + java.util.regex.Pattern.quote(rule.id()) + " \\("
                + rule.invariant() + "\\): .*";
    }

    /** How {@link LegacyJobs} reads a table. */
    static String sel(String table) {
        return "SELECT * FROM `" + table + "`";
    }

    void run(Recorder recorder, FakeServer server, LegacyJobs.Job job) throws SQLException {
        try (Connection c = recorder.guard(LegacyShapesOnFakeServerTest.shop(server).connect())) {
            job.run(c, TABLES);
        }
    }

    /** The job statement numbers of a recording, found by text (the guard's probes are numbered too). */
    static int number(Recorder recorder, String sql) {
        List<String> all = recorder.recording().sql();
        int i = all.indexOf(sql);
        org.assertj.core.api.Assertions.assertThat(i).as("'%s' in %s", sql, all).isNotNegative();
        org.assertj.core.api.Assertions.assertThat(all.lastIndexOf(sql)).as("'%s' sent once", sql).isEqualTo(i);
        return i + 1;
    }

    // ------------------------------------------------------------------------------------ readOnlyInsideSnapshot

    @Test
    void readOnlyInsideSnapshotFailsOnReadsAfterTheMidDumpCommit(Recorder recorder, FakeServer server)
            throws Exception {
        run(recorder, server, LegacyJobs::commitInTheMiddle);

        int accounts = number(recorder, sel("accounts"));
        int ledger = number(recorder, sel("ledger"));
        int auditLog = number(recorder, sel("audit_log"));
        assertThatThrownBy(() -> assertThat(recorder).readOnlyInsideSnapshot())
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected every data read inside the consistent snapshot, but 2 were not:")
                .hasMessageMatching(unmarked(accounts, sel("accounts")))
                .hasMessageMatching(markedWithRule(ledger, sel("ledger"), Rule.SNAPSHOT_END))
                .hasMessageMatching(marked(auditLog, sel("audit_log")))
                .hasMessageContaining("^ read outside the snapshot\n");
    }

    @Test
    void readOnlyInsideSnapshotFailsOnAnAutocommitLoop(Recorder recorder, FakeServer server) throws Exception {
        run(recorder, server, LegacyJobs::autocommitLoop);

        assertThatThrownBy(() -> assertThat(recorder).readOnlyInsideSnapshot())
                .hasMessageStartingWith("Expected every data read inside the consistent snapshot, but 3 were not:")
                .hasMessageMatching(markedWithRule(number(recorder, sel("accounts")),
                        sel("accounts"), Rule.SNAPSHOT_START))
                .hasMessageMatching(marked(number(recorder, sel("ledger")), sel("ledger")))
                .hasMessageMatching(marked(number(recorder, sel("audit_log")), sel("audit_log")))
                .hasMessageMatching(unmarked(number(recorder, "SHOW MASTER STATUS"), "SHOW MASTER STATUS"));
    }

    /**
     * What readOnlyInsideSnapshot does not check: where the coordinates were read. Here the snapshot starts after
     * UNLOCK TABLES, so the coordinates are not the snapshot's moment; every data read is still inside a snapshot.
     */
    @Test
    void readOnlyInsideSnapshotChecksDataReadsOnlyNotTheCoordinates(Recorder recorder, FakeServer server)
            throws Exception {
        run(recorder, server, LegacyJobs::unlockBeforeSnapshot);

        assertThat(recorder).readOnlyInsideSnapshot().isNotConsistentBackup();
    }

    /**
     * And a backup that is consistent without any snapshot (the global read lock held over every read,
     * --lock-all-tables style) fails it: its reads are outside a snapshot, under the lock.
     */
    @Test
    void readOnlyInsideSnapshotFailsOnAConsistentDumpUnderTheGlobalLock(Recorder recorder, FakeServer server)
            throws Exception {
        run(recorder, server, FailingAssertionsTest::lockWholeDump);

        assertThat(recorder).isConsistentBackup();
        assertThatThrownBy(() -> assertThat(recorder).readOnlyInsideSnapshot())
                .hasMessageStartingWith("Expected every data read inside the consistent snapshot, but 3 were not:")
                .hasMessageMatching(marked(number(recorder, "SELECT * FROM ledger"), "SELECT * FROM ledger"))
                .hasMessageContaining("^ read outside the snapshot (under the global read lock)");
    }

    static LegacyJobs.Dump lockWholeDump(Connection c, List<String> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("FLUSH /*!40101 LOCAL */ TABLES");
            s.execute("FLUSH TABLES WITH READ LOCK");
            s.executeQuery("SHOW MASTER STATUS").close();
            for (String t : tables) {
                s.executeQuery("SELECT * FROM " + t).close();
            }
            s.execute("UNLOCK TABLES");
            return new LegacyJobs.Dump(null, -1, List.of());
        }
    }

    // ------------------------------------------------------------------------------------ neverSent

    static LegacyJobs.Dump flushLogsInSnapshot(Connection c, List<String> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            s.execute("FLUSH LOGS");
            s.executeQuery("SHOW MASTER STATUS").close();
            for (String t : tables) {
                s.executeQuery("SELECT * FROM " + t).close();
            }
            s.execute("COMMIT");
            return new LegacyJobs.Dump(null, -1, List.of());
        }
    }

    @Test
    void neverSentFailsAndMarksEveryStatementOfThatMeaning(Recorder recorder, FakeServer server) throws Exception {
        run(recorder, server, FailingAssertionsTest::flushLogsInSnapshot);

        int flush = number(recorder, "FLUSH LOGS");
        assertThat(recorder).neverSent("FLUSH TABLES WITH READ LOCK").neverSent("UNLOCK TABLES");
        assertThatThrownBy(() -> assertThat(recorder).neverSent("flush   logs"))
                .hasMessageStartingWith("Expected 'flush   logs' never to reach the server, but it did at #" + flush
                        + ":")
                .hasMessageContaining("NOT CONSISTENT (3 violations)")
                .hasMessageMatching(marked(flush, "FLUSH LOGS"))
                .hasMessageMatching(unmarked(number(recorder, "SHOW MASTER STATUS"), "SHOW MASTER STATUS"));
        // By meaning: mysqldump's spelling, with its version comment, is the same statement.
        assertThatThrownBy(() -> assertThat(recorder).neverSent("START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */"))
                .hasMessageMatching(marked(number(recorder, "START TRANSACTION WITH CONSISTENT SNAPSHOT"),
                        "START TRANSACTION WITH CONSISTENT SNAPSHOT"));
        // Three reads of different tables: each one marked.
        assertThatThrownBy(() -> assertThat(recorder).neverSent("SELECT * FROM `shop`.`ledger`"))
                .hasMessageContaining("but it did at #" + number(recorder, "SELECT * FROM ledger") + ":")
                .hasMessageMatching(unmarked(number(recorder, "SELECT * FROM accounts"), "SELECT * FROM accounts"));
    }

    // ------------------------------------------------------------------------------------ hasNoWarnings

    @Test
    void hasNoWarningsFailsOnTheGlobalLockHeldForTheWholeDump(Recorder recorder, FakeServer server)
            throws Exception {
        run(recorder, server, FailingAssertionsTest::lockWholeDump);

        assertThat(recorder).isConsistentBackup().violates(Rule.LOCK_WHOLE_DUMP);
        assertThatThrownBy(() -> assertThat(recorder).hasNoWarnings())
                .hasMessageStartingWith("Expected no warnings, but the backup burdens the server:")
                .hasMessageContaining("CONSISTENT")
                .hasMessageMatching("(?s).*\n  > .*\n +\\^ " + Rule.LOCK_WHOLE_DUMP.id() + " \\(I3\\): .*")
                .hasMessageContaining("safe: " + Rule.LOCK_WHOLE_DUMP.safeAlternative());
    }

    @Test
    void hasNoWarningsFailsOnMetadataLocksKeptAcrossTables(Recorder recorder, FakeServer server) throws Exception {
        run(recorder, server, LegacyJobs::snapshotCoordinates);

        int ledger = number(recorder, sel("ledger"));
        assertThat(recorder).isConsistentBackup().tookNoGlobalReadLock();
        assertThatThrownBy(() -> assertThat(recorder).hasNoWarnings())
                .hasMessageStartingWith("Expected no warnings, but the backup burdens the server:")
                .hasMessageContaining("CONSISTENT (1 warning)")
                .hasMessageMatching(unmarked(number(recorder, sel("accounts")), sel("accounts")))
                .hasMessageMatching(markedWithRule(ledger, sel("ledger"), Rule.MDL_PER_TABLE));
    }

    @Test
    void hasNoWarningsPassesOnASnapshotDumpOfOneTable(Recorder recorder, FakeServer server) throws Exception {
        try (Connection c = recorder.guard(LegacyShapesOnFakeServerTest.shop(server).connect())) {
            LegacyJobs.snapshotCoordinates(c, List.of("accounts"));
        }

        assertThat(recorder).isConsistentBackup().hasNoWarnings();
    }

    // ------------------------------------------------------------------------------------ doesNotViolate

    @Test
    void doesNotViolateFailsNamingTheRuleAndMarkingOnlyItsStatements(Recorder recorder, FakeServer server)
            throws Exception {
        run(recorder, server, LegacyJobs::unlockBeforeSnapshot);

        int unlock = number(recorder, "UNLOCK TABLES");
        assertThat(recorder).doesNotViolate(Rule.REPEATABLE_READ, Rule.FLUSH_LOGS_IN_SNAPSHOT);
        assertThatThrownBy(() -> assertThat(recorder).doesNotViolate(Rule.FLUSH_LOGS_IN_SNAPSHOT,
                Rule.UNLOCK_BEFORE_SNAPSHOT))
                .hasMessageStartingWith("Expected the recording not to break [")
                .hasMessageContaining(Rule.UNLOCK_BEFORE_SNAPSHOT.id())
                // the rule is found at the first read: the data is from after the coordinates
                .hasMessageMatching(markedWithRule(number(recorder, sel("accounts")), sel("accounts"),
                        Rule.UNLOCK_BEFORE_SNAPSHOT))
                .hasMessageMatching(unmarked(unlock, "UNLOCK TABLES"))
                .hasMessageMatching(unmarked(number(recorder, sel("ledger")), sel("ledger")))
                .hasMessageContaining("safe: " + Rule.UNLOCK_BEFORE_SNAPSHOT.safeAlternative());
    }

    // ------------------------------------------------------------------------------------ tookNoGlobalReadLock

    @Test
    void tookNoGlobalReadLockFailsAndMarksTheFlushTablesWithReadLock(Recorder recorder, FakeServer server)
            throws Exception {
        run(recorder, server, LegacyJobs::mysqldumpStyle);

        int ftwrl = number(recorder, "FLUSH TABLES WITH READ LOCK");
        assertThatThrownBy(() -> assertThat(recorder).tookNoGlobalReadLock())
                .hasMessageStartingWith("Expected no global read lock, but FLUSH TABLES WITH READ LOCK was taken at #"
                        + ftwrl + ":")
                .hasMessageContaining("CONSISTENT")
                .hasMessageMatching(marked(ftwrl, "FLUSH TABLES WITH READ LOCK"))
                .hasMessageMatching(unmarked(number(recorder, "UNLOCK TABLES"), "UNLOCK TABLES"));
    }

    @Test
    void tookNoGlobalReadLockMarksEveryLockTaken(Recorder recorder, FakeServer server) throws Exception {
        run(recorder, server, (c, tables) -> {
            try (Statement s = c.createStatement()) {
                s.execute("FLUSH TABLES WITH READ LOCK");
                s.execute("UNLOCK TABLES");
            }
            return LegacyJobs.mysqldumpStyle(c, tables);
        });

        List<String> sql = recorder.recording().sql();
        int first = sql.indexOf("FLUSH TABLES WITH READ LOCK") + 1;
        int second = sql.lastIndexOf("FLUSH TABLES WITH READ LOCK") + 1;
        org.assertj.core.api.Assertions.assertThat(second).isGreaterThan(first);
        assertThatThrownBy(() -> assertThat(recorder).tookNoGlobalReadLock())
                .hasMessageStartingWith("Expected no global read lock, but FLUSH TABLES WITH READ LOCK was taken at #"
                        + first + ", #" + second + ":")
                .hasMessageMatching(marked(first, "FLUSH TABLES WITH READ LOCK"))
                .hasMessageMatching(marked(second, "FLUSH TABLES WITH READ LOCK"));
    }
}
