package dev.backupguard.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The judge on sequences as a recording or a general log shows them: text, classified again, with no object of the
 * guard's own and no word of which statements the server refused (docs/server-facts.md, fact 13).
 */
class LoggedSequencesJudgeTest {

    static final ServerFacts MARIADB = ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log");
    static final ServerFacts MYSQL80 = ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.0.36");
    static final ServerFacts MYSQL84 = ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.4.3");

    /** What backup-guard sends on MariaDB in enforce mode (snapshot-status way), as the server logs it. */
    static final List<String> GUARDED_MARIADB = List.of(
            "SET SESSION sql_log_bin = 0",
            "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
            "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
            "SHOW STATUS LIKE 'binlog_snapshot_%'",
            "SELECT BINLOG_GTID_POS('binlog.000002', 1234)",
            "SAVEPOINT backup_guard",
            "SELECT * FROM checking",
            "ROLLBACK TO SAVEPOINT backup_guard",
            "SELECT * FROM savings",
            "ROLLBACK TO SAVEPOINT backup_guard",
            "SELECT * FROM transfers",
            "RELEASE SAVEPOINT backup_guard",
            "ROLLBACK",
            "SET SESSION sql_log_bin = 1");

    static List<String> with(List<String> sequence, int at, String... inserted) {
        List<String> out = new ArrayList<>(sequence);
        out.addAll(at, List.of(inserted));
        return out;
    }

    static List<String> reads(String... before) {
        List<String> out = new ArrayList<>(List.of(before));
        out.addAll(List.of("SELECT * FROM checking", "SELECT * FROM savings"));
        return out;
    }

    // ------------------------------------------------------------------ savepoints without a name

    @ParameterizedTest
    @ValueSource(strings = {"SAVEPOINT", "SAVEPOINT 'sp'", "SAVEPOINT /* no name */", "savepoint ;", "ROLLBACK TO",
            "ROLLBACK WORK TO SAVEPOINT", "RELEASE SAVEPOINT", "USE"})
    void aSavepointStatementWithoutANameIsJudgedAsTheSyntaxErrorItIs(String malformed) {
        List<String> logged = with(GUARDED_MARIADB, 6, malformed);
        assertThatCode(() -> Audit.judge(logged, MARIADB, Role.GUARDRAIL)).doesNotThrowAnyException();

        Audit.Result r = Audit.judge(logged, MARIADB, Role.GUARDRAIL);
        assertThat(r.backupSession()).isTrue();
        assertThat(r.consistent()).isTrue();
        assertThat(r.violations()).isEmpty();
    }

    /**
     * WITH CONSISTENT SNAPSHOT is the only characteristic WITH begins (MySQL 8.4 Reference Manual, "START TRANSACTION,
     * COMMIT, and ROLLBACK Statements"): anything else is a syntax error, no transaction starts, and each read after it
     * is a moment of its own.
     */
    @ParameterizedTest
    @ValueSource(strings = {"START TRANSACTION WITH", "START TRANSACTION WITH # end", "START TRANSACTION WITH SNAPSHOT",
            "START TRANSACTION READ ONLY, WITH"})
    void startTransactionWithAnythingButAConsistentSnapshotIsTheSyntaxErrorItIs(String malformed) {
        assertThat(dev.backupguard.classify.Classifier.classify(malformed)
                .has(dev.backupguard.classify.Statement.F_MALFORMED)).isTrue();
        assertThat(dev.backupguard.classify.Classifier.classify("START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */,"
                + " READ ONLY").has(dev.backupguard.classify.Statement.F_MALFORMED)).isFalse();

        Audit.Result r = Audit.judge(reads(malformed), MARIADB, Role.BACKUP_JOB);

        assertThat(r.consistent()).isFalse();
        assertThat(r.violations()).extracting(Finding::rule).contains(Rule.SNAPSHOT_START);
    }

    /**
     * FLUSH TABLES WITH READ LOCK is refused while the session holds LOCK TABLES locks (error 1192, after its implicit
     * commit; docs/server-facts.md, fact 11): no global read lock holds the reads after the table locks to one moment.
     */
    @Test
    void aGlobalReadLockAskedForUnderTableLocksIsNotTaken() {
        Audit.Result r = Audit.judge(reads("LOCK TABLES checking READ", "FLUSH TABLES WITH READ LOCK", "BEGIN",
                "COMMIT"), MARIADB, Role.BACKUP_JOB);

        assertThat(r.consistent()).isFalse();
        assertThat(r.violations()).extracting(Finding::rule).contains(Rule.SNAPSHOT_START);
    }

