package dev.backupguard.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AuditTest {

    static final ServerFacts MARIADB = ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log");

    @Test
    void mariadbDumpSingleTransactionIsAConsistentBackup() {
        // What mariadb-dump 11.4.5 --single-transaction --master-data=2 sent (docs/server-facts.md, fact 8).
        Audit.Result r = Audit.judge(List.of(
                "SHOW STATUS LIKE 'binlog_snapshot_%'",
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
                "SHOW STATUS LIKE 'binlog_snapshot_%'",
                "SELECT BINLOG_GTID_POS('binlog.000001', '3140')",
                "UNLOCK TABLES",
                "SHOW CREATE DATABASE IF NOT EXISTS `f`",
                "SAVEPOINT sp",
                "show create table `d1`",
                "SELECT /*!40001 SQL_NO_CACHE */ `id` FROM `d1`",
                "ROLLBACK TO SAVEPOINT sp",
                "show create table `d2`",
                "SELECT /*!40001 SQL_NO_CACHE */ `id` FROM `d2`",
                "ROLLBACK TO SAVEPOINT sp",
                "RELEASE SAVEPOINT sp"), MARIADB, Role.GUARDRAIL);

        assertThat(r.backupSession()).isTrue();
        assertThat(r.consistent()).isTrue();
        // With the binary log on, MariaDB's ROLLBACK TO SAVEPOINT keeps the metadata locks (fact 3d): reported.
        assertThat(r.violations()).extracting(Finding::rule).containsExactly(Rule.MDL_PER_TABLE);
    }

    @Test
    void theSameDumpWithTheBinlogOffReleasesMetadataLocksTableByTable() {
        Audit.Result r = Audit.judge(List.of(
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
                "SAVEPOINT sp",
                "SELECT * FROM `d1`",
                "ROLLBACK TO SAVEPOINT sp",
                "SELECT * FROM `d2`",
                "ROLLBACK TO SAVEPOINT sp"), MARIADB.withBinlog(false), Role.GUARDRAIL);

        assertThat(r.violations()).isEmpty();
    }

    @Test
    void anAutocommitLoopIsNotConsistentAndNamesTheRuleAndPosition() {
        Audit.Result r = Audit.judge(List.of("SHOW MASTER STATUS", "SELECT * FROM a", "SELECT * FROM b"),
                MARIADB, Role.GUARDRAIL);

        assertThat(r.consistent()).isFalse();
        assertThat(r.violations()).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo(Rule.COORDINATES_OUTSIDE_LOCK);
            assertThat(f.position()).isEqualTo(2);
        });
        assertThat(r.violations()).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo(Rule.SNAPSHOT_START);
            assertThat(f.position()).isEqualTo(3);
        });
        assertThat(r.wouldDo()).isNotEmpty();
    }

    @Test
    void sqlQuotedInADetailIsRedactedWhateverTheSettings() {
        Audit.Result r = Audit.judge(List.of("START TRANSACTION WITH CONSISTENT SNAPSHOT", "SELECT * FROM a",
                "CREATE TABLE s (c INT DEFAULT 4242) COMMENT 'top secret'", "SELECT * FROM b"), MARIADB, Role.GUARDRAIL);

        Finding f = r.violations().stream().filter(v -> v.rule() == Rule.IMPLICIT_COMMIT).findFirst().orElseThrow();
        assertThat(f.detail()).contains("CREATE TABLE s").doesNotContain("4242").doesNotContain("top secret");
        assertThat(f.statement()).contains("SELECT * FROM b");
    }

    @Test
    void ordinaryTrafficIsNoBackupSessionForTheGuardrailRole() {
        Audit.Result r = Audit.judge(List.of("SELECT * FROM a", "UPDATE a SET v = 1 WHERE id = 1", "COMMIT"),
                MARIADB, Role.GUARDRAIL);

        assertThat(r.backupSession()).isFalse();
        assertThat(r.violations()).isEmpty();
    }
}
