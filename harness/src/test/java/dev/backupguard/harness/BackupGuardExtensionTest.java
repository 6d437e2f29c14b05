package dev.backupguard.harness;

import dev.backupguard.harness.examples.LegacyJobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.engine.reporting.ReportEntry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The extension as JUnit runs it: a test of an unsafe job (a fixture, run here through the JUnit launcher) fails
 * with the recorded sequence in its message; the extension writes the HTML report of its recording, publishes the
 * recording as a report entry, and closes the connection the test left open.
 */
class BackupGuardExtensionTest {

    static final List<Connection> LEFT_OPEN = new ArrayList<>();

    /** The fixture: a test of a legacy job that is not consistent. Surefire does not run nested classes itself. */
    @ExtendWith(BackupGuardExtension.class)
    static class UnsafeJobExample {
        @Test
        void dumpIsConsistent(Recorder recorder, FakeServer server) throws Exception {
            server.database("shop").table("accounts", "id INT", FakeServer.row(1)).table("ledger", "id INT");
            Connection c = recorder.guard(server.connect());
            LEFT_OPEN.add(c);
            LegacyJobs.unlockBeforeSnapshot(c, List.of("accounts", "ledger")); // and never closed
            BackupAssertions.assertThat(recorder).isConsistentBackup();
        }
    }

    @Test
    void aFailingTestGetsItsRecordingAsReportEntryAndHtmlFileAndItsConnectionsClosed() throws Exception {
        Path reports = Files.createTempDirectory("bg-reports");
        System.setProperty("backupguard-harness.reports", reports.toString());
        List<ReportEntry> entries = new ArrayList<>();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        try {
            Launcher launcher = LauncherFactory.create();
            launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(UnsafeJobExample.class))
                    .build(), summary, new TestExecutionListener() {
                        @Override
                        public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
                            entries.add(entry);
                        }
                    });
        } finally {
            System.clearProperty("backupguard-harness.reports");
        }

        assertThat(summary.getSummary().getTestsFailedCount()).isEqualTo(1);
        Throwable failure = summary.getSummary().getFailures().get(0).getException();
        assertThat(failure).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected a consistent backup, but 1 statement broke consistency rules "
                        + "[unlock-before-snapshot]")
                .hasMessageContaining("  >   8  job      SELECT * FROM `accounts`");
        assertThat(entries).hasSize(1);
        String entry = entries.get(0).getKeyValuePairs().get("backup-guard recordings");
        assertThat(entry).contains("connection 1: 10 statements reached the server")
                .contains("  >   8  job      SELECT * FROM `accounts`").contains("HTML report: ");
        Path html = reports.resolve(UnsafeJobExample.class.getName()).resolve("dumpIsConsistent.html");
        assertThat(Files.readString(html)).contains("<section class=\"session\"").contains("unlock-before-snapshot");
        assertThat(LEFT_OPEN).hasSize(1);
        assertThat(LEFT_OPEN.get(0).isClosed()).as("closed by the extension when the test ended").isTrue();
    }
}
