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

    /**
     * An account allowed one connection (MAX_USER_CONNECTIONS 1): the lock guard's side connection cannot open
     * (error 1226), so block mode cannot check for long statements and refuses. The message says what would help;
     * kill mode would not (it needs the side connection to kill with).
     */
    @Test
    void withoutASideConnectionBlockModeRefusesAndSaysWhatWouldHelp() throws Exception {
        String user = "bg_one_connection";
        String password = "pw-" + Long.toHexString(System.nanoTime());
        server.execute("DROP USER IF EXISTS '" + user + "'@'%'",
                "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "' WITH MAX_USER_CONNECTIONS 1",
                "GRANT RELOAD, PROCESS ON *.* TO '" + user + "'@'%'",
                "GRANT SELECT ON " + db + ".* TO '" + user + "'@'%'");
        try (LockScenario s = new LockScenario(server, db)) {
            Connection backup = s.guarded(Map.of("mode", "block"), user, password);

            BackupGuardException e = catchThrowableOfType(BackupGuardException.class,
                    () -> LockScenario.exec(backup, "FLUSH TABLES WITH READ LOCK"));

            assertThat(e.rule()).isEqualTo(Rule.LONG_QUERY);
            assertThat(e.getMessage()).contains("could not open its side connection", "error 1226",
                    "max_user_connections", "backupguard.rule.long-query=enforce")
                    .doesNotContain("kill mode", "kill-long-queries");
            assertThat(server.queriesOf(backup)).noneMatch(q -> q.toUpperCase().contains("FLUSH"));
        } finally {
            server.execute("DROP USER IF EXISTS '" + user + "'@'%'");
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
