package dev.backupguard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.classify.Dialect;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.SessionText;
import dev.backupguard.classify.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Statements backup-guard cannot see into ({@link Kind#OPAQUE}, rule {@code opaque-statement}): refused in a block-mode
 * backup session, run and followed by a look at the server's state in enforce and audit modes, never refused on an
 * ordinary connection (which releases any lock they may have left when it ends). The server's answers are given here;
 * the real server's are proven by the tests module (HiddenLockIT, LexingFactsIT).
 */
class OpaqueStatementTest {

    private static final ServerFacts MARIADB = ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log");
    private static final ServerFacts MYSQL = ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.4.3");

    private final SessionText text = new SessionText(Dialect.ofServer("11.4.5-MariaDB-log").withSqlMode(""));

    private Statement st(String sql) {
        return text.classify(sql, true);
    }

    private static Simulation backupSession(Mode mode, ServerFacts facts) {
        Simulation sim = Simulation.of(mode, Role.BACKUP_JOB, facts);
        sim.protocol.markBackup();
        return sim;
    }

    @ParameterizedTest
    @ValueSource(strings = {"CALL take_lock()", "BEGIN NOT ATOMIC FLUSH TABLES WITH READ LOCK; END", "EXECUTE s",
        "EXECUTE IMMEDIATE @never_set"})
    void blockModeRefusesThemInABackupSessionNamingTheRuleAndTheSetting(String sql) {
        Simulation sim = backupSession(Mode.BLOCK, MARIADB);

        assertThat(sim.run(st(sql))).isFalse();

        assertThat(sim.refusals).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo(Rule.OPAQUE_STATEMENT);
            assertThat(f.message()).contains("opaque-statement", "cannot see what the statement does");
        });
        assertThat(Rule.OPAQUE_STATEMENT.sqlState()).isEqualTo("25000");
        assertThat(Rule.OPAQUE_STATEMENT.safeAlternative()).contains("backupguard.rule.opaque-statement=enforce");
        assertThat(sim.sent).doesNotContain(sql);
    }

    @Test
    void anAmbiguousTextIsOpaqueToo() {
        Statement ambiguous = new SessionText(Dialect.ofServer("11.4.5-MariaDB"))
                .classifyAll("SELECT 'a\\'; FLUSH TABLES WITH READ LOCK; SELECT '\\'").get(0);
        Simulation sim = backupSession(Mode.BLOCK, MARIADB);

        assertThat(sim.run(ambiguous)).isFalse();
        assertThat(sim.refusals).extracting(Finding::rule).containsExactly(Rule.OPAQUE_STATEMENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"BLOCK", "ENFORCE", "AUDIT"})
    void anOrdinaryConnectionNeverRefusesThemAndReleasesAnyLockWhenItEnds(Mode mode) {
        Simulation sim = Simulation.of(mode, Role.GUARDRAIL, MARIADB);

        assertThat(sim.run(st("CALL take_lock()"))).isTrue();
        assertThat(sim.sent).containsExactly("CALL take_lock()");
        assertThat(sim.checkedAfter).as("no round trip for ordinary statements").isEmpty();

        sim.close();
        assertThat(sim.sent).containsExactly("CALL take_lock()", "UNLOCK TABLES");
    }

    @Test
    void anOrdinaryConnectionThatRanNoneSendsNothingAtItsEnd() {
        Simulation sim = Simulation.of(Mode.ENFORCE, Role.GUARDRAIL, MARIADB);
        sim.run(st("SELECT * FROM t"));
        sim.close();

        assertThat(sim.sent).containsExactly("SELECT * FROM t");
    }

    @Test
    void enforceModeRunsItAndAdoptsTheGlobalReadLockTheServerReports() {
        Simulation sim = backupSession(Mode.ENFORCE, MARIADB);
        sim.serverState = new ObservedState(true, false, null);

        assertThat(sim.run(st("CALL take_lock()"))).isTrue();

        assertThat(sim.sent).containsExactly("CALL take_lock()");
        assertThat(sim.checkedAfter).containsExactly("CALL take_lock()");
        assertThat(sim.protocol.holdsGlobalLock()).isTrue();
        assertThat(sim.findings).filteredOn(f -> f.rule() == Rule.OPAQUE_STATEMENT).extracting(Finding::detail)
                .anySatisfy(d -> assertThat(d).contains("took the global read lock", "backupguard.lock.hold-ms"));
        sim.close();
        assertThat(sim.sent).endsWith("UNLOCK TABLES");
    }

    @Test
    void aLockTheStatementReleasedLeavesTheModel() {
        Simulation sim = backupSession(Mode.BLOCK, MARIADB);
        sim.jobs("FLUSH TABLES", "FLUSH TABLES WITH READ LOCK");
        Simulation audit = backupSession(Mode.AUDIT, MARIADB);
        audit.jobs("FLUSH TABLES", "FLUSH TABLES WITH READ LOCK");
        audit.serverState = new ObservedState(false, false, null);

        assertThat(audit.run(st("CALL unlock_it()"))).isTrue();

        assertThat(sim.protocol.holdsGlobalLock()).isTrue();
        assertThat(audit.protocol.holdsGlobalLock()).isFalse();
        assertThat(audit.findings).extracting(Finding::rule, Finding::outcome)
                .contains(org.assertj.core.groups.Tuple.tuple(Rule.OPAQUE_STATEMENT, Finding.Outcome.WOULD_REFUSE));
    }

    @Test
    void enforceModeEndsTheSnapshotTheServerSaysWasEndedAndRefusesTheReadsAfterIt() {
        Simulation sim = backupSession(Mode.ENFORCE, MYSQL);
        sim.jobs("SELECT * FROM t1");
        assertThat(sim.protocol.inSnapshot()).isTrue();
        sim.serverState = new ObservedState(false, false, null);

        assertThat(sim.run(st("CALL commit_it()"))).isTrue();

        assertThat(sim.protocol.inSnapshot()).isFalse();
        assertThat(sim.job("SELECT * FROM t2")).isFalse();
        assertThat(sim.refusals).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo(Rule.SNAPSHOT_START);
            assertThat(f.detail()).contains("ended by CALL commit_it()");
        });
    }

    @Test
    void aSnapshotReplacedInsideTheStatementIsAnotherMoment() {
        Simulation sim = backupSession(Mode.AUDIT, MYSQL);
        sim.jobs("START TRANSACTION WITH CONSISTENT SNAPSHOT", "SELECT * FROM t1");
        sim.serverState = new ObservedState(false, true, false);

        sim.run(st("CALL restart_snapshot()"));
        sim.job("SELECT * FROM t2");

        assertThat(sim.consistencyViolations()).contains(Rule.OPAQUE_STATEMENT);
        assertThat(sim.protocol.verdict().consistent()).isFalse();
    }

    @Test
    void aSnapshotTheServerCannotVouchForIsTakenAsEnded() {
        Simulation sim = backupSession(Mode.AUDIT, MYSQL);
        sim.jobs("START TRANSACTION WITH CONSISTENT SNAPSHOT", "SELECT * FROM t1");
        sim.serverState = new ObservedState(null, null, null);

        sim.run(st("CALL p()"));
        sim.job("SELECT * FROM t2");

        assertThat(sim.protocol.verdict().consistent()).isFalse();
        sim.close();
        assertThat(sim.sent.subList(sim.sent.indexOf("CALL p()"), sim.sent.size()))
                .as("a lock it could not rule out is released").contains("UNLOCK TABLES");
    }

    @Test
    void aSnapshotTheServerVouchesForKeepsTheBackupConsistent() {
        // MariaDB without BINLOG ADMIN: the guard captured the snapshot's coordinates, and the server's frozen
        // binlog_snapshot_position after the statement is still theirs.
        Simulation sim = backupSession(Mode.ENFORCE, MARIADB);
        sim.server = (st, job) -> st.sql().startsWith("SET SESSION sql_log_bin") ? 1227 : 0;
        sim.jobs("SELECT * FROM t1");
        assertThat(sim.protocol.coordinates()).isNotNull();
        sim.serverState = new ObservedState(false, true, true);

        sim.run(st("CALL log_progress()"));
        assertThat(sim.job("SELECT * FROM t2")).isTrue();

        assertThat(sim.protocol.verdict().consistent()).isTrue();
        sim.close();
        assertThat(sim.sent.subList(sim.sent.indexOf("CALL log_progress()"), sim.sent.size()))
                .as("the lock was ruled out").doesNotContain("UNLOCK TABLES");
    }

    /**
     * MySQL's INNODB_TRX says a transaction is open, not that it is the one the backup started: a procedure that
     * commits and starts another (COMMIT; START TRANSACTION WITH CONSISTENT SNAPSHOT) leaves one open too.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ENFORCE", "AUDIT"})
    void anOpenTransactionTheServerCannotCompareIsTakenAsAnotherSnapshot(Mode mode) {
        Simulation sim = backupSession(mode, MYSQL);
        sim.jobs("START TRANSACTION WITH CONSISTENT SNAPSHOT", "SELECT * FROM t1");
        sim.serverState = new ObservedState(false, true, null);

        sim.run(st("CALL restart_snapshot()"));

        assertThat(sim.findings).filteredOn(f -> f.rule() == Rule.OPAQUE_STATEMENT).extracting(Finding::detail)
                .anySatisfy(d -> assertThat(d).contains("could not tell whether the open transaction is still the "
                        + "snapshot"));
        if (mode == Mode.ENFORCE) {
            assertThat(sim.job("SELECT * FROM t2")).as("a read from another moment is refused").isFalse();
        } else {
            sim.job("SELECT * FROM t2");
            assertThat(sim.protocol.verdict().consistent()).isFalse();
        }
    }

    /** A procedure may release the job's LOCK TABLES locks (UNLOCK TABLES, START TRANSACTION), which no check shows. */
    @Test
    void tableLocksHeldAcrossAnOpaqueStatementNoLongerVouchForTheReadsAfterIt() {
        Simulation sim = backupSession(Mode.AUDIT, MARIADB);
        sim.jobs("LOCK TABLES t1 READ, t2 READ", "SELECT * FROM t1");
        sim.serverState = new ObservedState(null, false, null); // the lock check meets the table lock: 1099

        sim.run(st("CALL p()"));
        sim.job("SELECT * FROM t2");

        assertThat(sim.protocol.verdict().consistent()).isFalse();
        assertThat(sim.violations).filteredOn(f -> f.rule() == Rule.OPAQUE_STATEMENT).extracting(Finding::detail)
                .singleElement().satisfies(d -> assertThat(d).contains("LOCK TABLES locks may have been released "
                        + "inside CALL p()"));
        sim.close();
        assertThat(sim.sent).endsWith("UNLOCK TABLES");
    }

    /**
     * Before the connection is a backup session nothing checks the server after an opaque statement: a procedure may
     * have ended the transaction the job opened (COMMIT, then a failure), so the reads in it are not one moment.
     */
    @ParameterizedTest
    @ValueSource(strings = {"START TRANSACTION READ ONLY", "BEGIN"})
    void aTransactionAnOpaqueStatementRanInBeforeTheBackupSessionNoLongerVouchesForItsReads(String begin) {
        for (boolean failed : new boolean[] {false, true}) {
            Simulation sim = Simulation.of(Mode.AUDIT, Role.BACKUP_JOB, MARIADB);
            sim.server = (st, job) -> failed && st.kind() == Kind.OPAQUE ? 1644 : 0;
            sim.jobs(begin);
            sim.run(st("CALL commit_then_fail()"));
            assertThat(sim.checkedAfter).as("not a backup session yet").isEmpty();

            sim.jobs("SELECT * FROM t1", "SELECT * FROM t2");

            assertThat(sim.protocol.verdict().consistent()).as("failed: %s", failed).isFalse();
            assertThat(sim.violations).filteredOn(f -> f.rule() == Rule.OPAQUE_STATEMENT).extracting(Finding::detail)
                    .anySatisfy(d -> assertThat(d).contains("the transaction may have ended inside CALL "
                            + "commit_then_fail()"));
        }
    }

    /** In a GUARDRAIL session a transaction with a read view can run an opaque statement before the backup begins. */
    @Test
    void aReadViewAnOpaqueStatementRanInBeforeTheBackupSessionNoLongerVouchesForItsReads() {
        Simulation sim = Simulation.of(Mode.AUDIT, Role.GUARDRAIL, MYSQL);
        sim.jobs("START TRANSACTION", "SELECT * FROM t0");
        sim.run(st("CALL commit_it()"));
        sim.jobs("LOCK INSTANCE FOR BACKUP"); // the backup session begins: no implicit commit (MySQL 8.4, 15.3.3)
        assertThat(sim.protocol.isBackupSession()).isTrue();

        sim.jobs("SELECT * FROM t1", "SELECT * FROM t2");

        assertThat(sim.protocol.verdict().consistent()).isFalse();
        sim.close();
    }

    /**
     * EXECUTE of a prepared statement backup-guard no longer knows (a procedure may have prepared it again) may read a
     * table: once the snapshot has ended, at another moment than the tables read before it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ENFORCE", "AUDIT"})
    void anOpaqueStatementAfterTheSnapshotEndedMayReadAnotherMoment(Mode mode) {
        Simulation sim = backupSession(mode, MYSQL);
        sim.jobs("START TRANSACTION WITH CONSISTENT SNAPSHOT", "SELECT * FROM t1"); // the guard's, or the job's
        sim.serverState = new ObservedState(false, false, null); // the procedure committed
        sim.run(st("CALL commit_it()"));
        assertThat(sim.protocol.inSnapshot()).isFalse();

        boolean ran = sim.run(st("EXECUTE s"));

        if (mode == Mode.ENFORCE) {
            assertThat(ran).isFalse();
            assertThat(sim.refusals).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo(Rule.OPAQUE_STATEMENT);
                assertThat(f.detail()).contains("another moment").contains("t1");
            });
            assertThat(sim.protocol.verdict().consistent()).isTrue();
        } else {
            assertThat(sim.protocol.verdict().consistent()).isFalse();
            assertThat(sim.violations).filteredOn(f -> f.rule() == Rule.OPAQUE_STATEMENT)
                    .extracting(Finding::statement).containsExactly("EXECUTE s");
        }
    }

    /**
     * In a backup session with neither snapshot nor lock (its start failed, or the job runs without one), what a
     * statement backup-guard cannot see into reads is a moment of its own, as a read would be.
     */
    @ParameterizedTest
    @ValueSource(strings = {"EXECUTE s", "SELECT * FROM t1"})
    void whatAnOpaqueStatementReadsWithoutSnapshotOrLockIsAMomentOfItsOwn(String next) {
        Simulation sim = backupSession(Mode.AUDIT, MARIADB);
        sim.serverState = new ObservedState(false, false, null);

        sim.run(st("EXECUTE s"));
        sim.run(st(next));

        assertThat(sim.protocol.verdict().consistent()).isFalse();
        assertThat(sim.violations).extracting(Finding::rule).contains(next.startsWith("EXECUTE")
                ? Rule.OPAQUE_STATEMENT : Rule.SNAPSHOT_START);
    }

    @Test
    void anOpaqueStatementInsideTheSnapshotIsNoReadOfAnotherMoment() {
        Simulation sim = backupSession(Mode.AUDIT, MYSQL);
        sim.jobs("START TRANSACTION WITH CONSISTENT SNAPSHOT", "SELECT * FROM t1");
        sim.run(st("EXECUTE s"));

        assertThat(sim.violations).extracting(Finding::rule).doesNotContain(Rule.OPAQUE_STATEMENT);
    }

    /**
     * The server refuses FLUSH TABLES WITH READ LOCK under LOCK TABLES (1192, docs/server-facts.md fact 11), unless a
     * statement backup-guard cannot see into released them: then the lock it took is one the model does not hold, and
     * a START TRANSACTION (which releases table locks, not the global read lock) must not make the end forget it.
     * (Enforce mode answers the job's LOCK TABLES itself, with its snapshot.)
     */
    @Test
    void aGlobalReadLockAskedForAfterTheTableLocksMayHaveBeenReleasedIsReleasedAtTheEnd() {
        Simulation sim = Simulation.of(Mode.AUDIT, Role.GUARDRAIL, MARIADB);
        sim.jobs("LOCK TABLES t1 READ, t2 READ", "SELECT * FROM t1");
        sim.serverState = new ObservedState(false, false, null); // the table locks were released inside
        sim.run(st("IF 1 THEN UNLOCK TABLES; END IF"));
        sim.jobs("FLUSH TABLES WITH READ LOCK", "BEGIN");
        int end = sim.sent.size();

        sim.close();

        assertThat(sim.sent.subList(end, sim.sent.size())).contains("UNLOCK TABLES");
    }

    /**
     * Inside START TRANSACTION READ ONLY the lock check cannot tell (1792, docs/server-facts.md fact 11): the global
     * read lock the model held may have been released inside the statement, so it no longer makes two reads one
     * moment; it is still bounded and released as if held.
     */
    @Test
    void aGlobalReadLockTheCheckCannotVouchForNoLongerMakesTwoReadsOneMoment() {
        Simulation sim = Simulation.of(Mode.AUDIT, Role.GUARDRAIL, MARIADB);
        sim.jobs("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", "FLUSH TABLES WITH READ LOCK",
                "START TRANSACTION READ ONLY", "SELECT * FROM t1");
        sim.serverState = new ObservedState(null, true, null);

        sim.run(st("IF 1 THEN UNLOCK TABLES; END IF"));
        sim.jobs("SELECT * FROM t2");

        assertThat(sim.protocol.verdict().consistent()).isFalse();
        assertThat(sim.protocol.holdsGlobalLock()).isTrue();
        sim.close();
        assertThat(sim.sent).endsWith("UNLOCK TABLES");
    }

    @Test
    void enforceModeRefusesThemWhileTheGuardHasBinaryLoggingOff() {
        Simulation sim = backupSession(Mode.ENFORCE, MARIADB);
        sim.jobs("SELECT * FROM t1");
        assertThat(sim.sent).contains("SET SESSION sql_log_bin = 0");

        assertThat(sim.run(st("CALL write_a_log_row()"))).isFalse();

        assertThat(sim.refusals).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo(Rule.OPAQUE_STATEMENT);
            assertThat(f.detail()).contains("sql_log_bin=0", "would not reach the binary log");
        });
    }

    @Test
    void theRuleOffLetsThemPassUnchecked() {
        Simulation sim = new Simulation(new ProtocolSettings(Mode.BLOCK, Role.BACKUP_JOB, SnapshotWay.AUTO,
                Map.of(Rule.OPAQUE_STATEMENT, Mode.OFF), false, ProtocolSettings.DEFAULT_SAVEPOINT), MARIADB);
        sim.protocol.markBackup();

        assertThat(sim.run(st("CALL p()"))).isTrue();
        assertThat(sim.checkedAfter).isEmpty();
    }

    @Test
    void executeOfAKnownTextIsPlannedAsThatText() {
        text.executed(st("PREPARE s FROM 'FLUSH TABLES WITH READ LOCK'"));
        Simulation sim = Simulation.of(Mode.ENFORCE, Role.GUARDRAIL, MARIADB);

        sim.run(st("EXECUTE s"));

        assertThat(sim.protocol.isBackupSession()).as("FTWRL makes a backup session").isTrue();
    }
}
