package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.SnapshotWay;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A statement that commits implicitly inside a backup's snapshot (docs/server-facts.md, fact 12), end to end on the
 * real server: the job reads {@code secrets}, sends {@code ANALYZE TABLE scratch}, another session commits a row to
 * {@code scratch2}, and the job reads {@code scratch2}. Enforce mode refuses the ANALYZE, so the read still sees the
 * snapshot; audit mode lets it through and the verdict, in the trace and the session summary, is "not consistent".
 * The application user lacks BINLOG ADMIN (no ROLLBACK TO SAVEPOINT between tables); root has it, and a commit the
 * guard cannot see (a procedure's COMMIT) then surfaces as "SAVEPOINT backup_guard does not exist", which the job
 * gets as the rule that explains it.
 */
@WithMariaDb
class ImplicitCommitIT {

    private static MariaDbServer server;
    private static String db;

    @TempDir
    Path dir;

    @BeforeAll
    static void tables(MariaDbServer s) {
        server = s;
        db = server.createDatabase(MariaDbServer.databaseNameFor(ImplicitCommitIT.class));
        server.execute("CREATE TABLE " + db + ".secrets (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO " + db + ".secrets VALUES (1), (2), (3)",
                "CREATE TABLE " + db + ".scratch (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO " + db + ".scratch VALUES (1), (2)",
                "CREATE TABLE " + db + ".scratch2 (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE PROCEDURE " + db + ".archive() COMMIT",
                "GRANT EXECUTE ON `" + db + "`.* TO '" + server.appUser() + "'@'%'");
    }

    @BeforeEach
    void twoRowsInScratch2() {
        server.execute("DELETE FROM " + db + ".scratch2", "INSERT INTO " + db + ".scratch2 VALUES (1), (2)");
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void enforceRefusesTheAnalyzeAndTheLaterReadStillSeesTheSnapshot(JdbcDriver driver) throws Exception {
        Path trace = dir.resolve("trace.jsonl");
        try (Connection job = asApp(driver, "enforce", trace, null); Statement s = job.createStatement()) {
            assertThat(count(s, "secrets")).isEqualTo(3);

            assertThatThrownBy(() -> s.execute("ANALYZE TABLE scratch"))
                    .isInstanceOfSatisfying(BackupGuardException.class, e -> {
                        assertThat(e.rule()).isEqualTo(Rule.IMPLICIT_COMMIT);
                        assertThat(e.getSQLState()).isEqualTo("25001");
                        assertThat(e.getMessage()).contains("rule implicit-commit").contains("ANALYZE TABLE");
                    });
            server.execute("INSERT INTO " + db + ".scratch2 VALUES (3)");

            assertThat(count(s, "scratch2")).as("read in the snapshot").isEqualTo(2);
            assertThat(server.queriesOf(job)).noneMatch(q -> q.startsWith("ANALYZE"));
        }
        assertThat(summary(trace)).contains("\"consistent\":true").contains("\"refusals\":1");
    }

    @Test
    void outsideASnapshotTheAnalyzePasses() throws Exception {
        try (Connection job = asApp(JdbcDriver.MARIADB, "enforce", null, null); Statement s = job.createStatement()) {
            s.execute("ANALYZE TABLE scratch"); // an ordinary statement: no backup session yet
            assertThat(server.queriesOf(job)).contains("ANALYZE TABLE scratch");
        }
    }

    @Test
    void auditLetsItThroughAndTheVerdictIsNotConsistent() throws Exception {
        Path trace = dir.resolve("trace.jsonl");
        try (Connection job = asApp(JdbcDriver.MARIADB, "audit", trace, null); Statement s = job.createStatement()) {
            snapshotAndFirstRead(s);
            s.execute("ANALYZE TABLE scratch");
            server.execute("INSERT INTO " + db + ".scratch2 VALUES (3)");

            assertThat(count(s, "scratch2")).as("the server ended the snapshot").isEqualTo(3);
            s.execute("COMMIT");
        }
        String events = Files.readString(trace);
        assertThat(events).containsPattern("\"rule\":\"implicit-commit\"[^\\n]*\"outcome\":\"would_refuse\"");
        assertThat(summary(trace)).contains("\"consistent\":false")
                .containsPattern("\"reasons\":\\[[^]]*implicit-commit");
    }

    @Test
    void withoutTheAnalyzeTheSameAuditedSessionIsConsistent() throws Exception {
        Path trace = dir.resolve("trace.jsonl");
        try (Connection job = asApp(JdbcDriver.MARIADB, "audit", trace, null); Statement s = job.createStatement()) {
            snapshotAndFirstRead(s);
            server.execute("INSERT INTO " + db + ".scratch2 VALUES (3)");
            assertThat(count(s, "scratch2")).isEqualTo(2);
            s.execute("COMMIT");
        }
        assertThat(summary(trace)).contains("\"consistent\":true");
    }

    @Test
    void aGrantTheServerRefusedStillEndedTheSnapshotAndTheAuditSaysSo() throws Exception {
        Path trace = dir.resolve("trace.jsonl");
        try (Connection job = asApp(JdbcDriver.MARIADB, "audit", trace, null); Statement s = job.createStatement()) {
            snapshotAndFirstRead(s);
            assertThatThrownBy(() -> s.execute("GRANT SELECT ON scratch TO '" + server.appUser() + "'@'%'"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1142));
            server.execute("INSERT INTO " + db + ".scratch2 VALUES (3)");

            assertThat(count(s, "scratch2")).isEqualTo(3);
        }
        assertThat(summary(trace)).contains("\"consistent\":false").containsPattern("\"reasons\":\\[[^]]*GRANT");
    }

    @Test
    void withBinlogAdminTheAnalyzeIsRefusedInsteadOfAMisleadingSavepointError() throws Exception {
        try (Connection job = asRoot("enforce", null, null); Statement s = job.createStatement()) {
            assertThat(count(s, "secrets")).isEqualTo(3);
            assertThatThrownBy(() -> s.execute("ANALYZE TABLE scratch"))
                    .isInstanceOfSatisfying(BackupGuardException.class,
                            e -> assertThat(e.rule()).isEqualTo(Rule.IMPLICIT_COMMIT));
            server.execute("INSERT INTO " + db + ".scratch2 VALUES (3)");

            assertThat(count(s, "scratch2")).isEqualTo(2);
            assertThat(server.queriesOf(job)).contains("ROLLBACK TO SAVEPOINT backup_guard");
        }
    }

    // The next two tests turn off the check of the server's state after an opaque statement (rule opaque-statement,
    // proven in HiddenLockIT: by default the CALL is refused while sql_log_bin=0, or the snapshot it ended is found
    // right after it). What remains is the safety net for a server that cannot tell: the guard's savepoint.

    @Test
    void aCommitTheGuardCannotSeeSurfacesAsTheRuleNotAsAMissingSavepoint() throws Exception {
        Path trace = dir.resolve("trace.jsonl");
        try (Connection job = DriverManager.getConnection(url(JdbcDriver.MARIADB, "enforce", trace, null)
                + OPAQUE_UNCHECKED, server.rootUser(), server.rootPassword()); Statement s = job.createStatement()) {
            assertThat(count(s, "secrets")).isEqualTo(3);
            s.execute("CALL archive()"); // its COMMIT ends the snapshot
            server.execute("INSERT INTO " + db + ".scratch2 VALUES (3)");

            assertThatThrownBy(() -> count(s, "scratch2"))
                    .isInstanceOfSatisfying(BackupGuardException.class, e -> {
                        assertThat(e.rule()).isEqualTo(Rule.IMPLICIT_COMMIT);
                        assertThat(e.getSQLState()).isEqualTo("25001");
                        assertThat(e.getMessage()).contains("CALL archive()").contains("error 1305");
                        assertThat(((SQLException) e.getCause()).getMessage()).contains("does not exist");
                    });
            try (ResultSet rs = s.executeQuery("SELECT @@SESSION.sql_log_bin")) {
                rs.next();
                assertThat(rs.getInt(1)).as("binary logging is back on").isEqualTo(1);
            }
            assertThat(server.queriesOf(job)).doesNotContain("SELECT COUNT(*) FROM scratch2");
        }
        // Nothing was read after the snapshot ended.
        assertThat(summary(trace)).contains("\"consistent\":true");
    }

    @Test
    void readsAfterAnUnseenCommitMakeTraceSummaryAndCoordinatesFileSayNotConsistent() throws Exception {
        Path trace = dir.resolve("trace.jsonl");
        Path coordinates = dir.resolve("coordinates.json");
        try (Connection job = DriverManager.getConnection(url(JdbcDriver.MARIADB, "enforce", trace, coordinates)
                + OPAQUE_UNCHECKED, server.appUser(), server.appPassword()); Statement s = job.createStatement()) {
            assertThat(count(s, "secrets")).isEqualTo(3);
            s.execute("CALL archive()");
            server.execute("INSERT INTO " + db + ".scratch2 VALUES (3)");

            // Without BINLOG ADMIN the guard sends nothing between tables: the read goes out, at another moment.
            assertThat(count(s, "scratch2")).isEqualTo(3);
        }
        // Closing releases the savepoint, which the server no longer knows: the snapshot had ended unseen.
        assertThat(summary(trace)).contains("\"consistent\":false").containsPattern("\"reasons\":\\[[^]]*CALL archive");
        assertThat(Files.readString(coordinates)).contains("\"consistent\":false").contains("CALL archive()");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static final String OPAQUE_UNCHECKED = "&backupguard.rule.opaque-statement=off";

    private Connection asApp(JdbcDriver driver, String mode, Path trace, Path coordinates) throws SQLException {
        return DriverManager.getConnection(url(driver, mode, trace, coordinates), server.appUser(),
                server.appPassword());
    }

    private Connection asRoot(String mode, Path trace, Path coordinates) throws SQLException {
        return DriverManager.getConnection(url(JdbcDriver.MARIADB, mode, trace, coordinates), server.rootUser(),
                server.rootPassword());
    }

    private static String url(JdbcDriver driver, String mode, Path trace, Path coordinates) {
        return GuardedUrls.guarded(server, driver, db, mode, SnapshotWay.AUTO)
                + (trace == null ? "" : "&backupguard.trace.file=" + trace)
                + (coordinates == null ? "" : "&backupguard.coordinates.file=" + coordinates);
    }

    /** The job's own snapshot, as a hand-written backup job opens it, and its first read. */
    private static void snapshotAndFirstRead(Statement s) throws SQLException {
        s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
        assertThat(count(s, "secrets")).isEqualTo(3);
    }

    private static long count(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The trace's session_summary line (the trace file holds the one connection's events). */
    private static String summary(Path trace) throws IOException {
        List<String> summaries = Files.readAllLines(trace).stream()
                .filter(l -> l.contains("\"event\":\"session_summary\"")).toList();
        assertThat(summaries).hasSize(1);
        return summaries.get(0);
    }
}