    @Test
    void rollbackToASavepointTheTransactionDoesNotHaveReleasesNoMetadataLock() {
        // MySQL releases metadata locks at ROLLBACK TO SAVEPOINT; a savepoint that does not exist fails (1305).
        List<String> dump = List.of("START TRANSACTION WITH CONSISTENT SNAPSHOT", "SAVEPOINT sp",
                "SELECT * FROM checking", "ROLLBACK TO SAVEPOINT elsewhere", "SELECT * FROM savings");
        assertThat(Audit.judge(dump, MYSQL80, Role.GUARDRAIL).violations()).extracting(Finding::rule)
                .containsExactly(Rule.MDL_PER_TABLE);
        List<String> right = new ArrayList<>(dump);
        right.set(3, "ROLLBACK TO SAVEPOINT sp");
        assertThat(Audit.judge(right, MYSQL80, Role.GUARDRAIL).violations()).isEmpty();
    }

    // ------------------------------------------------------------------ sql_log_bin by its text

    @Test
    void theGuardsOwnSequenceReadBackFromALogHasNoWarning() {
        Audit.Result r = Audit.judge(GUARDED_MARIADB, MARIADB, Role.GUARDRAIL);

        assertThat(r.consistent()).isTrue();
        assertThat(r.violations()).as("sql_log_bin=0 makes ROLLBACK TO SAVEPOINT release the locks").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET sql_log_bin = 0", "set session SQL_LOG_BIN=OFF", "SET @@session.sql_log_bin := 0",
            "SET @@sql_log_bin = FALSE", "SET NAMES utf8mb4, sql_log_bin = 0", "/*!40101 SET SESSION sql_log_bin=0 */"})
    void aJobsOwnSqlLogBinOffBeforeTheSnapshotCountsToo(String off) {
        List<String> dump = with(GUARDED_MARIADB.subList(1, GUARDED_MARIADB.size() - 1), 0, off);

        assertThat(Audit.judge(dump, MARIADB, Role.GUARDRAIL).violations()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET GLOBAL sql_log_bin = 0", "SET @sql_log_bin = 0", "SET sql_log_bin = 1",
            "SET STATEMENT sql_log_bin = 0 FOR SELECT 1", "SET sql_log_bin = 0, sql_log_bin = 1"})
    void whatLeavesTheSessionLoggingKeepsTheMetadataLocks(String notOff) {
        List<String> dump = with(GUARDED_MARIADB.subList(1, GUARDED_MARIADB.size() - 1), 0, notOff);

        assertThat(Audit.judge(dump, MARIADB, Role.GUARDRAIL).violations()).extracting(Finding::rule)
                .containsExactly(Rule.MDL_PER_TABLE);
    }

    @Test
    void sqlLogBinSwitchedOffInsideTheTransactionIsRefusedByTheServer() {
        // ERROR 1694 inside a transaction (docs/server-facts.md, fact 9): the session still logs.
        List<String> dump = with(GUARDED_MARIADB.subList(1, GUARDED_MARIADB.size() - 1), 3, "SET sql_log_bin = 0");

        assertThat(Audit.judge(dump, MARIADB, Role.GUARDRAIL).violations()).extracting(Finding::rule)
                .containsExactly(Rule.MDL_PER_TABLE);
    }

    @Test
    void enforceModeLeavesAJobsOwnSqlLogBinAsTheJobSetIt() {
        Simulation s = Simulation.of(Mode.ENFORCE, Role.BACKUP_JOB, MARIADB);
        s.protocol.currentSchema("shop");
        s.jobs("SET SESSION sql_log_bin = 0", "SELECT * FROM checking", "SELECT * FROM savings");
        s.close();

        // No second sql_log_bin=0 of the guard's, none switched back on: the session was the job's to set.
        assertThat(s.sent).containsOnlyOnce("SET SESSION sql_log_bin = 0").doesNotContain("SET SESSION sql_log_bin = 1");
        // It does not log, so ROLLBACK TO SAVEPOINT releases the metadata locks of checking.
        assertThat(s.sent).contains("ROLLBACK TO SAVEPOINT backup_guard");
        assertThat(s.violations).isEmpty();
    }

    @Test
    void enforceModeStillSwitchesItsOwnSqlLogBinBackOn() {
        Simulation s = Simulation.of(Mode.ENFORCE, Role.BACKUP_JOB, MARIADB);
        s.protocol.currentSchema("shop");
        s.jobs("SELECT * FROM checking", "SELECT * FROM savings");
        s.close();

        assertThat(s.sent).startsWith("SET SESSION sql_log_bin = 0").endsWith("SET SESSION sql_log_bin = 1");
    }

    // ------------------------------------------------------------------ isolation levels (found by ProtocolFuzzTest)

    @Test
    void aSessionLevelSetBetweenTransactionsReplacesAPendingNextTransactionLevel() {
        Audit.Result r = Audit.judge(reads("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                "START TRANSACTION WITH CONSISTENT SNAPSHOT"), MYSQL80, Role.GUARDRAIL);

        assertThat(r.consistent()).as("the transaction runs at READ COMMITTED: every read its own moment").isFalse();
        assertThat(r.violations()).extracting(Finding::rule).contains(Rule.REPEATABLE_READ);
    }

    @Test
    void aNextTransactionLevelRefusedInsideATransactionChangesNothing() {
        Audit.Result r = Audit.judge(reads("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                "START TRANSACTION", "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", "COMMIT",
                "START TRANSACTION WITH CONSISTENT SNAPSHOT"), MYSQL80, Role.GUARDRAIL);

        assertThat(r.consistent()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1", "SHOW CREATE TABLE checking", "SAVEPOINT sp"})
    void underAutocommitOffALevelSetBeforeTheFirstTableReadIsTheTransactionsLevel(String first) {
        for (String level : List.of("SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
                "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")) {
            Audit.Result r = Audit.judge(reads("/* backup-guard:backup */ SET autocommit = 0", first, level),
                    MYSQL80, Role.GUARDRAIL);
            assertThat(r.consistent()).as("%s, %s", first, level).isFalse();
        }
        // A stronger level is not taken on trust: the server may already be in the transaction.
        Audit.Result rr = Audit.judge(reads("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
                "/* backup-guard:backup */ SET autocommit = 0", "SELECT * FROM checking",
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"), MYSQL80, Role.GUARDRAIL);
        assertThat(rr.consistent()).isFalse();
    }

    @Test
    void aWriteUnderTheGlobalLockIsRefusedSoAWeakerPendingLevelStaysPending() {
        // The INSERT is refused (1223), starts no transaction, and leaves READ COMMITTED pending for the START
        // TRANSACTION after UNLOCK TABLES (which releases the global lock without committing anything).
        Audit.Result r = Audit.judge(reads("SET autocommit = 0", "FLUSH TABLES WITH READ LOCK",
                "SET TRANSACTION ISOLATION LEVEL READ COMMITTED", "INSERT INTO transfers VALUES (1)", "UNLOCK TABLES",
                "START TRANSACTION WITH CONSISTENT SNAPSHOT"), MARIADB, Role.GUARDRAIL);

        assertThat(r.consistent()).isFalse();
    }

    static final String SESSION_RC = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
    static final String NEXT_RR = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";
    static final String SNAPSHOT = "START TRANSACTION WITH CONSISTENT SNAPSHOT";

    @ParameterizedTest
    @ValueSource(strings = {"COMMIT", "ROLLBACK", "FLUSH TABLES", "CREATE TABLE x (id INT)", "LOCK TABLES checking READ",
            "SELECT COUNT(*) FROM transfers", "INSERT INTO transfers VALUES (1)"})
    void aPendingNextTransactionLevelIsGoneAfter(String statement) {
        // Set back to the session's READ COMMITTED by a commit, or taken by an autocommit statement's own transaction.
        Audit.Result r = Audit.judge(reads(SESSION_RC, NEXT_RR, statement, SNAPSHOT), MYSQL80, Role.GUARDRAIL);

        assertThat(r.consistent()).isFalse();
        assertThat(r.violations()).extracting(Finding::rule).contains(Rule.REPEATABLE_READ);
    }

    @ParameterizedTest
    @ValueSource(strings = {"UNLOCK TABLES", "SELECT 1", "SHOW CREATE TABLE checking", "SAVEPOINT sp", "SET NAMES utf8mb4"})
    void aPendingNextTransactionLevelStaysAfter(String statement) {
        Audit.Result r = Audit.judge(reads(SESSION_RC, NEXT_RR, statement, SNAPSHOT), MYSQL80, Role.GUARDRAIL);

        assertThat(r.consistent()).isTrue();
    }

    /**
     * A statement the server cannot parse commits nothing and leaves a pending level pending: MySQL 8.4 removed START
     * SLAVE, CHANGE MASTER TO and RESET MASTER (MySQL 8.4 Reference Manual, "What Is New in MySQL 8.4 since MySQL
     * 8.0", features removed), and MySQL has none of MariaDB's BACKUP statements. MySQL 8.0 still has START SLAVE: it
     * commits (15.3.3, "Statements That Cause an Implicit Commit", replication control statements), also when it
     * then fails, and the pending level is gone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"START SLAVE", "CHANGE MASTER TO MASTER_HOST='replica'", "RESET MASTER", "STOP SLAVE",
            "BACKUP STAGE START", "BACKUP LOCK checking", "START ALL SLAVES", "INSTALL SONAME 'x'"})
    void aStatementTheServerCannotParseLeavesAPendingLevelPending(String statement) {
        List<String> logged = reads("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "SET TRANSACTION ISOLATION LEVEL READ COMMITTED", statement, SNAPSHOT);

        Audit.Result r = Audit.judge(logged, MYSQL84, Role.GUARDRAIL);

        assertThat(r.consistent()).as("the snapshot runs at the pending READ COMMITTED").isFalse();
        assertThat(r.violations()).extracting(Finding::rule).contains(Rule.REPEATABLE_READ);
        if (statement.startsWith("START SLAVE") || statement.startsWith("CHANGE") || statement.startsWith("RESET")) {
            assertThat(Audit.judge(logged, MYSQL80, Role.GUARDRAIL).consistent()).as("MySQL 8.0 has it").isTrue();
        }
    }

    @Test
    void aSessionLevelSetBeforeTheServersTransactionStartsIsTheLevelItRunsAt() {
        // SELECT 1 starts no transaction on the server: the SESSION level set after it is the snapshot's.
        Audit.Result r = Audit.judge(reads(SESSION_RC, "/* backup-guard:backup */ SET autocommit = 0", "SELECT 1",
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", SNAPSHOT), MYSQL80, Role.GUARDRAIL);

        assertThat(r.consistent()).isTrue();
    }

    @Test
    void setAutocommitOneWhenItIsOneAlreadyLeavesTheTransactionOpen() {
        // docs/server-facts.md, fact 3: a no-op. The transaction START TRANSACTION opened at READ COMMITTED goes on,
        // so the later SET TRANSACTION is refused (1568) and the reads see two moments. (Found by ProtocolFuzzTest.)
        Audit.Result r = Audit.judge(reads(SESSION_RC, "/* backup-guard:backup */ START TRANSACTION", "SET autocommit=1",
                "SET autocommit=0", NEXT_RR), MARIADB, Role.GUARDRAIL);
        assertThat(r.consistent()).isFalse();
        // And a snapshot is not ended by it.
        Audit.Result kept = Audit.judge(List.of(SNAPSHOT, "SELECT * FROM checking", "SET autocommit=1",
                "SELECT * FROM savings"), MARIADB, Role.GUARDRAIL);
        assertThat(kept.consistent()).isTrue();
    }

    @Test
    void lockTablesUnderAutocommitOffStartsATransactionThatRefusesANextTransactionLevel() {
        Audit.Result r = Audit.judge(reads(SESSION_RC, "SET autocommit = 0", "LOCK TABLES checking READ", NEXT_RR,
                SNAPSHOT), MYSQL80, Role.GUARDRAIL);

        assertThat(r.consistent()).isFalse();
    }

    // ------------------------------------------------------------------ backup locks (found by ProtocolFuzzTest)

    @Test
    void aBackupStageOnMysqlDoesNotHideTheInstanceLock() {
        for (ServerFacts facts : List.of(MYSQL80, MARIADB)) {
            Simulation s = Simulation.of(Mode.AUDIT, Role.GUARDRAIL, facts);
            boolean mysql = facts.flavor() == ServerFacts.Flavor.MYSQL;
            s.jobs(mysql ? "LOCK INSTANCE FOR BACKUP" : "BACKUP STAGE START",
                    mysql ? "BACKUP STAGE BLOCK_DDL" : "LOCK INSTANCE FOR BACKUP");
            assertThat(s.protocol.holdsBackupLock()).isTrue();
            s.close();
            assertThat(s.sent).as(facts.flavor().name()).endsWith(mysql ? "UNLOCK INSTANCE" : "BACKUP STAGE END");
        }
    }
}
