package dev.backupguard.protocol;

import dev.backupguard.classify.TableName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The legacy job shapes of the JDBC-layer issue, run through the protocol: the exact sequence the server would
 * receive in each mode, and what the job is answered.
 */
class EnforceShapesTest {

    static final ServerFacts MARIADB = ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log");
    static final ServerFacts MYSQL84 = ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.4.3");
    static final ServerFacts MYSQL80 = ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.0.36");

    static final String SP = ProtocolSettings.DEFAULT_SAVEPOINT;
    static final List<String> MARIADB_START = List.of(
            "SET SESSION sql_log_bin = 0",
            "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
            "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
            "SHOW STATUS LIKE 'binlog_snapshot_%'",
            "SELECT BINLOG_GTID_POS('binlog.000002', 1234)",
            "SAVEPOINT " + SP);
    static final List<String> MYSQL84_START = List.of(
            "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
            "FLUSH /*!40101 LOCAL */ TABLES",
            "FLUSH TABLES WITH READ LOCK",
            "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
            "SHOW BINARY LOG STATUS",
            "UNLOCK TABLES",
            "SAVEPOINT " + SP);
    static final List<String> END = List.of("RELEASE SAVEPOINT " + SP, "ROLLBACK");
    static final List<String> MARIADB_END = List.of("RELEASE SAVEPOINT " + SP, "ROLLBACK", "SET SESSION sql_log_bin = 1");

    static Simulation enforce(ServerFacts facts) {
        return Simulation.of(Mode.ENFORCE, Role.BACKUP_JOB, facts);
    }

