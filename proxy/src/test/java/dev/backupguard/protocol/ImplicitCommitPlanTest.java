package dev.backupguard.protocol;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statement by statement and server by server, what the planner does with a statement that may commit implicitly
 * inside a backup snapshot (enforce and block refuse it, audit reports it, outside the snapshot it passes) and what
 * the judge makes of it (every later read is from another moment), also when the server refused it.
 *
 * <p>Which statements commit where: MySQL 8.4 Reference Manual, 15.3.3 "Statements That Cause an Implicit Commit";
 * MariaDB "SQL statements That Cause an Implicit Commit", corrected by MariaDB 11.4.5 itself (docs/server-facts.md,
 * fact 12). MariaDB 10.6 is taken at its list's word.
 */
class ImplicitCommitPlanTest {

    static final ServerFacts MYSQL_84 = ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.4.3");
    static final ServerFacts MARIADB_114 = ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log");
    static final ServerFacts MARIADB_106 = ServerFacts.of(ServerFacts.Flavor.MARIADB, "10.6.20-MariaDB");

    /** A statement and whether it commits on MySQL 8.4, on MariaDB 11.4 and on MariaDB 10.6. */
    record Row(String sql, boolean mysql, boolean mariadb114, boolean mariadb106) {
        boolean commitsOn(ServerFacts facts) {
            return facts == MYSQL_84 ? mysql : facts == MARIADB_114 ? mariadb114 : mariadb106;
        }
    }

    private static Row everywhere(String sql) {
        return new Row(sql, true, true, true);
    }

    private static Row nowhere(String sql) {
        return new Row(sql, false, false, false);
    }

    /** Listed by both manuals; MariaDB 11.4.5 keeps the transaction open (fact 12). */
    private static Row notOnMariaDb114(String sql) {
        return new Row(sql, true, false, true);
    }

