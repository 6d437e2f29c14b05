package dev.backupguard.protocol;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.Statement;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ImplicitCommit} itself, and the judge's reading of "SAVEPOINT ... does not exist": a snapshot that ended
 * without any statement the fact knows of. The statement-by-statement table is {@link ImplicitCommitPlanTest}.
 */
class ImplicitCommitTest {

    static final ServerFacts MYSQL_80 = ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.0.40");
    static final ServerFacts PERCONA_84 = ServerFacts.of(ServerFacts.Flavor.PERCONA, "8.4.2-2");
    static final ServerFacts MARIADB_114 = ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log");
    static final ServerFacts MARIADB_118 = ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.8.2-MariaDB");
    static final ServerFacts MARIADB_105 = ServerFacts.of(ServerFacts.Flavor.MARIADB, "10.5.27-MariaDB");

    private static boolean commits(String sql, ServerFacts facts) {
        return ImplicitCommit.commits(Classifier.classify(sql), facts, false, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"CACHE INDEX t IN c", "LOAD INDEX INTO CACHE t", "CHANGE MASTER TO MASTER_HOST='h'",
            "START SLAVE", "STOP REPLICA"})
    void keyCacheAndReplicationStatementsCommitOnMySqlAndOlderMariaDbOnlyByTheirListsWord(String sql) {
        // MySQL 8.4 manual, 15.3.3: administrative and replication control statements commit implicitly.
        assertThat(commits(sql, MYSQL_80)).isTrue();
        assertThat(commits(sql, PERCONA_84)).isTrue();
        assertThat(commits(sql, MARIADB_105)).as("MariaDB's list names it").isTrue();
        // MariaDB 11.4.5 keeps the transaction (docs/server-facts.md, fact 12), and so do its successors.
        assertThat(commits(sql, MARIADB_114)).isFalse();
        assertThat(commits(sql, MARIADB_118)).isFalse();
        assertThat(commits(sql, null)).as("facts not learned yet: any server's commit counts").isTrue();
    }

    @Test
    void whatOneFlavourCannotParseMayBeASyntaxErrorThere() {
        // MySQL 8.4 Reference Manual, "What Is New in MySQL 8.4 since MySQL 8.0": the replication statements' old
        // names are removed; MariaDB's BACKUP statements, ALL SLAVES and SONAME forms are its own, CLONE is MySQL's.
        for (String sql : List.of("START SLAVE", "STOP SLAVE", "CHANGE MASTER TO MASTER_HOST='h'", "RESET MASTER")) {
            assertThat(ImplicitCommit.maySyntaxError(Classifier.classify(sql), PERCONA_84)).as(sql).isTrue();
            assertThat(ImplicitCommit.maySyntaxError(Classifier.classify(sql), MYSQL_80)).as(sql).isFalse();
            assertThat(ImplicitCommit.maySyntaxError(Classifier.classify(sql), MARIADB_114)).as(sql).isFalse();
        }
        for (String sql : List.of("BACKUP STAGE START", "BACKUP LOCK t", "START ALL SLAVES", "INSTALL SONAME 'x'",
                "RESET QUERY CACHE")) {
            assertThat(ImplicitCommit.maySyntaxError(Classifier.classify(sql), MYSQL_80)).as(sql).isTrue();
            assertThat(ImplicitCommit.maySyntaxError(Classifier.classify(sql), MARIADB_105)).as(sql).isFalse();
        }
        for (String sql : List.of("CLONE LOCAL DATA DIRECTORY = '/tmp/c'", "CHANGE REPLICATION SOURCE TO SOURCE_HOST='h'",
                "STOP GROUP_REPLICATION", "INSTALL COMPONENT 'file://c'")) {
            assertThat(ImplicitCommit.maySyntaxError(Classifier.classify(sql), MARIADB_114)).as(sql).isTrue();
            assertThat(ImplicitCommit.maySyntaxError(Classifier.classify(sql), PERCONA_84)).as(sql).isFalse();
        }
        for (String sql : List.of("START REPLICA", "RESET REPLICA", "ANALYZE TABLE t", "GRANT SELECT ON *.* TO u",
                "INSTALL PLUGIN p SONAME 'p.so'", "COMMIT")) {
            for (ServerFacts facts : java.util.Arrays.asList(MYSQL_80, PERCONA_84, MARIADB_114, null)) {
                assertThat(ImplicitCommit.maySyntaxError(Classifier.classify(sql), facts)).as(sql).isFalse();
            }
        }
        assertThat(ImplicitCommit.maySyntaxError(Classifier.classify("START SLAVE"), null)).as("server unknown")
                .isTrue();
    }

