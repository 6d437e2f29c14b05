package dev.backupguard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Leak safety for the DDL-only backup lock a job takes itself: a connection closed (or returned to a pool) while it
 * holds LOCK INSTANCE FOR BACKUP (MySQL 8.0), a BACKUP STAGE or a BACKUP LOCK of a table (MariaDB) releases it first,
 * in every mode.
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

    /** MariaDB's BACKUP LOCK holds the table's lock until BACKUP UNLOCK or the end of the connection. */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"ENFORCE", "BLOCK", "AUDIT"})
    void aBackupLockOfATableIsReleasedAtClose(Mode mode) {
        for (Role role : Role.values()) {
            Simulation s = Simulation.of(mode, role, MARIADB).jobs("BACKUP LOCK shop.accounts");
            s.close();

            assertThat(s.sent).as(role.name()).endsWith("BACKUP UNLOCK");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"ENFORCE", "BLOCK", "AUDIT"})
    void aBackupLockTheJobReleasedIsNotReleasedAgain(Mode mode) {
        Simulation s = Simulation.of(mode, Role.GUARDRAIL, MARIADB).jobs("BACKUP LOCK shop.accounts", "BACKUP UNLOCK");
        s.close();

        assertThat(s.sent).containsExactly("BACKUP LOCK shop.accounts", "BACKUP UNLOCK");
    }

    @Test
    void aBackupLockIsReleasedWhenAFailedStepIsRecoveredFrom() {
        Simulation s = Simulation.of(Mode.ENFORCE, Role.GUARDRAIL, MARIADB).jobs("BACKUP LOCK shop.accounts");

        assertThat(s.protocol.planRecovery().steps()).extracting(step -> ((Step.Inject) step).statement().sql())
                .containsExactly("BACKUP UNLOCK");
    }
}
