package dev.backupguard.facts;

import static dev.backupguard.facts.SessionSql.errorCode;
import static dev.backupguard.facts.SessionSql.exec;
import static dev.backupguard.facts.SessionSql.query;
import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which statements commit implicitly on MariaDB 11.4.5, statement by statement, also when the server refuses them
 * (docs/server-facts.md, fact 12; the fact the guard acts on is {@code dev.backupguard.protocol.ImplicitCommit}).
 *
 * <p>Each case: session A opens {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} and reads t (3 rows); session B
 * commits a fourth row; A runs the statement (as root, or as the application user, who lacks the privilege); then A's
 * {@code @@in_transaction} and its count of t say whether the snapshot survived: 1 and 3 rows, or 0 and 4 rows.
 */
@WithMariaDb
class ImplicitCommitFactsIT {

    private static final String ROLE = "bg_ic_role";
    private static final String USER = "'bg_ic'@'%'";
    private static String db;
    private static MariaDbServer server;

    enum Account { ROOT, APP }

    enum Effect { COMMITS, KEEPS }

    /**
     * @param rootBefore run as root before the case (not in A's session)
     * @param before     run in A's session before its snapshot starts
     * @param rootAfter  run as root after the case
     */
    record Case(Account who, String sql, Effect effect, int error, List<String> rootBefore, List<String> before,
                List<String> rootAfter) {
        @Override
        public String toString() {
            return who + " " + sql + (error == 0 ? "" : " (error " + error + ")") + ": " + effect;
        }
    }

    private static Case root(String sql, Effect effect) {
        return new Case(Account.ROOT, sql, effect, 0, List.of(), List.of(), List.of());
    }

    private static Case root(String sql, Effect effect, int error) {
        return new Case(Account.ROOT, sql, effect, error, List.of(), List.of(), List.of());
    }

    private static Case app(String sql, Effect effect, int error) {
        return new Case(Account.APP, sql, effect, error, List.of(), List.of(), List.of());
    }

    private static Case inSession(String before, String sql, Effect effect, int error) {
        return new Case(Account.ROOT, sql, effect, error, List.of(), List.of(before), List.of());
    }

    private static Case cleaned(String sql, Effect effect, List<String> rootBefore, List<String> rootAfter) {
        return new Case(Account.ROOT, sql, effect, 0, rootBefore, List.of(), rootAfter);
    }

    private static final Effect COMMITS = Effect.COMMITS;
    private static final Effect KEEPS = Effect.KEEPS;

