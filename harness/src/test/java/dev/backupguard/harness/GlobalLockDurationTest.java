package dev.backupguard.harness;

import dev.backupguard.protocol.Role;
import dev.backupguard.protocol.ServerFacts;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.backupguard.harness.BackupAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RecordingAssert#heldGlobalReadLockForAtMost(Duration)} on recordings whose statement times are given, not
 * measured: the lock is held from when FLUSH TABLES WITH READ LOCK returned to when UNLOCK TABLES returned (or the
 * recording ended), so each expectation below follows from the times alone and no test depends on the machine.
 */
class GlobalLockDurationTest {

    static final ServerFacts MARIADB = ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log");

    /** A recording of what a job sent, with each statement's start and end in microseconds. */
    static final class Timed {
        final Recording recording = new Recording("connection 1", Role.BACKUP_JOB, 0, true, "shop", () -> MARIADB,
                false, false);

        Timed sent(String sql, long startMicros, long endMicros) {
            recording.sent(sql, sql, null, startMicros, endMicros, 0);
            return this;
        }
    }

    /**
     * The mysqldump order: FTWRL returns at 1,200 us, UNLOCK TABLES returns at 5,200 us: the lock is held 4,000 us
     * (4 ms) over 3 statements. The reads that follow take 100 ms, outside the lock.
     */
    static Recording mysqldumpOrder() {
        return new Timed()
                .sent("FLUSH /*!40101 LOCAL */ TABLES", 0, 500)
                .sent("FLUSH TABLES WITH READ LOCK", 1_000, 1_200)
                .sent("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", 1_300, 1_400)
                .sent("START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */", 1_500, 2_000)
                .sent("SHOW MASTER STATUS", 2_100, 3_000)
                .sent("UNLOCK TABLES", 5_000, 5_200)
                .sent("SELECT * FROM accounts", 6_000, 56_000)
                .sent("SELECT * FROM ledger", 56_100, 106_000)
                .sent("COMMIT", 106_100, 106_200)
                .recording;
    }

    @Test
    void lockHeldWithinTheBoundPasses() {
        Recording r = mysqldumpOrder();

        assertThat(r).isConsistentBackup()
                .heldGlobalReadLockForAtMost(Duration.ofMillis(4)) // exactly 4,000 us: the bound is inclusive
                .heldGlobalReadLockForAtMost(Duration.ofMillis(50))
                .heldGlobalReadLockForAtMost(3);
    }

    @Test
    void lockHeldLongerThanTheBoundFailsAndMarksWhereItWasTakenAndReleased() {
        Recording r = mysqldumpOrder();

        assertThatThrownBy(() -> assertThat(r).heldGlobalReadLockForAtMost(Duration.ofMillis(3)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected the global read lock to be held for at most 3.0 ms, but it was held for "
                        + "4.0 ms:")
                .hasMessageContaining("connection 1: 9 statements reached the server")
                .hasMessageMatching("(?s).*\n  > +2 +job +FLUSH TABLES WITH READ LOCK\n +\\^ global read lock taken "
                        + "here\n.*")
                .hasMessageMatching("(?s).*\n  > +6 +job +UNLOCK TABLES\n +\\^ released here, after 4.0 ms\n.*")
                // only the two ends of the lock are marked
                .hasMessageMatching("(?s).*\n    +7 +job +SELECT \\* FROM accounts\n.*");
        // One microsecond under the hold is too short as well: the comparison is in microseconds, not rounded.
        assertThatThrownBy(() -> assertThat(r).heldGlobalReadLockForAtMost(Duration.ofNanos(3_999_000)))
                .hasMessageContaining("but it was held for 4.0 ms");
    }

    @Test
    void lockNeverReleasedIsHeldUntilTheLastStatementAndSaysSo() {
        // --lock-all-tables style: FTWRL returns at 200 us, the reads run under it, no UNLOCK TABLES before the
        // recording ends at 90,000 us (the last statement's end).
        Recording r = new Timed()
                .sent("FLUSH TABLES WITH READ LOCK", 0, 200)
                .sent("SHOW MASTER STATUS", 300, 400)
                .sent("SELECT * FROM accounts", 500, 40_000)
                .sent("SELECT * FROM ledger", 40_100, 90_000)
                .recording;

        assertThat(r).heldGlobalReadLockForAtMost(Duration.ofNanos(89_800_000));
        assertThatThrownBy(() -> assertThat(r).heldGlobalReadLockForAtMost(Duration.ofMillis(10)))
                .hasMessageContaining("at most 10.0 ms, but it was held for 89.8 ms and never released before the "
                        + "session ended:")
                // the FTWRL is marked with the rules it broke and, after them, where the lock was taken
                .hasMessageMatching("(?s).*\n  > +1 +job +FLUSH TABLES WITH READ LOCK\n +\\^ flush-before-lock "
                        + "\\(I4\\).*\n +\\^ global read lock taken here\n      2 +job +SHOW MASTER STATUS\n.*")
                .hasMessageNotContaining("released here");
    }

    @Test
    void noGlobalLockPassesAnyBound() {
        Recording r = new Timed()
                .sent("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", 0, 100)
                .sent("START TRANSACTION WITH CONSISTENT SNAPSHOT", 200, 300)
                .sent("SHOW STATUS LIKE 'binlog_snapshot_%'", 400, 500)
                .sent("SELECT * FROM accounts", 600, 900_000)
                .sent("COMMIT", 900_100, 900_200)
                .recording;

        assertThat(r).isConsistentBackup().tookNoGlobalReadLock().heldGlobalReadLockForAtMost(Duration.ZERO);
    }
}
