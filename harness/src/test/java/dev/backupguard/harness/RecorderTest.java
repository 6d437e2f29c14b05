package dev.backupguard.harness;

import dev.backupguard.harness.audit.Origin;
import dev.backupguard.harness.audit.SentStatement;
import dev.backupguard.protocol.Mode;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the recorder records beneath the guard, and to whom it attributes it. */
class RecorderTest {

    static FakeServer server() {
        return FakeServer.mariadb().database("shop").table("accounts", "id INT, owner VARCHAR(20)",
                FakeServer.row(1, "ann"));
    }

    @Test
    void recordsJobStatementsCallsAndTheGuardsProbeInOrder() throws Exception {
        try (Recorder recorder = new Recorder()) {
            try (Connection c = recorder.guard(server().connect())) {
                c.setAutoCommit(false);
                c.setAutoCommit(false); // unchanged: the driver sends nothing
                try (PreparedStatement ps = c.prepareStatement("SELECT * FROM accounts WHERE owner = ? AND id > ?")) {
                    ps.setString(1, "it's");
                    ps.setInt(2, 0);
                    ps.executeQuery().close();
                }
                c.commit();
            }
            List<SentStatement> sent = recorder.recording().statements();
            assertThat(sent).extracting(SentStatement::sql).containsExactly(
                    "SET autocommit=0",
                    "/* backup-guard probe */ SELECT VERSION(), @@version_comment, @@log_bin, @@server_id, "
                            + "CONNECTION_ID(), DATABASE()",
                    "/* backup-guard probe */ SELECT @@SESSION.tx_isolation, @@GLOBAL.gtid_binlog_pos, @@SESSION.sql_mode",
                    sent.get(3).sql(),
                    "SELECT * FROM accounts WHERE owner = 'it''s' AND id > 0",
                    "COMMIT");
            assertThat(sent).extracting(SentStatement::origin).containsExactly(Origin.JOB, Origin.GUARD, Origin.GUARD,
                    Origin.GUARD, Origin.JOB, Origin.JOB);
            assertThat(sent.get(0).call()).isEqualTo("Connection.setAutoCommit(false)");
            assertThat(sent.get(5).call()).isEqualTo("Connection.commit()");
            assertThat(sent).allMatch(s -> s.endMicros() >= s.startMicros());
            assertThat(recorder.recording().isClosed()).isTrue();
            assertThat(recorder.recording().jobSql()).hasSize(3);
        }
    }

    @Test
    void aFailedStatementIsRecordedWithItsErrorCode() throws Exception {
        try (Recorder recorder = new Recorder(); Connection c = recorder.guard(server().connect());
             Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM missing")).isInstanceOf(SQLException.class);
            SentStatement failed = recorder.recording().statements().get(recorder.recording().statements().size() - 1);
            assertThat(failed.sql()).isEqualTo("SELECT * FROM missing");
            assertThat(failed.errorCode()).isEqualTo(1146);
        }
    }

    @Test
    void enforceModeShowsWhatTheGuardSentAndWhatItAnsweredItself() throws Exception {
        try (Recorder recorder = new Recorder().mode(Mode.ENFORCE)) {
            try (Connection c = recorder.guard(server().connect()); Statement s = c.createStatement()) {
                s.execute("START TRANSACTION");
                try (ResultSet rs = s.executeQuery("SELECT * FROM accounts")) {
                    assertThat(rs.next()).isTrue();
                }
            }
            Recording r = recorder.recording();
            assertThat(r.notSent()).extracting(Recording.NotSent::sql).containsExactly("START TRANSACTION");
            assertThat(r.statements()).filteredOn(st -> st.origin() == Origin.GUARD).extracting(SentStatement::sql)
                    .contains("START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */");
            BackupAssertions.assertThat(r).isConsistentBackup().readOnlyInsideSnapshot();
        }
    }

    @Test
    void theRecordedConnectionUnwrapsToTheDriversAndTheExtensionsFakeIsFound() throws Exception {
        try (Recorder recorder = new Recorder()) {
            FakeServer server = server();
            Connection c = recorder.guard(server.connect());
            assertThat(FakeServer.of(c)).isSameAs(server);
            assertThat(c.isWrapperFor(dev.backupguard.jdbc.GuardedConnection.class)).isTrue();
            try (Statement s = c.createStatement()) {
                assertThat(s.getConnection()).isSameAs(c);
                try (ResultSet rs = s.executeQuery("SELECT 1")) {
                    assertThat(rs.getStatement()).isSameAs(s);
                }
            }
        }
        // close() closed what the test left open
    }

    @Test
    void recordingIsAmbiguousWithTwoBackupSessions() throws Exception {
        try (Recorder recorder = new Recorder()) {
            for (int i = 0; i < 2; i++) {
                try (Connection c = recorder.guard(server().connect()); Statement s = c.createStatement()) {
                    s.executeQuery("SELECT * FROM accounts").close();
                }
            }
            assertThatThrownBy(recorder::recording).hasMessageContaining("Expected one backup session among the "
                    + "recordings, found 2");
            assertThat(recorder.recordings()).hasSize(2);
        }
    }
}