    static Stream<Arguments> cases() {
        String replica = "CHANGE MASTER 'bg_ic' TO MASTER_HOST='127.0.0.1', MASTER_PORT=1, MASTER_CONNECT_RETRY=3600";
        String dropReplica = "RESET SLAVE 'bg_ic' ALL";
        List<Case> cases = List.of(
                // table maintenance
                root("ANALYZE TABLE t", COMMITS),
                root("ANALYZE NO_WRITE_TO_BINLOG TABLE t", COMMITS),
                root("ANALYZE TABLE t PERSISTENT FOR ALL", COMMITS),
                root("OPTIMIZE TABLE t", COMMITS),
                root("REPAIR TABLE t", COMMITS),
                root("CHECK TABLE t", COMMITS),
                root("CHECK TABLE m", COMMITS),
                root("CHECK VIEW v", COMMITS),
                root("REPAIR VIEW v", COMMITS),
                root("SET STATEMENT max_statement_time=10 FOR ANALYZE TABLE t", COMMITS),
                root("CHECKSUM TABLE t", KEEPS),
                root("ANALYZE SELECT * FROM t", KEEPS),
                root("ANALYZE FORMAT=JSON SELECT * FROM t", KEEPS),
                // key caches: listed by MariaDB's documentation, yet they keep the transaction
                root("CACHE INDEX t IN default", KEEPS),
                root("CACHE INDEX m IN default", KEEPS),
                root("LOAD INDEX INTO CACHE t", KEEPS),
                root("LOAD INDEX INTO CACHE m", KEEPS),
                // accounts
                root("GRANT SELECT ON t TO " + USER, COMMITS),
                root("REVOKE SELECT ON t FROM " + USER, COMMITS),
                root("GRANT " + ROLE + " TO " + USER, COMMITS),
                root("REVOKE " + ROLE + " FROM " + USER, COMMITS),
                root("SET PASSWORD FOR " + USER + " = PASSWORD('ic-1')", COMMITS),
                root("ALTER USER " + USER + " IDENTIFIED BY 'ic-2'", COMMITS),
                root("SET DEFAULT ROLE NONE FOR " + USER, COMMITS),
                root("SET ROLE NONE", KEEPS),
                root("CREATE USER IF NOT EXISTS " + USER, COMMITS),
                root("DROP USER IF EXISTS 'bg_ic_none'@'%'", COMMITS),
                cleaned("RENAME USER 'bg_ic_a'@'%' TO 'bg_ic_b'@'%'", COMMITS,
                        List.of("CREATE USER 'bg_ic_a'@'%'"), List.of("DROP USER IF EXISTS 'bg_ic_b'@'%'")),
                root("CREATE ROLE IF NOT EXISTS " + ROLE, COMMITS),
                root("DROP ROLE IF EXISTS bg_ic_no_role", COMMITS),
                // plugins: committed before they fail
                root("INSTALL SONAME 'bg_ic_none'", COMMITS, 1126),
                root("INSTALL PLUGIN bg_ic_none SONAME 'bg_ic_none'", COMMITS, 1126),
                root("UNINSTALL PLUGIN bg_ic_none", COMMITS, 1305),
                root("UNINSTALL SONAME 'bg_ic_none'", COMMITS, 1305),
                root("CREATE FUNCTION bg_ic_udf RETURNS INTEGER SONAME 'bg_ic_none.so'", COMMITS, 1126),
                // RESET, replication: CHANGE MASTER and START/STOP SLAVE keep it (STOP is refused inside one)
                root("RESET QUERY CACHE", COMMITS),
                root("RESET SLAVE", COMMITS),
                root("PURGE BINARY LOGS BEFORE '2000-01-01 00:00:00'", KEEPS),
                root("PURGE MASTER LOGS TO 'bg-ic-none.000001'", KEEPS, 1373),
                cleaned(replica, KEEPS, List.of(), List.of(dropReplica)),
                cleaned("START SLAVE 'bg_ic'", KEEPS, List.of(replica), List.of("STOP SLAVE 'bg_ic'", dropReplica)),
                root("START SLAVE", KEEPS, 1200),
                root("START REPLICA", KEEPS, 1200),
                root("START ALL SLAVES", KEEPS),
                root("STOP SLAVE", KEEPS, 1192),
                root("STOP REPLICA", KEEPS, 1192),
                // backup locks: every BACKUP STAGE commits, also the refused one; so do BACKUP LOCK and UNLOCK
                root("BACKUP STAGE START", COMMITS),
                inSession("BACKUP STAGE START", "BACKUP STAGE FLUSH", COMMITS, 0),
                inSession("BACKUP STAGE START", "BACKUP STAGE BLOCK_DDL", COMMITS, 0),
                inSession("BACKUP STAGE START", "BACKUP STAGE BLOCK_COMMIT", COMMITS, 0),
                inSession("BACKUP STAGE START", "BACKUP STAGE END", COMMITS, 0),
                root("BACKUP STAGE FLUSH", COMMITS, 4146),
                root("BACKUP LOCK t", COMMITS),
                root("BACKUP UNLOCK", COMMITS),
                root("LOCK INSTANCE FOR BACKUP", KEEPS, 1064),
                root("UNLOCK INSTANCE", KEEPS, 1064),
                // DDL of every object
                root("CREATE TABLE IF NOT EXISTS t (id INT)", COMMITS),
                root("CREATE TABLE IF NOT EXISTS t SELECT * FROM t", COMMITS),
                root("ALTER TABLE t2 COMMENT 'ic'", COMMITS),
                root("ALTER TABLE bg_ic_none ADD COLUMN z INT", COMMITS, 1146),
                root("CREATE INDEX IF NOT EXISTS ix ON t2 (id)", COMMITS),
                root("DROP INDEX IF EXISTS bg_ic_none ON t2", COMMITS),
                root("TRUNCATE TABLE t3", COMMITS),
                root("RENAME TABLE t3 TO t3x, t3x TO t3", COMMITS),
                root("DROP TABLE IF EXISTS bg_ic_none", COMMITS),
                root("DROP TABLE bg_ic_none", COMMITS, 1051),
                root("CREATE DATABASE IF NOT EXISTS bg_ic_none_db", COMMITS),
                root("DROP DATABASE IF EXISTS bg_ic_none_db", COMMITS),
                root("CREATE OR REPLACE VIEW v AS SELECT 1 AS one", COMMITS),
                root("ALTER VIEW v AS SELECT 1 AS one", COMMITS),
                root("DROP VIEW IF EXISTS bg_ic_none", COMMITS),
                root("CREATE OR REPLACE PROCEDURE p_select() SELECT 1", COMMITS),
                root("ALTER PROCEDURE p_select COMMENT 'ic'", COMMITS),
                root("DROP PROCEDURE IF EXISTS bg_ic_none", COMMITS),
                root("CREATE OR REPLACE FUNCTION f() RETURNS INT DETERMINISTIC RETURN 1", COMMITS),
                root("ALTER FUNCTION f COMMENT 'ic'", COMMITS),
                root("DROP FUNCTION IF EXISTS bg_ic_none", COMMITS),
                root("CREATE OR REPLACE TRIGGER tr BEFORE INSERT ON t2 FOR EACH ROW SET @ic = 1", COMMITS),
                root("DROP TRIGGER IF EXISTS bg_ic_none", COMMITS),
                root("CREATE OR REPLACE EVENT ev ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1", COMMITS),
                root("ALTER EVENT ev DISABLE", COMMITS),
                root("DROP EVENT IF EXISTS bg_ic_none", COMMITS),
                root("CREATE OR REPLACE SERVER bg_ic_srv FOREIGN DATA WRAPPER mysql OPTIONS (HOST '192.0.2.1')",
                        COMMITS),
                root("ALTER SERVER bg_ic_srv OPTIONS (USER 'ic')", COMMITS),
                root("DROP SERVER IF EXISTS bg_ic_none", COMMITS),
                root("CREATE OR REPLACE SEQUENCE q", COMMITS),
                root("ALTER SEQUENCE q RESTART", COMMITS),
                root("DROP SEQUENCE IF EXISTS bg_ic_none", COMMITS),
                // temporary tables: only the TEMPORARY keyword keeps the transaction
                root("CREATE TEMPORARY TABLE tmp (x INT)", KEEPS),
                root("CREATE OR REPLACE TEMPORARY TABLE tmp AS SELECT 1 AS x", KEEPS),
                root("CREATE TEMPORARY TABLE tmp SELECT * FROM t", KEEPS),
                inSession("CREATE TEMPORARY TABLE tmp (x INT)", "DROP TEMPORARY TABLE tmp", KEEPS, 0),
                inSession("CREATE TEMPORARY TABLE tmp (x INT)", "ALTER TABLE tmp ADD COLUMN y INT", COMMITS, 0),
                inSession("CREATE TEMPORARY TABLE tmp (x INT)", "CREATE INDEX ix ON tmp (x)", COMMITS, 0),
                inSession("CREATE TEMPORARY TABLE tmp (x INT)", "TRUNCATE TABLE tmp", COMMITS, 0),
                inSession("CREATE TEMPORARY TABLE tmp (x INT)", "RENAME TABLE tmp TO tmp2", COMMITS, 0),
                inSession("CREATE TEMPORARY TABLE tmp (x INT)", "DROP TABLE tmp", COMMITS, 0),
                // statements the classifier cannot see into, and others that keep the transaction
                root("CALL p_commit()", COMMITS),
                root("CALL p_select()", KEEPS),
                root("XA START 'bg_ic'", KEEPS, 1400),
                root("XA RECOVER", KEEPS),
                root("DO 1", KEEPS),
                root("HANDLER t OPEN", KEEPS),
                root("KILL QUERY 999999", KEEPS, 1094),
                root("SET autocommit = 1", KEEPS),
                root("DROP PREPARE bg_ic_none", KEEPS, 1243),
                root("PREPARE s FROM 'SELECT 1'", KEEPS),
                root("UNLOCK TABLES", KEEPS),
                root("SELEKT 1", KEEPS, 1064),
                // refused for want of a privilege: committed all the same ...
                app("GRANT SELECT ON t TO " + USER, COMMITS, 1142),
                app("REVOKE SELECT ON t FROM " + USER, COMMITS, 1142),
                app("GRANT " + ROLE + " TO " + USER, COMMITS, 1698),
                app("SET PASSWORD FOR " + USER + " = PASSWORD('ic-3')", COMMITS, 1044),
                app("SET DEFAULT ROLE NONE FOR " + USER, COMMITS, 1044),
                app("ALTER USER " + USER + " IDENTIFIED BY 'ic-4'", COMMITS, 1227),
                app("CREATE USER 'bg_ic_none'@'%'", COMMITS, 1227),
                app("DROP USER " + USER, COMMITS, 1227),
                app("RENAME USER " + USER + " TO 'bg_ic_none'@'%'", COMMITS, 1227),
                app("CREATE ROLE bg_ic_no_role", COMMITS, 1227),
                app("DROP ROLE " + ROLE, COMMITS, 1227),
                app("INSTALL SONAME 'bg_ic_none'", COMMITS, 1142),
                app("UNINSTALL PLUGIN bg_ic_none", COMMITS, 1142),
                app("RESET QUERY CACHE", COMMITS, 1227),
                app("RESET MASTER", COMMITS, 1227),
                app("RESET SLAVE", COMMITS, 1227),
                app("FLUSH STATUS", COMMITS, 1227),
                app("FLUSH LOCAL TABLES", COMMITS, 1227),
                app("FLUSH TABLES WITH READ LOCK", COMMITS, 1227),
                app("FLUSH LOGS", COMMITS, 1227),
                app("LOCK TABLES t READ", COMMITS, 1044),
                app("BACKUP STAGE START", COMMITS, 1227),
                app("BACKUP STAGE FLUSH", COMMITS, 1227),
                app("BACKUP LOCK t", COMMITS, 1227),
                app("ANALYZE TABLE mysql.user", COMMITS, 1142),
                app("OPTIMIZE TABLE mysql.user", COMMITS, 1142),
                app("CREATE TABLE bg_ic_none (id INT)", COMMITS, 1142),
                app("ALTER TABLE t ADD COLUMN z INT", COMMITS, 1142),
                app("CREATE INDEX ix ON t (c)", COMMITS, 1142),
                app("TRUNCATE TABLE t", COMMITS, 1142),
                app("DROP TABLE t", COMMITS, 1142),
                app("CREATE DATABASE bg_ic_none_db", COMMITS, 1044),
                app("CREATE OR REPLACE VIEW bg_ic_none AS SELECT 1", COMMITS, 1142),
                // ... unless the statement does not commit at all
                app("PURGE BINARY LOGS BEFORE '2000-01-01 00:00:00'", KEEPS, 1227),
                app("CHANGE MASTER 'bg_ic' TO MASTER_HOST='127.0.0.1'", KEEPS, 1227),
                app("START SLAVE", KEEPS, 1227),
                app("SHUTDOWN", KEEPS, 1227),
                app("CREATE TEMPORARY TABLE tmp (x INT)", KEEPS, 1044),
                app("SET SESSION sql_log_bin = 0", KEEPS, 1227),
                app("SET GLOBAL max_connections = @@GLOBAL.max_connections", KEEPS, 1227),
                app("CALL p_commit()", KEEPS, 1370));
        return cases.stream().map(c -> Arguments.of(c.toString(), c));
    }

