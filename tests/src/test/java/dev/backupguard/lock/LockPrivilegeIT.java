package dev.backupguard.lock;

import static dev.backupguard.lock.BoundedLockWaitIT.dump;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.backupguard.jdbc.BackupGuardException;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Rule;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fixture's application account has neither PROCESS (the processlist shows only its own threads) nor RELOAD
 * (FLUSH TABLES and FTWRL fail with 1227): the guard says which privilege is missing and what to do instead.
 */
@WithMariaDb
class LockPrivilegeIT {

    private static String db;
    private MariaDbServer server;

    @BeforeAll
    static void schema(MariaDbServer server) {
        db = server.createDatabase(MariaDbServer.databaseNameFor(LockPrivilegeIT.class));
    }

    @BeforeEach
    void server(MariaDbServer server) {
        this.server = server;
    }

    @Test
    void withoutProcessAndReloadEnforceModeWarnsThenNamesReloadAndTheLockFreeWay() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection backup = s.guarded(Map.of("snapshot.way", "global-lock"), server.appUser(),
                    server.appPassword());
            long backupId = MariaDbServer.threadId(backup);

            BackupGuardException e = catchThrowableOfType(BackupGuardException.class, () -> dump(backup));

            assertThat(e.rule()).isEqualTo(Rule.PRIVILEGE);
            assertThat(e.getSQLState()).isEqualTo("42000");
            assertThat(e.getMessage()).contains("privilege", "RELOAD", "backupguard.snapshot.way=snapshot-status");
            assertThat(s.events(GuardEvent.RuleApplied.class, backupId)).extracting(GuardEvent.RuleApplied::finding)
                    .anySatisfy(f -> {
                        assertThat(f.rule()).isEqualTo(Rule.PRIVILEGE);
                        assertThat(f.outcome()).isEqualTo(Finding.Outcome.REPORTED);
                        assertThat(f.detail()).contains("lacks the PROCESS privilege", "bounded wait");
                    });
            assertThat(s.events(GuardEvent.PreflightChecked.class, backupId))
                    .allSatisfy(p -> assertThat(p.outcome()).isEqualTo("skipped: no PROCESS privilege"));
        }
    }

    @Test
    void withoutProcessBlockModeRefusesBeforeAnyLockIsSent() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection backup = s.guarded(Map.of("mode", "block"), server.appUser(), server.appPassword());

            BackupGuardException e = catchThrowableOfType(BackupGuardException.class,
                    () -> LockScenario.exec(backup, "FLUSH TABLES WITH READ LOCK"));

            assertThat(e.rule()).isEqualTo(Rule.PRIVILEGE);
            assertThat(e.getSQLState()).isEqualTo("42000");
            assertThat(e.getMessage()).contains("PROCESS privilege", "cannot see other sessions");
            assertThat(server.queriesOf(backup)).noneMatch(q -> q.toUpperCase().contains("FLUSH"));
        }
    }

    @Test
    void theLockFreeWayTheMessageNamesWorksForTheSameAccount() throws Exception {
        try (LockScenario s = new LockScenario(server, db)) {
            Connection backup = s.guarded(Map.of("snapshot.way", "snapshot-status"), server.appUser(),
                    server.appPassword());

            assertThat(dump(backup)).isEqualTo(3);
            assertThat(server.queriesOf(backup)).noneMatch(q -> q.toUpperCase().contains("FLUSH"))
                    .anyMatch(q -> q.contains("binlog_snapshot_"));
        }
    }
}
