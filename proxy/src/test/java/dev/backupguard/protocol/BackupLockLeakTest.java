package dev.backupguard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Leak safety for the DDL-only backup lock a job takes itself: a connection closed (or returned to a pool) while it
 * holds LOCK INSTANCE FOR BACKUP (MySQL 8.0) or a BACKUP STAGE (MariaDB) releases it first, in every mode.
 */
class BackupLockLeakTest {

    private static final ServerFacts MYSQL80 = ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.0.36");
    private static final ServerFacts MARIADB = ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5");

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"ENFORCE", "BLOCK", "AUDIT"})
    void lockInstanceForBackupIsReleasedAtClose(Mode mode) {
        Simulation s = Simulation.of(mode, Role.BACKUP_JOB, MYSQL80).jobs("LOCK INSTANCE FOR BACKUP");
        s.close();

        assertThat(s.sent).endsWith("UNLOCK INSTANCE");
        assertThat(s.protocol.holdsBackupLock()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"ENFORCE", "BLOCK", "AUDIT"})
    void aBackupStageIsEndedAtClose(Mode mode) {
        Simulation s = Simulation.of(mode, Role.BACKUP_JOB, MARIADB).jobs("BACKUP STAGE START",
                "BACKUP STAGE BLOCK_DDL");
        assertThat(s.protocol.holdsBackupLock()).isTrue();
        s.close();

        assertThat(s.sent).endsWith("BACKUP STAGE END");
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"ENFORCE", "BLOCK", "AUDIT"})
    void aLockTheJobReleasedIsNotReleasedAgain(Mode mode) {
        Simulation s = Simulation.of(mode, Role.BACKUP_JOB, MYSQL80).jobs("LOCK INSTANCE FOR BACKUP",
                "UNLOCK INSTANCE");
        s.close();

        assertThat(s.sent).containsOnlyOnce("UNLOCK INSTANCE");
    }
}