    @BeforeAll
    static void objects(MariaDbServer s) {
        server = s;
        db = server.createDatabase(MariaDbServer.databaseNameFor(ImplicitCommitFactsIT.class));
        server.execute("CREATE TABLE " + db + ".t (id INT PRIMARY KEY, c INT NOT NULL) ENGINE=InnoDB",
                "INSERT INTO " + db + ".t VALUES (1, 0), (2, 0), (3, 0)",
                "CREATE TABLE " + db + ".m (id INT PRIMARY KEY) ENGINE=MyISAM",
                "CREATE TABLE " + db + ".t2 (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE TABLE " + db + ".t3 (id INT PRIMARY KEY) ENGINE=InnoDB",
                "CREATE VIEW " + db + ".v AS SELECT 1 AS one",
                "CREATE PROCEDURE " + db + ".p_commit() COMMIT",
                "CREATE PROCEDURE " + db + ".p_select() SELECT 1",
                "CREATE FUNCTION " + db + ".f() RETURNS INT DETERMINISTIC RETURN 1",
                "CREATE EVENT " + db + ".ev ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1",
                "CREATE SERVER bg_ic_srv FOREIGN DATA WRAPPER mysql OPTIONS (HOST '192.0.2.1')",
                "CREATE SEQUENCE " + db + ".q",
                "CREATE USER " + USER + " IDENTIFIED BY 'ic-0'",
                "CREATE ROLE " + ROLE);
    }