    @Test
    void unlockTablesCommitsOnlyWhenTableLocksAreHeld() {
        Statement unlock = Classifier.classify("UNLOCK TABLES");
        assertThat(ImplicitCommit.commits(unlock, MARIADB_114, true, false)).isTrue();
        assertThat(ImplicitCommit.commits(unlock, MARIADB_114, false, false)).isFalse();
    }

    @Test
    void setAutocommitOneCommitsAndZeroDoesNot() {
        assertThat(commits("SET autocommit = 1", MYSQL_80)).isTrue();
        assertThat(commits("SET autocommit = 0", MYSQL_80)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {1227, 1142, 1044, 1698, 1126, 1146, 4146, 1205, 1317, 0})
    void aRefusedOrFailingStatementHasCommittedAllTheSame(int code) {
        for (String sql : List.of("GRANT SELECT ON *.* TO u", "FLUSH TABLES WITH READ LOCK", "LOCK TABLES t READ",
                "BACKUP STAGE START", "ALTER TABLE t ADD COLUMN c INT")) {
            assertThat(ImplicitCommit.commitsWhenFailed(Classifier.classify(sql), code, MARIADB_114, false, false))
                    .as(sql).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1064, 1149, 1399, 1400})
    void aStatementTheServerNeverRanCommittedNothing(int code) {
        assertThat(ImplicitCommit.commitsWhenFailed(Classifier.classify("GRANT SELECT ON *.* TO u"), code,
                MARIADB_114, false, false)).isFalse();
    }

    @Test
    void theCommandIsNamedAsTheManualsNameIt() {
        assertThat(ImplicitCommit.command(Classifier.classify("analyze local table t"))).isEqualTo("ANALYZE TABLE");
        assertThat(ImplicitCommit.command(Classifier.classify("CREATE TABLE t (a INT)"))).isEqualTo("DDL");
        assertThat(ImplicitCommit.command(Classifier.classify("BACKUP STAGE BLOCK_DDL")))
                .isEqualTo("BACKUP STAGE BLOCK_DDL");
        assertThat(ImplicitCommit.command(Classifier.classify("FLUSH PRIVILEGES"))).isEqualTo("FLUSH");
    }

    // ------------------------------------------------------------------------------------------------ 1305

    @Test
    void aSavepointTheServerNoLongerKnowsShowsTheSnapshotEndedAtTheStatementItCouldNotSeeInto() {
        // Without BINLOG ADMIN on MariaDB the guard sends no ROLLBACK TO SAVEPOINT between tables: b is read after
        // the procedure's COMMIT, and only the RELEASE SAVEPOINT at the end finds the transaction gone.
        Judged j = judge(MARIADB_114, "START TRANSACTION WITH CONSISTENT SNAPSHOT", "SAVEPOINT sp",
                "SELECT * FROM a", "CALL p()", "SELECT * FROM b", "!1305 RELEASE SAVEPOINT sp", "SELECT * FROM c");

        assertThat(j.violations).extracting(Finding::rule, Finding::position)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Rule.IMPLICIT_COMMIT, 6L),
                        org.assertj.core.groups.Tuple.tuple(Rule.IMPLICIT_COMMIT, 7L));
        assertThat(j.violations.get(0).detail()).contains("ended, by CALL p()").contains("savepoint sp")
                .contains("error 1305").contains("[b]").doesNotContain("a,");
        assertThat(j.violations.get(1).detail()).contains("the snapshot was ended by CALL p()");
        assertThat(j.protocol.inSnapshot()).isFalse();
        assertThat(j.protocol.unseenSnapshotEnd()).isNull(); // the last call, SELECT c, was no failure
    }

    @Test
    void nothingReadSinceTheUnseenEndLeavesTheBackupConsistentAndExplainsTheFailure() {
        Judged j = judge(MARIADB_114, "START TRANSACTION WITH CONSISTENT SNAPSHOT", "SAVEPOINT sp",
                "SELECT * FROM a", "CALL p()", "!1305 ROLLBACK TO SAVEPOINT sp");

        assertThat(j.violations).isEmpty();
        assertThat(j.protocol.inSnapshot()).isFalse();
        assertThat(j.protocol.unseenSnapshotEnd()).satisfies(f -> {
            assertThat(f.rule()).isEqualTo(Rule.IMPLICIT_COMMIT);
            assertThat(f.outcome()).isEqualTo(Finding.Outcome.REFUSED);
            assertThat(f.detail()).contains("ended, by CALL p()").contains("error 1305");
        });
    }

    @Test
    void withNothingOpaqueTheReadsSinceTheLastProofTheTransactionLivedAreSuspect() {
        Judged proven = judge(MARIADB_114, "START TRANSACTION WITH CONSISTENT SNAPSHOT", "SAVEPOINT sp",
                "SELECT * FROM a", "ROLLBACK TO SAVEPOINT sp", "!1305 RELEASE SAVEPOINT sp");
        assertThat(proven.violations).isEmpty();

        Judged unproven = judge(MARIADB_114, "START TRANSACTION WITH CONSISTENT SNAPSHOT", "SAVEPOINT sp",
                "SELECT * FROM a", "ROLLBACK TO SAVEPOINT sp", "SELECT * FROM b", "!1305 RELEASE SAVEPOINT sp");
        assertThat(unproven.violations).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo(Rule.IMPLICIT_COMMIT);
            assertThat(f.detail()).contains("a statement backup-guard did not recognise as committing").contains("[b]");
        });
    }

    @Test
    void aSavepointSetAfterTheOpaqueStatementProvesNothing() {
        // Outside a transaction with autocommit on, SAVEPOINT succeeds and sets nothing (MariaDB's
        // trans_savepoint() returns at once unless a multi-statement transaction is in progress); with autocommit
        // off it belongs to the next transaction. Either way the snapshot may have ended before it.
        Judged j = judge(MARIADB_114, "START TRANSACTION WITH CONSISTENT SNAPSHOT", "SAVEPOINT sp",
                "SELECT * FROM a", "CALL p()", "SELECT * FROM b", "SAVEPOINT later", "!1305 RELEASE SAVEPOINT sp");

        assertThat(j.violations).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo(Rule.IMPLICIT_COMMIT);
            assertThat(f.detail()).contains("ended, by CALL p()").contains("[b]");
        });
    }

    @Test
    void aRollbackToASavepointSetAfterTheOpaqueStatementProvesNothingEither() {
        Judged j = judge(MARIADB_114, "SET autocommit = 0", "START TRANSACTION WITH CONSISTENT SNAPSHOT",
                "SAVEPOINT sp", "SELECT * FROM a", "CALL p()", "SAVEPOINT later", "SELECT * FROM b",
                "ROLLBACK TO SAVEPOINT later", "!1305 RELEASE SAVEPOINT sp");

        assertThat(j.violations).singleElement().satisfies(f -> assertThat(f.detail()).contains("[b]"));
    }

    @Test
    void aProcedureThatFailedMayHaveEndedTheSnapshotBeforeIt() {
        // A COMMIT, then an error (SIGNAL): the commit stands, and the failure says nothing of it.
        Judged j = judge(MARIADB_114, "START TRANSACTION WITH CONSISTENT SNAPSHOT", "SAVEPOINT sp",
                "SELECT * FROM a", "!1644 CALL commit_then_fail()", "SELECT * FROM b", "!1305 RELEASE SAVEPOINT sp");

        assertThat(j.violations).singleElement().satisfies(f ->
                assertThat(f.detail()).contains("ended, by CALL commit_then_fail()").contains("[b]"));
    }

    @Test
    void aSavepointTheSessionNeverSetIsJustAnErrorOfTheJob() {
        Judged j = judge(MARIADB_114, "START TRANSACTION WITH CONSISTENT SNAPSHOT", "SAVEPOINT sp",
                "SELECT * FROM a", "!1305 ROLLBACK TO SAVEPOINT other", "SELECT * FROM b");

        assertThat(j.violations).isEmpty();
        assertThat(j.protocol.inSnapshot()).isTrue();
    }

    private record Judged(SessionProtocol protocol, List<Finding> violations) {
    }

    /** Feeds statements as sent; {@code "!code sql"} is a statement the server answered with error {@code code}. */
    private static Judged judge(ServerFacts facts, String... statements) {
        SessionProtocol p = new SessionProtocol(ProtocolSettings.of(Mode.AUDIT, Role.BACKUP_JOB));
        p.facts(facts);
        List<Finding> violations = new ArrayList<>();
        for (String each : statements) {
            boolean failed = each.startsWith("!");
            String sql = failed ? each.substring(each.indexOf(' ') + 1) : each;
            Statement st = Classifier.classify(sql);
            p.plan(st);
            violations.addAll(failed ? p.failed(st, Integer.parseInt(each.substring(1, each.indexOf(' '))))
                    : p.sent(st));
        }
        List<Finding> consistency = violations.stream()
                .filter(f -> f.rule().severity() == Rule.Severity.CONSISTENCY).toList();
        return new Judged(p, consistency);
    }
}
