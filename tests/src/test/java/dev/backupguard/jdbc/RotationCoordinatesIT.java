package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backupguard.facts.HalfCommit;
import dev.backupguard.facts.ServerWait;
import dev.backupguard.legacy.Bank;
import dev.backupguard.legacy.Dump;
import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.legacy.TransferWriter;
import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.SnapshotWay;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The guarded job's coordinates when the binary log is rotated while a transfer's commit is between the binary log
 * and InnoDB (docs/server-facts.md, fact 14). The commit is held there by semi-synchronous replication with no replica
 * (AFTER_SYNC: processlist state "Waiting for semi-sync ACK from slave") until the test switches semi-sync off, so
 * the moment that made {@code LegacyJobsIT} fail once under load happens on every run. Every step waits for the
 * server's state.
 */
@WithMariaDb
class RotationCoordinatesIT {

    private static final int ACCOUNTS = 20;

    private static MariaDbServer server;
    private static String db;
    private static Bank bank;
    private HalfCommit half;
    private Connection writerConnection;
    private TransferWriter writer;

    @BeforeAll
    static void bank(MariaDbServer s) throws SQLException {
        server = s;
        db = server.createDatabase(MariaDbServer.databaseNameFor(RotationCoordinatesIT.class));
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            bank = Bank.create(c, ACCOUNTS, 1_000, false);
        }
    }

    @BeforeEach
    void writer() throws SQLException {
        half = new HalfCommit(server);
        writerConnection = server.connect(JdbcDriver.MARIADB, db);
        writer = new TransferWriter(writerConnection, ACCOUNTS);
        writer.transferOnce();
    }

    @AfterEach
    void close() throws SQLException {
        half.close();
        writer.close();
    }

    /**
     * The job's FLUSH LOGS while a transfer is half committed: the guard rotates under the global read lock, which
     * waits for that commit, so the dump holds the transfer and the coordinates are exactly its GTID. (Rotating
     * without the lock, the snapshot's own coordinates were the new file's start, ahead of the data, or the new file
     * with the old file's offset.)
     */
    @ParameterizedTest
    @EnumSource(value = SnapshotWay.class, names = {"SNAPSHOT_STATUS", "AUTO"})
    void theJobsFlushLogsWhileACommitIsUnderWayGivesTheSnapshotsOwnCoordinates(SnapshotWay way) throws Exception {
        Future<Long> transfer = half.hold(writerConnection, writer::transferOnce);
        String oldFile = lastCommitFile();

        Future<Guarded> job = half.meanwhile(() -> guardedRun(LegacyJob.FLUSH_LOGS_AFTER_SNAPSHOT, way));
        // The guard is held by the commit: its FTWRL waits for it, or its FLUSH LOGS (without the lock) has rotated.
        ServerWait.until("the guard's FTWRL to wait, or its FLUSH LOGS to rotate",
                () -> sessionsIn("Waiting for backup lock") > 0 || !oldFile.equals(lastCommitFile()));
        half.release();
        long stalled = transfer.get();
        Guarded run = job.get();

        assertThat(Bank.sum(run.dump)).isEqualTo(bank.total());
        assertThat(run.dump.lastTransfer()).as("the transfer that was under way").isEqualTo(stalled);
        String expected = writer.gtidAfter(stalled);
        assertThat(run.coordinates.gtid()).as("the GTID the guard read with %s", run.coordinates).isEqualTo(expected);
        assertThat(gtidAt(run.coordinates.file(), run.coordinates.position())).isEqualTo(expected);
        assertThat(run.dump.binlogFile() + ":" + run.dump.binlogPos())
                .isEqualTo(run.coordinates.file() + ":" + run.coordinates.position());
    }

    /**
     * Another session's FLUSH LOGS raced a transfer's commit and nothing committed since: MariaDB reports the new
     * file with the old file's offset. The guard refuses the backup session instead of calling those coordinates the
     * snapshot's; after the next commit the same job is guarded as usual.
     */
    @ParameterizedTest
    @EnumSource(value = SnapshotWay.class, names = {"SNAPSHOT_STATUS", "AUTO"})
    void aSnapshotPositionThatIsNoPositionOfItsFileIsRefused(SnapshotWay way) throws Exception {
        Future<Long> transfer = half.hold(writerConnection, writer::transferOnce);
        String oldFile = lastCommitFile();
        try (Connection other = server.connect(JdbcDriver.MARIADB, db)) {
            Future<?> flush = half.meanwhile(() -> {
                try (Statement s = other.createStatement()) {
                    s.execute("FLUSH BINARY LOGS");
                }
                return null;
            });
            ServerWait.until("the rotation to open a new file", () -> !oldFile.equals(lastCommitFile()));
            half.release();
            transfer.get();
            flush.get();
        }
        String[] pair = lastCommit();
        assertThat(gtidAt(pair[0], Long.parseLong(pair[1]))).as("fact 14: %s:%s is no position", pair[0], pair[1])
                .isNull();

        assertThatThrownBy(() -> guardedRun(LegacyJob.AUTOCOMMIT_LOOP, way))
                .isInstanceOfSatisfying(BackupGuardException.class, e -> {
                    assertThat(e.rule()).isEqualTo(Rule.COORDINATES_OUTSIDE_LOCK);
                    assertThat(e.getSQLState()).isEqualTo(Rule.COORDINATES_OUTSIDE_LOCK.sqlState());
                    assertThat(e.getMessage()).contains(pair[0] + ":" + pair[1]).contains("snapshot.way=global-lock");
                });

        long next = writer.transferOnce();
        Guarded run = guardedRun(LegacyJob.AUTOCOMMIT_LOOP, way);
        assertThat(run.dump.lastTransfer()).isEqualTo(next);
        assertThat(run.coordinates.gtid()).isEqualTo(writer.gtidAfter(next));
    }

    // ------------------------------------------------------------------------------------------------ fixture

    /** What one guarded run gave: the dump and the coordinates the guard captured. */
    record Guarded(Dump dump, BinlogCoordinates coordinates) {
    }

    private static Guarded guardedRun(LegacyJob job, SnapshotWay way) throws SQLException {
        String url = GuardedUrls.guarded(server, JdbcDriver.MARIADB, db, "enforce", way);
        try (Connection c = DriverManager.getConnection(url, server.rootUser(), server.rootPassword())) {
            Dump d = job.run(c, LegacyJob.Hooks.NONE, 0);
            return new Guarded(d, c.unwrap(GuardedConnection.class).protocol().coordinates());
        }
    }

    private static int sessionsIn(String state) {
        return Integer.parseInt(server.queryString(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE STATE = '" + state + "'"));
    }

    /** The server's last commit position: the snapshot status outside a transaction (fact 2). */
    private static String[] lastCommit() {
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            return HalfCommit.snapshotStatus(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lastCommitFile() {
        return lastCommit()[0];
    }

    private static String gtidAt(String file, long position) {
        return server.queryString("SELECT BINLOG_GTID_POS('" + file + "', " + position + ")");
    }
}
