package dev.backupguard.agent;

import dev.backupguard.agent.bridge.ConnectionDispatch;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The stack rules, on stacks as they look in the drivers, pools and library (innermost frame first). */
class CallersTest {

    private static final String DISPATCH = ConnectionDispatch.class.getName();

    private static Callers.Decision decide(String... frames) {
        return Callers.decide(List.of(frames).iterator());
    }

    @Test
    void driverManagerCallingTheDriverIsGuarded() {
        assertThat(decide("dev.backupguard.agent.ConnectionHook", DISPATCH, "org.mariadb.jdbc.NonRegisteringDriver",
                "java.sql.DriverManager", "java.sql.DriverManager", "com.example.BackupJob"))
                .isEqualTo(Callers.Decision.GUARD);
    }

    @Test
    void theDriverCallingItselfIsNested() {
        // MysqlConnectionPoolDataSource.getPooledConnection -> MysqlDataSource.getConnection (casts the result)
        assertThat(decide(DISPATCH, "com.mysql.cj.jdbc.MysqlDataSource", "com.mysql.cj.jdbc.MysqlConnectionPoolDataSource",
                "com.example.AppServer")).isEqualTo(Callers.Decision.NESTED);
        // MysqlDataSource.getConnection(Properties) -> NonRegisteringDriver.connect
        assertThat(decide(DISPATCH, "com.mysql.cj.jdbc.NonRegisteringDriver", "com.mysql.cj.jdbc.MysqlDataSource",
                "com.mysql.cj.jdbc.MysqlDataSource", "com.example.Job")).isEqualTo(Callers.Decision.NESTED);
    }

    @Test
    void hikariOpeningAPhysicalConnectionIsLeftToTheLogicalGuard() {
        assertThat(decide(DISPATCH, "com.mysql.cj.jdbc.NonRegisteringDriver", "com.zaxxer.hikari.util.DriverDataSource",
                "com.zaxxer.hikari.pool.PoolBase", "com.zaxxer.hikari.pool.HikariPool", "java.lang.Thread"))
                .isEqualTo(Callers.Decision.POOLED);
    }

    @Test
    void hikariHandingOutALogicalConnectionIsGuardedEvenWhenHikariCallsIt() {
        assertThat(decide(DISPATCH, "com.zaxxer.hikari.HikariDataSource",
                "com.zaxxer.hikari.hibernate.HikariConnectionProvider", "org.hibernate.Session"))
                .isEqualTo(Callers.Decision.GUARD);
    }

    @Test
    void theApplicationsOwnLibraryConnectingIsLeftToIt() {
        assertThat(decide(DISPATCH, "org.mariadb.jdbc.NonRegisteringDriver", "dev.backupguard.jdbc.BackupGuardDriver",
                "java.sql.DriverManager", "com.example.Job")).isEqualTo(Callers.Decision.LIBRARY);
        assertThat(decide(DISPATCH, "org.mariadb.jdbc.NonRegisteringDriver", "com.example.Lambda",
                "dev.backupguard.lock.GlobalReadLockGuard", "dev.backupguard.jdbc.GuardedConnection"))
                .isEqualTo(Callers.Decision.LIBRARY);
    }

    @Test
    void theAgentsOwnSideConnectionIsNotGuarded() {
        assertThat(decide(DISPATCH, "org.mariadb.jdbc.NonRegisteringDriver", "dev.backupguard.agent.ConnectionRequest",
                "dev.backupguard.agent.shaded.lock.GlobalReadLockGuard", "com.example.Job"))
                .isEqualTo(Callers.Decision.OWN);
    }

    @Test
    void programsInOtherDevBackupguardPackagesAreOrdinaryCallers() {
        assertThat(decide(DISPATCH, "org.mariadb.jdbc.NonRegisteringDriver", "java.sql.DriverManager",
                "dev.backupguard.legacy.LegacyJobMain")).isEqualTo(Callers.Decision.GUARD);
    }

    @Test
    void anOtherDriverCalledFromItsOwnPackageIsStillGuarded() {
        // Any-driver mode: a driver's package says nothing about who calls it.
        assertThat(decide(DISPATCH, "org.example.fakejdbc.SmokeMain$FakeDriver", "org.example.fakejdbc.SmokeMain"))
                .isEqualTo(Callers.Decision.GUARD);
    }

    @Test
    void onlyMysqlAndMariadbHaveAFamily() {
        assertThat(Callers.family("com.mysql.cj.jdbc.Driver")).isEqualTo("com.mysql.");
        assertThat(Callers.family("org.mariadb.jdbc.Driver")).isEqualTo("org.mariadb.");
        assertThat(Callers.family("com.zaxxer.hikari.HikariDataSource")).isNull();
        assertThat(Callers.family("org.postgresql.Driver")).isNull();
    }
}