    static final List<Row> ROWS = List.of(
            // administrative statements
            everywhere("ANALYZE TABLE scratch"),
            everywhere("ANALYZE NO_WRITE_TO_BINLOG TABLE scratch, scratch2"),
            everywhere("OPTIMIZE TABLE scratch"),
            everywhere("REPAIR TABLE scratch"),
            everywhere("CHECK TABLE scratch"),
            everywhere("CHECK VIEW v"),
            everywhere("RESET MASTER"),
            everywhere("RESET QUERY CACHE"),
            everywhere("FLUSH PRIVILEGES"),
            everywhere("FLUSH TABLES scratch FOR EXPORT"),
            everywhere("SET STATEMENT max_statement_time=10 FOR ANALYZE TABLE scratch"),
            // account management
            everywhere("GRANT SELECT ON d.* TO 'u'@'%'"),
            everywhere("REVOKE SELECT ON d.* FROM 'u'@'%'"),
            everywhere("GRANT r1 TO 'u'@'%'"),
            everywhere("SET PASSWORD FOR 'u'@'%' = 'x'"),
            everywhere("SET DEFAULT ROLE NONE FOR 'u'@'%'"),
            everywhere("CREATE USER 'u'@'%'"),
            everywhere("ALTER USER 'u'@'%' IDENTIFIED BY 'x'"),
            everywhere("DROP USER IF EXISTS 'u'@'%'"),
            everywhere("RENAME USER 'u'@'%' TO 'v'@'%'"),
            everywhere("CREATE ROLE r1"),
            everywhere("DROP ROLE r1"),
            // plugins, DDL of every object
            everywhere("INSTALL PLUGIN p SONAME 'p.so'"),
            everywhere("UNINSTALL PLUGIN p"),
            everywhere("INSTALL SONAME 'p'"),
            everywhere("UNINSTALL SONAME 'p'"),
            everywhere("CREATE TABLE t9 (a INT)"),
            everywhere("CREATE TABLE t9 AS SELECT * FROM scratch"),
            everywhere("ALTER TABLE scratch COMMENT 'x'"),
            everywhere("DROP TABLE IF EXISTS t9"),
            everywhere("TRUNCATE TABLE scratch"),
            everywhere("RENAME TABLE scratch TO s9"),
            everywhere("CREATE INDEX i9 ON scratch (id)"),
            everywhere("DROP INDEX i9 ON scratch"),
            everywhere("CREATE DATABASE d9"),
            everywhere("DROP DATABASE IF EXISTS d9"),
            everywhere("CREATE OR REPLACE VIEW v AS SELECT 1"),
            everywhere("DROP VIEW IF EXISTS v"),
            everywhere("CREATE PROCEDURE p9() BEGIN END"),
            everywhere("DROP PROCEDURE IF EXISTS p9"),
            everywhere("CREATE FUNCTION f9() RETURNS INT RETURN 1"),
            everywhere("ALTER FUNCTION f9 COMMENT 'x'"),
            everywhere("CREATE TRIGGER tr9 BEFORE INSERT ON scratch FOR EACH ROW SET @x = 1"),
            everywhere("DROP TRIGGER IF EXISTS tr9"),
            everywhere("CREATE EVENT e9 ON SCHEDULE EVERY 1 DAY DO DELETE FROM scratch"),
            everywhere("ALTER EVENT e9 DISABLE"),
            everywhere("CREATE SERVER s9 FOREIGN DATA WRAPPER mysql OPTIONS (HOST 'h')"),
            everywhere("ALTER SERVER s9 OPTIONS (USER 'x')"),
            everywhere("DROP SERVER IF EXISTS s9"),
            everywhere("CREATE SEQUENCE q9"),
            everywhere("ALTER TABLESPACE ts ADD DATAFILE 'f.ibd'"),
            // MySQL's own (their servers flag them as committing; MariaDB cannot parse them)
            everywhere("INSTALL COMPONENT 'file://component_validate_password'"),
            everywhere("CHANGE REPLICATION FILTER REPLICATE_DO_DB = (d)"),
            everywhere("CLONE LOCAL DATA DIRECTORY = '/tmp/c'"),
            everywhere("IMPORT TABLE FROM '/tmp/t.sdi'"),
            everywhere("STOP GROUP_REPLICATION"),
            // MariaDB's backup statements: every BACKUP STAGE and BACKUP LOCK commit (fact 12)
            everywhere("BACKUP STAGE START"),
            everywhere("BACKUP STAGE FLUSH"),
            everywhere("BACKUP STAGE BLOCK_DDL"),
            everywhere("BACKUP STAGE BLOCK_COMMIT"),
            everywhere("BACKUP LOCK scratch"),
            everywhere("BACKUP UNLOCK"),
            // where the servers differ
            notOnMariaDb114("CACHE INDEX scratch IN hot_cache"),
            notOnMariaDb114("LOAD INDEX INTO CACHE scratch"),
            notOnMariaDb114("CHANGE MASTER TO MASTER_HOST='h'"),
            notOnMariaDb114("CHANGE REPLICATION SOURCE TO SOURCE_HOST='h'"),
            notOnMariaDb114("START SLAVE"),
            notOnMariaDb114("START REPLICA"),
            notOnMariaDb114("STOP SLAVE"),
            notOnMariaDb114("STOP REPLICA"),
            // statements that do not commit
            nowhere("CREATE TEMPORARY TABLE tmp9 (a INT)"),
            nowhere("CREATE OR REPLACE TEMPORARY TABLE tmp9 AS SELECT 1"),
            nowhere("DROP TEMPORARY TABLE IF EXISTS tmp9"),
            nowhere("PURGE BINARY LOGS BEFORE '2000-01-01 00:00:00'"),
            nowhere("LOCK INSTANCE FOR BACKUP"),
            nowhere("UNLOCK INSTANCE"),
            nowhere("CHECKSUM TABLE scratch"),
            nowhere("ANALYZE SELECT * FROM scratch"),
            nowhere("SET ROLE NONE"),
            nowhere("RESET PERSIST"),
            nowhere("DROP PREPARE s"),
            nowhere("START GROUP_REPLICATION"),
            nowhere("SHOW GRANTS"),
            nowhere("DO 1"));