    @AfterAll
    static void dropAccounts() {
        server.execute("DROP USER IF EXISTS " + USER, "DROP ROLE IF EXISTS " + ROLE, "DROP SERVER IF EXISTS bg_ic_srv",
                "DROP USER IF EXISTS 'bg_ic_a'@'%'", "DROP USER IF EXISTS 'bg_ic_b'@'%'");
    }

    @BeforeEach
    void threeRows() {
        server.execute("DELETE FROM " + db + ".t WHERE id > 3");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theStatementEndsTheSnapshotOrNot(String name, Case c) throws SQLException {
        server.execute(c.rootBefore().toArray(String[]::new));
        try (Connection a = c.who() == Account.ROOT ? server.connect(JdbcDriver.MARIADB, db)
                : server.connectAsApp(JdbcDriver.MARIADB, db);
             Connection b = server.connect(JdbcDriver.MARIADB, db)) {
            for (String sql : c.before()) {
                exec(a, sql);
            }
            exec(a, "START TRANSACTION WITH CONSISTENT SNAPSHOT");
            assertThat(query(a, "SELECT COUNT(*) FROM t")).isEqualTo("3");
            exec(b, "INSERT INTO t VALUES (4, 0)");

            assertThat(errorCode(a, c.sql())).as("error").isEqualTo(c.error());

            boolean committed = c.effect() == Effect.COMMITS;
            assertThat(query(a, "SELECT @@in_transaction")).as("@@in_transaction").isEqualTo(committed ? "0" : "1");
            assertThat(query(a, "SELECT COUNT(*) FROM t")).as("rows of t seen").isEqualTo(committed ? "4" : "3");
            for (String release : List.of("UNLOCK TABLES", "BACKUP STAGE END", "ROLLBACK")) {
                errorCode(a, release); // whatever the statement left behind (BACKUP STAGE END fails when none)
            }
        } finally {
            server.execute(c.rootAfter().toArray(String[]::new));
        }
    }
}
