package dev.backupguard.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The server differences the protocol takes as facts, and the MySQL paths that cannot run on the test server. */
class ServerFlavorsTest {

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            MYSQL   | 8.0.36            | SHOW MASTER STATUS
            MYSQL   | 8.1.0             | SHOW MASTER STATUS
            MYSQL   | 8.2.0             | SHOW BINARY LOG STATUS
            MYSQL   | 8.4.3             | SHOW BINARY LOG STATUS
            MYSQL   | 9.1.0             | SHOW BINARY LOG STATUS
            PERCONA | 8.0.40-31         | SHOW MASTER STATUS
            PERCONA | 8.4.2-2           | SHOW BINARY LOG STATUS
            MARIADB | 10.6.20-MariaDB   | SHOW MASTER STATUS
            MARIADB | 11.4.5-MariaDB-log| SHOW MASTER STATUS
            """)
    void binlogStatusStatementFollowsTheServerVersion(ServerFacts.Flavor flavor, String version, String expected) {
        assertThat(ServerFacts.of(flavor, version).binlogStatusStatement()).isEqualTo(expected);
    }

    @Test
    void onlyMysqlsGlobalReadLockWaitsForRunningSelects() {
        assertThat(ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.0.36").ftwrlWaitsForSelects()).isTrue();
        assertThat(ServerFacts.of(ServerFacts.Flavor.PERCONA, "8.0.40").ftwrlWaitsForSelects()).isTrue();
        assertThat(ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5").ftwrlWaitsForSelects()).isFalse();
    }

    @Test
    void backupLocksExistFromMysql80AndMariadb1041() {
        assertThat(ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.0.36").hasBackupLock()).isTrue();
        assertThat(ServerFacts.of(ServerFacts.Flavor.MYSQL, "5.7.44").hasBackupLock()).isFalse();
        assertThat(ServerFacts.of(ServerFacts.Flavor.MARIADB, "10.4.1").hasBackupLock()).isTrue();
        assertThat(ServerFacts.of(ServerFacts.Flavor.MARIADB, "10.3.39").hasBackupLock()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            8.4.3                    | 8 | 4 | 3
            11.4.5-MariaDB-log       | 11| 4 | 5
            5.5.5-10.6.20-MariaDB    | 10| 6 | 20
            8.0.40-31                | 8 | 0 | 40
            garbage                  | 0 | 0 | 0
            """)
    void serverVersionsParseTheLeadingNumbers(String text, int major, int minor, int patch) {
        ServerVersion v = ServerVersion.parse(text);
        assertThat(v.major()).isEqualTo(major);
        assertThat(v.minor()).isEqualTo(minor);
        assertThat(v.patch()).isEqualTo(patch);
    }

    @Test
    void perconaReadsSnapshotCoordinatesWithoutALockOrBinlogGtidPos() {
        Simulation s = Simulation.of(Mode.ENFORCE, Role.BACKUP_JOB, ServerFacts.of(ServerFacts.Flavor.PERCONA, "8.0.40"))
                .jobs("SELECT * FROM accounts");

        assertThat(s.sent).containsExactly(
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
                "SHOW STATUS LIKE 'binlog_snapshot_%'",
                "SAVEPOINT " + ProtocolSettings.DEFAULT_SAVEPOINT,
                "SELECT * FROM accounts");
    }

    @Test
    void mysqlDdlLockIsLockInstanceForBackupAndCoexistsWithTheGlobalLockWindow() {
        Simulation s = new Simulation(ProtocolSettings.defaults().withDdlLock(true),
                ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.0.36")).jobs("SELECT * FROM accounts");
        s.close();

        assertThat(s.sent).containsSubsequence("FLUSH TABLES WITH READ LOCK", "LOCK INSTANCE FOR BACKUP",
                "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */", "UNLOCK TABLES", "SELECT * FROM accounts",
                "ROLLBACK", "UNLOCK INSTANCE");
        assertThat(s.sent).doesNotContain("SET SESSION sql_log_bin = 0");
    }

    @Test
    void mariadbDdlLockIsNotTakenWhereItWouldConflictWithTheGlobalLock() {
        Simulation s = new Simulation(ProtocolSettings.defaults().withDdlLock(true).withWay(SnapshotWay.GLOBAL_LOCK),
                ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB")).jobs("SELECT * FROM accounts");

        assertThat(s.sent).doesNotContain("BACKUP STAGE START");
        assertThat(s.findings).anySatisfy(f -> {
            assertThat(f.outcome()).isEqualTo(Finding.Outcome.REPORTED);
            assertThat(f.detail()).contains("1223");
        });
    }

    @Test
    void mysqlCoordinatesReadUnderTheLockCarryTheGtidSetWithNoSecondQuery() {
        Simulation s = Simulation.of(Mode.ENFORCE, Role.BACKUP_JOB,
                ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.0.36").withGtid(true)).jobs("SELECT @@GLOBAL.gtid_executed");

        assertThat(s.sent).contains("SHOW MASTER STATUS").doesNotContain("SELECT @@GLOBAL.gtid_binlog_pos");
        assertThat(((Result.Rows) s.lastAnswer).rows().get(0)).containsExactly(Simulation.GTID);
        assertThat(((Result.Rows) s.lastAnswer).columns().get(0).label()).isEqualTo("@@GLOBAL.gtid_executed");
    }

    @Test
    void withoutBinlogSnapshotStatusAMysqlServerForcedToTheSnapshotWayStillTakesTheLock() {
        Simulation s = new Simulation(ProtocolSettings.defaults().withWay(SnapshotWay.SNAPSHOT_STATUS),
                ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.4.3")).jobs("SELECT * FROM accounts");

        assertThat(s.sent).contains("FLUSH TABLES WITH READ LOCK", "SHOW BINARY LOG STATUS");
    }
}