    static Stream<Arguments> rows() {
        List<Arguments> out = new ArrayList<>();
        for (Row row : ROWS) {
            for (ServerFacts facts : List.of(MYSQL_84, MARIADB_114, MARIADB_106)) {
                out.add(Arguments.of(row.sql(), facts.flavor() + " " + facts.version(), facts, row.commitsOn(facts)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} on {1}: commits {3}")
    @MethodSource("rows")
    void enforceRefusesItInsideTheGuardsSnapshot(String sql, String server, ServerFacts facts, boolean commits) {
        Simulation s = Simulation.of(Mode.ENFORCE, Role.BACKUP_JOB, facts).jobs("SELECT * FROM secrets");
        assertThat(s.protocol.inSnapshot()).isTrue();

        boolean passed = s.job(sql);

        assertThat(passed).isEqualTo(!commits);
        if (commits) {
            assertThat(s.refusals).singleElement().satisfies(f -> {
                assertThat(f.rule()).isEqualTo(Rule.IMPLICIT_COMMIT);
                assertThat(f.rule().sqlState()).isEqualTo("25001");
                assertThat(f.outcome()).isEqualTo(Finding.Outcome.REFUSED);
            });
            assertThat(s.sent).doesNotContain(sql);
        }
        assertThat(s.protocol.inSnapshot()).as("the snapshot is still open").isTrue();
        s.jobs("SELECT * FROM scratch2");
        assertThat(s.consistencyViolations()).isEmpty();
    }

    @ParameterizedTest(name = "{0} on {1}: commits {3}")
    @MethodSource("rows")
    void blockRefusesItInsideTheJobsSnapshot(String sql, String server, ServerFacts facts, boolean commits) {
        Simulation s = Simulation.of(Mode.BLOCK, Role.BACKUP_JOB, facts).jobs(
                "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "START TRANSACTION WITH CONSISTENT SNAPSHOT", "SELECT * FROM secrets");
        assertThat(s.protocol.inSnapshot()).isTrue();

        assertThat(s.job(sql)).isEqualTo(!commits);

        assertThat(s.refusals).extracting(Finding::rule).containsExactlyElementsOf(
                commits ? List.of(Rule.IMPLICIT_COMMIT) : List.of());
    }

    @ParameterizedTest(name = "{0} on {1}: commits {3}")
    @MethodSource("rows")
    void auditReportsItAndJudgesTheReadsAfterItNotConsistent(String sql, String server, ServerFacts facts,
                                                             boolean commits) {
        Audit.Result r = Audit.judge(List.of("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "START TRANSACTION WITH CONSISTENT SNAPSHOT", "SELECT * FROM secrets", sql, "SELECT * FROM scratch2"),
                facts, Role.BACKUP_JOB);

        assertThat(r.consistent()).isEqualTo(!commits);
        if (commits) {
            assertThat(r.wouldDo()).anySatisfy(f -> {
                assertThat(f.rule()).isEqualTo(Rule.IMPLICIT_COMMIT);
                assertThat(f.outcome()).isEqualTo(Finding.Outcome.WOULD_REFUSE);
                assertThat(f.position()).isEqualTo(4);
            });
            assertThat(r.violations()).anySatisfy(f -> {
                assertThat(f.rule()).isEqualTo(Rule.IMPLICIT_COMMIT);
                assertThat(f.position()).isEqualTo(5);
                assertThat(f.detail()).contains("the snapshot was ended by");
            });
        } else {
            assertThat(r.wouldDo()).noneMatch(f -> f.rule() == Rule.IMPLICIT_COMMIT);
        }
    }

    @ParameterizedTest(name = "{0} on {1}: commits {3}")
    @MethodSource("rows")
    void theJudgeEndsTheSnapshotAlsoWhenTheServerRefusedTheStatement(String sql, String server, ServerFacts facts,
                                                                     boolean commits) {
        // 1227: access denied (MariaDB 11.4.5 commits first, then refuses: fact 12). 1064: never parsed, never ran.
        assertThat(judgedWithFailure(sql, facts, 1227)).isEqualTo(!commits);
        assertThat(judgedWithFailure(sql, facts, 1064)).isTrue();
    }

    @ParameterizedTest(name = "{0} on {1}: commits {3}")
    @MethodSource("rows")
    void outsideASnapshotItPasses(String sql, String server, ServerFacts facts, boolean commits) {
        for (Role role : Role.values()) {
            Simulation s = Simulation.of(Mode.ENFORCE, role, facts);
            assertThat(s.job(sql)).as(role.name()).isTrue();
            assertThat(s.sent).as(role.name()).contains(sql);
            assertThat(s.findings).as(role.name()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0} on {1}: commits {3}")
    @MethodSource("rows")
    void afterTheJobsFinalCommitItPasses(String sql, String server, ServerFacts facts, boolean commits) {
        Simulation s = Simulation.of(Mode.ENFORCE, Role.BACKUP_JOB, facts);
        s.jobs("SELECT * FROM secrets");
        s.call(JdbcCall.COMMIT); // answered OK, the snapshot kept until the backup is over

        assertThat(s.job(sql)).isTrue();

        assertThat(s.sent).contains(sql);
        // Work that commits (and any DDL) shows the backup is over: the session ended before it (ROLLBACK of the
        // snapshot); a statement that does not commit runs in the snapshot kept open.
        assertThat(s.protocol.sessionsEnded()).isEqualTo(commits || sql.contains("TEMPORARY") ? 1 : 0);
        assertThat(s.consistencyViolations()).isEmpty();
    }

    /** The judge's verdict on a snapshot, a read, {@code sql} refused by the server with {@code code}, a read. */
    private static boolean judgedWithFailure(String sql, ServerFacts facts, int code) {
        SessionProtocol p = new SessionProtocol(ProtocolSettings.of(Mode.AUDIT, Role.BACKUP_JOB));
        p.facts(facts);
        List<Finding> violations = new ArrayList<>();
        for (String each : List.of("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                "START TRANSACTION WITH CONSISTENT SNAPSHOT", "SELECT * FROM secrets", sql, "SELECT * FROM scratch2")) {
            Statement st = Classifier.classify(each);
            p.plan(st);
            violations.addAll(each.equals(sql) ? p.failed(st, code) : p.sent(st));
        }
        return violations.stream().noneMatch(f -> f.rule().severity() == Rule.Severity.CONSISTENCY);
    }
}