    static List<String> concat(List<?>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).map(Object::toString).toList();
    }

    static void assertConsistent(Simulation s) {
        assertThat(s.violations).as("what reached the server breaks no rule").isEmpty();
        assertThat(s.refusals).isEmpty();
        assertThat(s.protocol.holdsGlobalLock()).as("no global lock left").isFalse();
    }

    @Nested
    class AutocommitLoop {
        @Test
        void mariadbStartsTheSnapshotWithoutAnyLockBeforeTheFirstRead() {
            Simulation s = enforce(MARIADB).jobs("SELECT * FROM accounts", "SELECT * FROM ledger");
            s.close();

            assertThat(s.sent).containsExactlyElementsOf(concat(MARIADB_START,
                    List.of("SELECT * FROM accounts", "ROLLBACK TO SAVEPOINT " + SP, "SELECT * FROM ledger"), MARIADB_END));
            assertConsistent(s);
            assertThat(s.protocol.coordinates().source()).isEqualTo(BinlogCoordinates.Source.SNAPSHOT_STATUS);
        }

        @Test
        void mysql84TakesTheShortGlobalLockWindowAndReadsShowBinaryLogStatus() {
            Simulation s = enforce(MYSQL84).jobs("SELECT * FROM accounts", "SELECT * FROM ledger");
            s.close();

            assertThat(s.sent).containsExactlyElementsOf(concat(MYSQL84_START,
                    List.of("SELECT * FROM accounts", "ROLLBACK TO SAVEPOINT " + SP, "SELECT * FROM ledger"), END));
            assertConsistent(s);
            assertThat(s.protocol.coordinates().source()).isEqualTo(BinlogCoordinates.Source.LOCKED_BINLOG_STATUS);
        }

        @Test
        void mysql80ReadsShowMasterStatus() {
            Simulation s = enforce(MYSQL80).jobs("SELECT * FROM accounts");

            assertThat(s.sent).contains("SHOW MASTER STATUS").doesNotContain("SHOW BINARY LOG STATUS");
        }

        @Test
        void mariadbForcedToTheGlobalLockWayReadsShowMasterStatusUnderTheLockAndDerivesTheGtidAfterIt() {
            Simulation s = new Simulation(ProtocolSettings.defaults().withWay(SnapshotWay.GLOBAL_LOCK), MARIADB)
                    .jobs("SELECT * FROM accounts");

            assertThat(s.sent).containsExactly(
                    "SET SESSION sql_log_bin = 0",
                    "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                    "FLUSH /*!40101 LOCAL */ TABLES",
                    "FLUSH TABLES WITH READ LOCK",
                    "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
                    "SHOW MASTER STATUS",
                    "UNLOCK TABLES",
                    "SELECT BINLOG_GTID_POS('binlog.000002', 1234)",
                    "SAVEPOINT " + SP,
                    "SELECT * FROM accounts");
            assertConsistent(s);
        }

        @Test
        void binaryLogOffNeedsNoCoordinatesAndNoLock() {
            Simulation s = enforce(MYSQL84.withBinlog(false)).jobs("SELECT * FROM accounts");

            assertThat(s.sent).containsExactly(
                    "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                    "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
                    "SAVEPOINT " + SP,
                    "SELECT * FROM accounts");
            assertConsistent(s);
        }

        @Test
        void blockModeRefusesTheFirstReadAndNamesTheRule() {
            Simulation s = Simulation.of(Mode.BLOCK, Role.BACKUP_JOB, MARIADB).jobs("SELECT * FROM accounts");

            assertThat(s.sent).isEmpty();
            assertThat(s.refusals).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo(Rule.SNAPSHOT_START);
                assertThat(f.refusalMessage()).contains("snapshot-start").contains("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            });
        }

        @Test
        void auditModePassesEverythingAndReportsWhatEnforceWouldDo() {
            Simulation s = Simulation.of(Mode.AUDIT, Role.BACKUP_JOB, MARIADB)
                    .jobs("SELECT * FROM accounts", "SELECT * FROM ledger");

            assertThat(s.sent).containsExactly("SELECT * FROM accounts", "SELECT * FROM ledger");
            assertThat(s.findings).extracting(Finding::rule).contains(Rule.SNAPSHOT_START);
            assertThat(s.violatedRules()).contains(Rule.SNAPSHOT_START);
        }
    }

    @Test
    void showCreateTablePlusSelectPerTableGetsTheMysqldumpOrder() {
        Simulation s = enforce(MARIADB).jobs(
                "SHOW CREATE TABLE accounts", "SELECT * FROM accounts",
                "SHOW CREATE TABLE ledger", "SELECT * FROM ledger");
        s.close();

        assertThat(s.sent).containsExactlyElementsOf(concat(MARIADB_START, List.of(
                "SHOW CREATE TABLE accounts", "SELECT * FROM accounts",
                "ROLLBACK TO SAVEPOINT " + SP,
                "SHOW CREATE TABLE ledger", "SELECT * FROM ledger"), MARIADB_END));
        assertConsistent(s);
    }

    @Nested
    class WrongOrderGlobalLock {
        final String[] job = {"FLUSH TABLES WITH READ LOCK", "SHOW MASTER STATUS", "UNLOCK TABLES",
                "START TRANSACTION", "SELECT * FROM accounts", "SELECT * FROM ledger", "COMMIT"};

        @Test
        void mariadbTakesNoLockAndAnswersTheJobFromTheSnapshot() {
            Simulation s = enforce(MARIADB).jobs(job);
            s.close();

            assertThat(s.sent).containsExactlyElementsOf(concat(MARIADB_START, List.of(
                    "SELECT * FROM accounts", "ROLLBACK TO SAVEPOINT " + SP, "SELECT * FROM ledger"), MARIADB_END));
            assertThat(s.absorbed).containsExactly("FLUSH TABLES WITH READ LOCK", "SHOW MASTER STATUS",
                    "UNLOCK TABLES", "START TRANSACTION", "COMMIT");
            assertConsistent(s);
        }

        @Test
        void theAbsorbedShowMasterStatusLooksLikeTheServersAnswer() {
            Simulation s = enforce(MARIADB).jobs("FLUSH TABLES WITH READ LOCK", "SHOW MASTER STATUS");

            Result.Rows rows = (Result.Rows) s.lastAnswer;
            assertThat(rows.columns()).extracting(Result.Column::label)
                    .containsExactly("File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB");
            assertThat(rows.rows()).singleElement().isEqualTo(List.of(Simulation.FILE, Simulation.POSITION, "", ""));
        }

        @Test
        void mysqlUsesTheJobsLockAsTheShortWindowAndReleasesItAtOnce() {
            Simulation s = enforce(MYSQL84).jobs(job);
            s.close();

            assertThat(s.sent).containsExactlyElementsOf(concat(MYSQL84_START, List.of(
                    "SELECT * FROM accounts", "ROLLBACK TO SAVEPOINT " + SP, "SELECT * FROM ledger"), END));
            assertThat(s.findings).extracting(Finding::rule)
                    .contains(Rule.FLUSH_BEFORE_LOCK, Rule.SNAPSHOT_START, Rule.LOCK_WHOLE_DUMP, Rule.SNAPSHOT_END);
            assertConsistent(s);
        }

        @Test
        void mysqlShowMasterStatusAnswerCarriesTheGtidSet() {
            Simulation s = enforce(MYSQL84).jobs("FLUSH TABLES WITH READ LOCK", "SHOW MASTER STATUS");

            Result.Rows rows = (Result.Rows) s.lastAnswer;
            assertThat(rows.columns()).extracting(Result.Column::label).endsWith("Executed_Gtid_Set");
            assertThat(rows.rows().get(0)).endsWith(Simulation.GTID);
        }

        @Test
        void blockModeRefusesTheUnlockThatWouldLoseTheCoordinatesMoment() {
            Simulation s = Simulation.of(Mode.BLOCK, Role.BACKUP_JOB, MARIADB).jobs(job);

            assertThat(s.sent).containsExactly("FLUSH TABLES WITH READ LOCK", "SHOW MASTER STATUS");
            assertThat(s.refusals).singleElement().extracting(Finding::rule).isEqualTo(Rule.UNLOCK_BEFORE_SNAPSHOT);
        }
    }

    @Test
    void startTransactionWithoutConsistentSnapshotIsRewritten() {
        Simulation s = enforce(MARIADB).jobs("START TRANSACTION", "SELECT * FROM accounts");

        assertThat(s.sent).containsExactlyElementsOf(concat(MARIADB_START, List.of("SELECT * FROM accounts")));
        assertThat(s.absorbed).containsExactly("START TRANSACTION");
        assertConsistent(s);
    }

    @Test
    void explicitlyMarkedSessionRewritesStartTransactionInPlace() {
        Simulation s = enforce(MARIADB);
        s.protocol.markBackup();
        s.jobs("START TRANSACTION", "SELECT * FROM accounts");

        assertThat(s.sent).containsExactlyElementsOf(concat(MARIADB_START, List.of("SELECT * FROM accounts")));
        assertThat(s.findings).extracting(Finding::rule).contains(Rule.CONSISTENT_SNAPSHOT);
    }

    @Test
    void readCommittedSessionGetsRepeatableReadForTheSnapshotAndItsLevelBack() {
        Simulation s = enforce(MARIADB);
        s.call(JdbcCall.isolation(dev.backupguard.classify.IsolationLevel.READ_COMMITTED));
        s.call(JdbcCall.AUTOCOMMIT_OFF);
        s.jobs("SELECT * FROM accounts", "SELECT * FROM ledger");
        s.call(JdbcCall.COMMIT);
        s.close();

        assertThat(s.sent.get(0)).isEqualTo("jdbc:SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
        assertThat(s.sent).contains("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .endsWith("RELEASE SAVEPOINT " + SP, "ROLLBACK", "SET SESSION sql_log_bin = 1",
                        "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
        assertThat(s.sent).doesNotContain("jdbc:SET autocommit=0", "jdbc:COMMIT");
        assertThat(s.protocol.jobAutoCommit()).isFalse();
        assertConsistent(s);
    }

    @Test
    void globalLockForTheWholeDumpOverInnodbIsReleasedRightAfterTheSnapshotStarts() {
        Simulation s = enforce(MYSQL84).jobs("FLUSH TABLES WITH READ LOCK", "SHOW MASTER STATUS",
                "SELECT * FROM accounts", "SELECT * FROM ledger", "UNLOCK TABLES");

        assertThat(s.sent).containsExactlyElementsOf(concat(MYSQL84_START, List.of(
                "SELECT * FROM accounts", "ROLLBACK TO SAVEPOINT " + SP, "SELECT * FROM ledger")));
        assertThat(s.absorbed).containsExactly("SHOW MASTER STATUS", "UNLOCK TABLES");
        assertConsistent(s);
    }

    @Test
    void globalLockForTheWholeDumpWithAMyisamTableIsKeptAndReported() {
        ServerFacts facts = MYSQL84.withNonTransactional(Set.of(new TableName("shop", "legacy")));
        Simulation s = enforce(facts);
        s.protocol.currentSchema("shop");
        s.jobs("FLUSH TABLES WITH READ LOCK", "SHOW MASTER STATUS", "SELECT * FROM accounts", "SELECT * FROM legacy",
                "UNLOCK TABLES");

        assertThat(s.sent).containsExactly(
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "FLUSH /*!40101 LOCAL */ TABLES",
                "FLUSH TABLES WITH READ LOCK",
                "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
                "SHOW BINARY LOG STATUS",
                "SAVEPOINT " + SP,
                "SELECT * FROM accounts",
                "ROLLBACK TO SAVEPOINT " + SP,
                "SELECT * FROM legacy",
                "UNLOCK TABLES");
        assertThat(s.findings).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo(Rule.LOCK_WHOLE_DUMP);
            assertThat(f.outcome()).isEqualTo(Finding.Outcome.REPORTED);
            assertThat(f.detail()).contains("shop.legacy");
        });
        assertThat(s.consistencyViolations()).isEmpty();
    }

    @Test
    void sessionLevelLearnedFromTheServerIsRestoredWhenTheBackupSessionEnds() {
        // Found with a pool configured for READ COMMITTED under BackupGuardDataSource: the job never set a level, so
        // the guard's REPEATABLE READ for the snapshot stayed on the pooled connection.
        Simulation s = enforce(MARIADB);
        s.protocol.sessionIsolation(dev.backupguard.classify.IsolationLevel.READ_COMMITTED);
        s.jobs("SELECT * FROM accounts");
        s.close();

        assertThat(s.sent).endsWith("SET SESSION sql_log_bin = 1",
                "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    }

    @Test
    void sessionAlreadyAtRepeatableReadIsNotSetAgainAtTheEnd() {
        Simulation s = enforce(MARIADB);
        s.protocol.sessionIsolation(dev.backupguard.classify.IsolationLevel.REPEATABLE_READ);
        s.jobs("SELECT * FROM accounts");
        s.close();

        assertThat(s.sent).endsWith("SET SESSION sql_log_bin = 1");
    }

    @Test
    void jobsGlobalLockOverAMyisamTableIsKeptWhenTheSnapshotStatusWayIsForced() {
        // Found against the real server: with snapshot.way=snapshot-status the job's FTWRL was answered OK and never
        // sent, so the MyISAM table was read with no lock at all (I6).
        ServerFacts facts = MARIADB.withNonTransactional(Set.of(new TableName("shop", "legacy")));
        Simulation s = new Simulation(ProtocolSettings.defaults().withWay(SnapshotWay.SNAPSHOT_STATUS), facts);
        s.protocol.currentSchema("shop");
        s.jobs("FLUSH TABLES WITH READ LOCK", "SHOW MASTER STATUS", "SELECT * FROM accounts", "SELECT * FROM legacy",
                "UNLOCK TABLES");

        assertThat(s.sent).containsExactly(
                "SET SESSION sql_log_bin = 0",
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "FLUSH /*!40101 LOCAL */ TABLES",
                "FLUSH TABLES WITH READ LOCK",
                "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
                "SHOW STATUS LIKE 'binlog_snapshot_%'",
                "SELECT BINLOG_GTID_POS('binlog.000002', 1234)",
                "SAVEPOINT " + SP,
                "SELECT * FROM accounts",
                "ROLLBACK TO SAVEPOINT " + SP,
                "SELECT * FROM legacy",
                "UNLOCK TABLES");
        assertThat(s.consistencyViolations()).isEmpty();
        assertThat(s.protocol.coordinates().source()).isEqualTo(BinlogCoordinates.Source.SNAPSHOT_STATUS);
    }

    @Test
    void blockModeLetsALockWholeDumpJobReleaseItsLockAfterReadingEverythingUnderIt() {
        // Found against the real server: block mode refused the final UNLOCK TABLES of a --lock-all-tables style job
        // (every read under the lock, so consistent), leaving the server read-only until the job gave up.
        Simulation s = Simulation.of(Mode.BLOCK, Role.BACKUP_JOB, MARIADB).jobs("FLUSH TABLES WITH READ LOCK",
                "SHOW MASTER STATUS", "SELECT * FROM accounts", "SELECT * FROM ledger", "UNLOCK TABLES");

        assertThat(s.refusals).isEmpty();
        assertThat(s.sent).endsWith("SELECT * FROM accounts", "SELECT * FROM ledger", "UNLOCK TABLES");
        assertThat(s.protocol.holdsGlobalLock()).isFalse();
        assertThat(s.consistencyViolations()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = SnapshotWay.class, names = {"AUTO", "SNAPSHOT_STATUS"})
    void flushLogsIsMovedUnderTheLockEvenWhereTheSnapshotReportsItsCoordinates(SnapshotWay way) {
        // A rotation while another session's commit is between the binary log and InnoDB leaves
        // Binlog_snapshot_file/_position wrong (docs/server-facts.md, fact 14), and the guard's own FLUSH LOGS right
        // before the snapshot is the likeliest moment for it; FTWRL waits for such a commit (mariadb-dump also
        // locks for --flush-logs with --single-transaction).
        Simulation s = new Simulation(ProtocolSettings.defaults().withWay(way), MARIADB)
                .jobs("START TRANSACTION", "FLUSH LOGS", "SELECT * FROM accounts");

        assertThat(s.sent).containsExactly(
                "SET SESSION sql_log_bin = 0",
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "FLUSH /*!40101 LOCAL */ TABLES",
                "FLUSH TABLES WITH READ LOCK",
                "FLUSH LOGS",
                "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
                "SHOW MASTER STATUS",
                "UNLOCK TABLES",
                "SELECT BINLOG_GTID_POS('binlog.000002', 1234)",
                "SAVEPOINT " + SP,
                "SELECT * FROM accounts");
        assertConsistent(s);
    }

    @Test
    void withoutFlushLogsTheSnapshotStillReportsItsOwnCoordinatesWithNoLock() {
        Simulation s = enforce(MARIADB).jobs("START TRANSACTION", "SELECT * FROM accounts");

        assertThat(s.sent).startsWith(MARIADB_START.toArray(String[]::new))
                .doesNotContain("FLUSH TABLES WITH READ LOCK");
        assertConsistent(s);
    }

    @Test
    void flushLogsAfterStartTransactionIsMovedUnderTheLockBeforeTheSnapshot() {
        Simulation s = new Simulation(ProtocolSettings.defaults().withWay(SnapshotWay.GLOBAL_LOCK), MARIADB)
                .jobs("START TRANSACTION", "FLUSH LOGS", "SELECT * FROM accounts");

        assertThat(s.sent).containsExactly(
                "SET SESSION sql_log_bin = 0",
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "FLUSH /*!40101 LOCAL */ TABLES",
                "FLUSH TABLES WITH READ LOCK",
                "FLUSH LOGS",
                "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
                "SHOW MASTER STATUS",
                "UNLOCK TABLES",
                "SELECT BINLOG_GTID_POS('binlog.000002', 1234)",
                "SAVEPOINT " + SP,
                "SELECT * FROM accounts");
        assertConsistent(s);
    }

    @Test
    void flushLogsAfterAConsistentSnapshotWithNoReadsRestartsTheSnapshot() {
        Simulation s = enforce(MARIADB).jobs("START TRANSACTION WITH CONSISTENT SNAPSHOT", "FLUSH LOGS",
                "SELECT * FROM accounts");

        assertThat(s.sent).startsWith(MARIADB_START.toArray(String[]::new));
        // sql_log_bin=0 is kept through the restart: it cannot be sent inside the old snapshot anyway.
        assertThat(s.sent.subList(MARIADB_START.size(), s.sent.size())).startsWith("ROLLBACK",
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", "FLUSH /*!40101 LOCAL */ TABLES",
                "FLUSH TABLES WITH READ LOCK", "FLUSH LOGS");
        assertConsistent(s);
    }

    @Test
    void blockModeSaysFlushLogsWouldEndTheSnapshotWithoutClaimingTablesWereRead() {
        Simulation s = Simulation.of(Mode.BLOCK, Role.BACKUP_JOB, MARIADB).jobs(
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", "START TRANSACTION WITH CONSISTENT SNAPSHOT",
                "FLUSH LOGS");

        assertThat(s.refusals).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo(Rule.FLUSH_LOGS_IN_SNAPSHOT);
            assertThat(f.detail()).doesNotContain("tables were read");
        });
    }

    @Test
    void flushLogsAfterTablesWereReadIsRefused() {
        Simulation s = enforce(MARIADB).jobs("SELECT * FROM accounts", "FLUSH LOGS");

        assertThat(s.refusals).singleElement().extracting(Finding::rule).isEqualTo(Rule.FLUSH_LOGS_IN_SNAPSHOT);
        assertThat(s.sent).doesNotContain("FLUSH LOGS");
    }

    @Test
    void commitInTheMiddleKeepsTheSnapshotInEnforceMode() {
        Simulation s = enforce(MARIADB).jobs("SELECT * FROM accounts", "COMMIT", "SELECT * FROM ledger");
        s.close();

        assertThat(s.sent).doesNotContain("COMMIT");
        assertThat(s.absorbed).containsExactly("COMMIT");
        assertConsistent(s);
    }

    @Test
    void commitInTheMiddleMakesBlockModeRefuseTheNextRead() {
        Simulation s = Simulation.of(Mode.BLOCK, Role.BACKUP_JOB, MARIADB);
        s.protocol.markBackup();
        s.jobs("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", "START TRANSACTION WITH CONSISTENT SNAPSHOT",
                "SHOW STATUS LIKE 'binlog_snapshot_%'", "SELECT * FROM accounts", "COMMIT", "SELECT * FROM ledger");

        assertThat(s.sent).endsWith("SELECT * FROM accounts", "COMMIT");
        assertThat(s.refusals).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo(Rule.SNAPSHOT_START);
            assertThat(f.detail()).contains("COMMIT");
        });
    }

    @Test
    void ddlAndWritesInsideTheSnapshotAreRefused() {
        Simulation s = enforce(MARIADB);
        s.jobs("SELECT * FROM accounts");

        assertThat(s.job("ALTER TABLE ledger ADD COLUMN note TEXT")).isFalse();
        assertThat(s.job("UPDATE accounts SET balance = 0")).isFalse();
        assertThat(s.job("LOCK TABLES ledger WRITE")).isFalse();
        assertThat(s.refusals).extracting(Finding::rule)
                .containsExactly(Rule.IMPLICIT_COMMIT, Rule.WRITE_IN_BACKUP, Rule.WRITE_IN_BACKUP);
        assertThat(s.refusals).allSatisfy(f -> assertThat(f.rule().sqlState()).startsWith("25"));
    }

    @Test
    void afterTheJobCommittedNonBackupWorkEndsTheSessionFirst() {
        Simulation s = enforce(MARIADB).jobs("SELECT * FROM accounts", "COMMIT",
                "INSERT INTO backup_runs VALUES (1)");

        assertThat(s.sent).endsWith("RELEASE SAVEPOINT " + SP, "ROLLBACK", "SET SESSION sql_log_bin = 1",
                "INSERT INTO backup_runs VALUES (1)");
        assertThat(s.protocol.isBackupSession()).isFalse();
        assertThat(s.protocol.sessionsEnded()).isEqualTo(1);
    }

    @Test
    void noStatementIsInjectedWhileAResultSetIsOpen() {
        Simulation s = enforce(MARIADB).jobs("SELECT * FROM accounts");
        s.protocol.resultSetOpened();
        s.job("SELECT * FROM ledger");
        s.protocol.resultSetFinished();
        s.protocol.resultSetFinished();
        s.job("SELECT * FROM audit_log");

        assertThat(s.sent).endsWith("SELECT * FROM accounts", "SELECT * FROM ledger",
                "ROLLBACK TO SAVEPOINT " + SP, "SELECT * FROM audit_log");
    }

    @Test
    void recognitionWhileAResultSetIsOpenIsRefusedRatherThanInjectedIntoTheStream() {
        Simulation s = enforce(MARIADB);
        s.protocol.resultSetOpened();
        s.job("SELECT * FROM accounts");

        assertThat(s.sent).isEmpty();
        assertThat(s.refusals).singleElement().extracting(Finding::detail).asString().contains("result set");
        // Found against the real server: the server-facts probe ran into the open stream first (Connector/J threw
        // its own "Streaming result set ... is still active", MariaDB Connector/J buffered the rest of the stream).
        assertThat(s.protocol.facts()).as("no probe while a result set is open").isNull();
    }

    @Test
    void auditModeDoesNotProbeIntoAnOpenResultSetEither() {
        Simulation s = Simulation.of(Mode.AUDIT, Role.BACKUP_JOB, MARIADB);
        s.protocol.resultSetOpened();
        s.job("SELECT * FROM accounts");

        assertThat(s.sent).containsExactly("SELECT * FROM accounts");
        assertThat(s.refusals).isEmpty();
        assertThat(s.protocol.facts()).isNull();
    }

    @Test
    void guardrailRoleLeavesOrdinaryTrafficAlone() {
        Simulation s = Simulation.of(Mode.ENFORCE, Role.GUARDRAIL, MARIADB);
        s.call(JdbcCall.AUTOCOMMIT_OFF);
        s.jobs("SELECT * FROM accounts", "UPDATE accounts SET balance = balance - 1 WHERE id = 1",
                "SELECT * FROM ledger");
        s.call(JdbcCall.COMMIT);

        assertThat(s.sent).containsExactly("jdbc:SET autocommit=0", "SELECT * FROM accounts",
                "UPDATE accounts SET balance = balance - 1 WHERE id = 1", "SELECT * FROM ledger", "jdbc:COMMIT");
        assertThat(s.protocol.isBackupSession()).isFalse();
        assertThat(s.findings).isEmpty();
    }

    @Test
    void backupJobRoleSendsADeferredTransactionStartBeforeOrdinaryWork() {
        Simulation s = enforce(MARIADB);
        s.call(JdbcCall.AUTOCOMMIT_OFF);
        s.job("INSERT INTO backup_runs VALUES (1)");
        s.call(JdbcCall.COMMIT);

        assertThat(s.sent).containsExactly("jdbc:SET autocommit=0", "INSERT INTO backup_runs VALUES (1)", "jdbc:COMMIT");
        assertThat(s.protocol.isBackupSession()).isFalse();
    }

    @Test
    void guardrailRecognisesAnUnmistakableBackupStatement() {
        Simulation s = Simulation.of(Mode.ENFORCE, Role.GUARDRAIL, MARIADB)
                .jobs("SELECT * FROM accounts", "FLUSH TABLES WITH READ LOCK", "SELECT * FROM ledger");

        assertThat(s.protocol.isBackupSession()).isTrue();
        assertThat(s.sent).containsExactlyElementsOf(concat(List.of("SELECT * FROM accounts"), MARIADB_START,
                List.of("SELECT * FROM ledger")));
    }

    @Test
    void lockTablesReadOverTransactionalTablesIsReplacedByTheSnapshot() {
        Simulation s = enforce(MARIADB).jobs("LOCK TABLES accounts READ LOCAL, ledger READ LOCAL",
                "SELECT * FROM accounts", "SELECT * FROM ledger", "UNLOCK TABLES");

        assertThat(s.sent).containsExactlyElementsOf(concat(MARIADB_START, List.of(
                "SELECT * FROM accounts", "ROLLBACK TO SAVEPOINT " + SP, "SELECT * FROM ledger")));
        assertThat(s.absorbed).containsExactly("LOCK TABLES accounts READ LOCAL, ledger READ LOCAL", "UNLOCK TABLES");
        assertConsistent(s);
    }

    @Test
    void aReadInASchemaWhoseEnginesWereNotCheckedLearnsThemFirstAndReportsAMyisamTableByName() {
        // The probe checked the connection's database only; the job also reads another one, with a MyISAM table.
        ServerFacts checkedShopOnly = new ServerFacts(ServerFacts.Flavor.MARIADB, ServerVersion.parse("11.4.5"), true,
                true, false, 1, 0, Set.of("shop"), false, Set.of());
        Simulation s = enforce(checkedShopOnly);
        s.truth = Set.of(new TableName("archive", "old_orders"));
        s.protocol.currentSchema("shop");
        s.jobs("SELECT * FROM accounts", "SELECT * FROM archive.old_orders", "SELECT * FROM archive.new_orders");

        assertThat(s.protocol.facts().checked("archive")).isTrue();
        assertThat(s.findings).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo(Rule.NON_TRANSACTIONAL_TABLE);
            assertThat(f.detail()).contains("archive.old_orders");
        });
        assertThat(s.violatedRules()).containsExactly(Rule.NON_TRANSACTIONAL_TABLE);
        assertThat(s.sent).contains("SELECT * FROM archive.new_orders");
    }

    @Test
    void gtidReadIsAnsweredWithTheSnapshotsGtidUnderItsOwnLabel() {
        Simulation s = enforce(MARIADB).jobs("SELECT * FROM accounts", "SELECT @@gtid_binlog_pos AS pos");

        Result.Rows rows = (Result.Rows) s.lastAnswer;
        assertThat(rows.columns()).extracting(Result.Column::label).containsExactly("pos");
        assertThat(rows.rows()).containsExactly(List.of(Simulation.GTID));
        assertThat(s.sent).doesNotContain("SELECT @@gtid_binlog_pos AS pos");
    }

    @Test
    void neverMarkedConnectionPassesEvenBackupStatements() {
        Simulation s = enforce(MARIADB);
        s.protocol.markNever();
        s.jobs("FLUSH TABLES WITH READ LOCK", "SELECT * FROM accounts", "UNLOCK TABLES");

        assertThat(s.sent).containsExactly("FLUSH TABLES WITH READ LOCK", "SELECT * FROM accounts", "UNLOCK TABLES");
    }

    @Test
    void hintCommentMarksTheSessionAsABackupInGuardrailRole() {
        Simulation s = Simulation.of(Mode.ENFORCE, Role.GUARDRAIL, MARIADB)
                .jobs("/* backup-guard:backup */ SELECT * FROM accounts");

        assertThat(s.protocol.isBackupSession()).isTrue();
        assertThat(s.sent).containsExactlyElementsOf(concat(MARIADB_START,
                List.of("/* backup-guard:backup */ SELECT * FROM accounts")));
    }

    /**
     * FLUSH TABLES WITH READ LOCK is refused while the session holds LOCK TABLES locks (error 1192,
     * docs/server-facts.md, fact 11): the guard releases the job's table locks before its own global read lock, as the
     * START TRANSACTION after it would release them anyway.
     */
    @Test
    void tableLocksTheJobHoldsAreReleasedBeforeTheGuardsGlobalReadLock() {
        Simulation s = enforce(MYSQL84);
        boolean[] tableLocks = new boolean[1];
        s.server = (st, job) -> {
            switch (st.kind()) {
                case LOCK_TABLES -> tableLocks[0] = true;
                case UNLOCK_TABLES, START_TRANSACTION -> tableLocks[0] = false;
                case FLUSH_TABLES_WITH_READ_LOCK -> {
                    return tableLocks[0] ? 1192 : 0;
                }
                default -> {
                    // executed
                }
            }
            return 0;
        };

        // The first read is of a table the job did not lock: the backup's snapshot starts there.
        s.jobs("LOCK TABLES accounts WRITE", "SELECT * FROM ledger", "SELECT * FROM accounts");
        s.close();

        assertThat(s.failed).isEmpty();
        assertThat(s.sent).containsSubsequence("LOCK TABLES accounts WRITE", "SELECT * FROM ledger",
                "SELECT * FROM accounts").containsSubsequence("LOCK TABLES accounts WRITE", "UNLOCK TABLES",
                "FLUSH TABLES WITH READ LOCK", "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */");
        assertConsistent(s);
    }

    @Test
    void closeWhileHoldingTheJobsGlobalLockReleasesIt() {
        ServerFacts facts = MYSQL84.withNonTransactional(Set.of(new TableName("shop", "legacy")));
        Simulation s = enforce(facts).jobs("FLUSH TABLES WITH READ LOCK");
        assertThat(s.protocol.holdsGlobalLock()).isTrue();

        s.close();

        assertThat(s.sent).endsWith("RELEASE SAVEPOINT " + SP, "ROLLBACK", "UNLOCK TABLES");
        assertThat(s.protocol.holdsGlobalLock()).isFalse();
    }

    @Test
    void ddlLockOnRequestIsTakenWithTheSnapshotAndReleasedAtTheEnd() {
        Simulation s = new Simulation(ProtocolSettings.defaults().withDdlLock(true), MARIADB)
                .jobs("SELECT * FROM accounts");
        s.close();

        assertThat(s.sent).startsWith("SET SESSION sql_log_bin = 0", "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "BACKUP STAGE START", "BACKUP STAGE BLOCK_DDL")
                .endsWith("ROLLBACK", "BACKUP STAGE END", "SET SESSION sql_log_bin = 1");
    }
}
