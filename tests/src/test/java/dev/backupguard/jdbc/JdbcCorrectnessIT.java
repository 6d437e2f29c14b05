package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.protocol.SnapshotWay;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The wrapper contract against the real drivers: unwrap to each driver's own classes, identities, close. */
@WithMariaDb
class JdbcCorrectnessIT {

    private static MariaDbServer server;
    private static String db;

    @BeforeAll
    static void schema(MariaDbServer s) {
        server = s;
        db = server.createDatabase(MariaDbServer.databaseNameFor(JdbcCorrectnessIT.class));
        server.execute("CREATE TABLE " + db + ".t (id INT PRIMARY KEY) ENGINE=InnoDB",
                "INSERT INTO " + db + ".t VALUES (1), (2)");
    }

    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void unwrapReachesTheDriversOwnClassesAndIdentitiesAreTheGuardedOnes(JdbcDriver driver) throws SQLException {
        Class<?> driverConnection = driver == JdbcDriver.MYSQL ? com.mysql.cj.jdbc.JdbcConnection.class
                : org.mariadb.jdbc.Connection.class;
        Class<?> driverStatement = driver == JdbcDriver.MYSQL ? com.mysql.cj.jdbc.JdbcStatement.class
                : org.mariadb.jdbc.Statement.class;
        Connection c = connect(driver);
        assertThat(c).isInstanceOf(GuardedConnection.class);
        assertThat(c.isWrapperFor(driverConnection)).isTrue();
        assertThat(c.unwrap(driverConnection)).isInstanceOf(driverConnection).isNotSameAs(c);
        assertThat(c.unwrap(GuardedConnection.class)).isSameAs(c);
        assertThat(c.isWrapperFor(String.class)).as("a class, not an interface: false, no exception").isFalse();
        assertThat(c.isWrapperFor(Object.class)).isTrue();
        assertThat(MariaDbServer.threadId(c)).isPositive();

        Statement s = c.createStatement();
        assertThat(s.getConnection()).isSameAs(c);
        assertThat(s.isWrapperFor(driverStatement)).isTrue();
        assertThat(s.unwrap(driverStatement)).isInstanceOf(driverStatement);
        assertThat(s.isWrapperFor(Integer.class)).isFalse();
        ResultSet rs = s.executeQuery("SELECT 1");
        assertThat(rs.getStatement()).isSameAs(s);
        assertThat(s.getResultSet()).isSameAs(rs);
        rs.close();
        PreparedStatement ps = c.prepareStatement("SELECT ?");
        assertThat(ps.getConnection()).isSameAs(c);
        ps.setInt(1, 7);
        try (ResultSet prs = ps.executeQuery()) {
            assertThat(prs.getStatement()).isSameAs(ps);
            assertThat(prs.next()).isTrue();
            assertThat(prs.getInt(1)).isEqualTo(7);
        }
        assertThat(c.nativeSQL("SELECT {fn NOW()}")).doesNotContain("{fn");
        assertThat(c).isEqualTo(c).isNotEqualTo(c.unwrap(driverConnection));
        assertThat(c.hashCode()).isEqualTo(c.hashCode());

        s.close();
        s.close();
        c.close();
        c.close(); // idempotent
        assertThat(c.isClosed()).isTrue();
    }

    /**
     * The guard answers the job's binlog status and GTID reads from the snapshot; the answer must read exactly like
     * the server's own through each driver: same labels, JDBC types, type names, Java classes and every other column
     * property the driver reports, and the same result set type. MariaDB 10.5.2+ also names SHOW MASTER STATUS
     * SHOW BINLOG STATUS (MariaDB Knowledge Base, "SHOW BINLOG STATUS").
     */
    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void answeredCoordinatesLookLikeTheServersOwnResult(JdbcDriver driver) throws SQLException {
        List<String> reads = List.of("SHOW MASTER STATUS", "SHOW BINLOG STATUS", "SELECT @@GLOBAL.gtid_binlog_pos");
        java.util.Map<String, List<String>> serverShapes = new java.util.LinkedHashMap<>();
        try (Connection raw = DriverManager.getConnection(server.url(driver, db), server.rootUser(),
                server.rootPassword()); Statement s = raw.createStatement()) {
            for (String read : reads) {
                serverShapes.put(read, shape(s.executeQuery(read)));
            }
        }
        try (Connection c = connect(driver); Statement s = c.createStatement()) {
            s.executeQuery("SELECT * FROM t").close(); // the snapshot starts: coordinates captured
            var coordinates = c.unwrap(GuardedConnection.class).protocol().coordinates();
            java.util.Map<String, List<String>> answerShapes = new java.util.LinkedHashMap<>();
            for (String read : reads) {
                ResultSet answer = s.executeQuery(read);
                assertThat(answer).as(read).isInstanceOf(AnsweredResultSet.class);
                answerShapes.put(read, shape(answer));
            }
            assertThat(answerShapes).isEqualTo(serverShapes);
            ResultSet status = s.executeQuery("SHOW MASTER STATUS");
            assertThat(status.next()).isTrue();
            assertThat(status.getString("File")).isEqualTo(coordinates.file());
            assertThat(status.getLong("Position")).isEqualTo(coordinates.position());
            assertThat(status.getObject("Position")).isEqualTo(java.math.BigInteger.valueOf(coordinates.position()));
            ResultSet gtid = s.executeQuery("SELECT @@GLOBAL.gtid_binlog_pos");
            assertThat(gtid.next()).isTrue();
            assertThat(gtid.getString(1)).isEqualTo(coordinates.gtid());
        }
    }

    /**
     * mysqldump-like code that sets its own savepoint through the JDBC API and rolls back to it after each table: the
     * guard must leave the job's savepoint alone (rolling back to its own, earlier savepoint would destroy it and the
     * job's rollback would fail with 1305 SAVEPOINT does not exist).
     */
    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void jobsOwnJdbcSavepointsSurviveTheGuardsMetadataLockRelease(JdbcDriver driver) throws SQLException {
        server.execute("CREATE TABLE IF NOT EXISTS " + db + ".t2 (id INT PRIMARY KEY) ENGINE=InnoDB");
        try (Connection c = connect(driver); Statement s = c.createStatement()) {
            ServerLog log = ServerLog.mark(server, c);
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
            java.sql.Savepoint sp = c.setSavepoint("job_sp");
            for (String table : List.of("t", "t2", "t")) {
                s.executeQuery("SELECT * FROM " + table).close();
                c.rollback(sp);
            }
            c.releaseSavepoint(sp);

            assertThat(log.statements()).as("the job's savepoint is never rolled over by the guard's")
                    .doesNotContain(JobShape.ROLLBACK_TO);
            assertThat(c.unwrap(GuardedConnection.class).protocol().inSnapshot()).isTrue();
        }
    }

    /** Everything {@link java.sql.ResultSetMetaData} tells of each column, and the result set's own properties. */
    private static List<String> shape(ResultSet rs) throws SQLException {
        var md = rs.getMetaData();
        List<String> out = new java.util.ArrayList<>();
        out.add("type " + rs.getType() + ", concurrency " + rs.getConcurrency());
        for (int i = 1; i <= md.getColumnCount(); i++) {
            out.add(md.getColumnLabel(i) + ": name " + md.getColumnName(i) + ", type " + md.getColumnType(i) + " "
                    + md.getColumnTypeName(i) + ", class " + md.getColumnClassName(i) + ", display size "
                    + md.getColumnDisplaySize(i) + ", precision " + md.getPrecision(i) + ", scale " + md.getScale(i)
                    + ", nullable " + md.isNullable(i) + ", signed " + md.isSigned(i) + ", case sensitive "
                    + md.isCaseSensitive(i) + ", searchable " + md.isSearchable(i) + ", currency " + md.isCurrency(i)
                    + ", auto increment " + md.isAutoIncrement(i) + ", read only " + md.isReadOnly(i) + ", writable "
                    + md.isWritable(i) + ", definitely writable " + md.isDefinitelyWritable(i) + ", table '"
                    + md.getTableName(i) + "', schema '" + md.getSchemaName(i) + "', catalog '" + md.getCatalogName(i)
                    + "'");
        }
        rs.close();
        return out;
    }

    /**
     * The server facts are learned on backup sessions only: ordinary traffic sends nothing of the guard's (in the
     * guardrail role even table reads are ordinary), and a backup session probes once, three short queries.
     */
    @ParameterizedTest
    @EnumSource(JdbcDriver.class)
    void ordinaryConnectionsAreNeverProbedAndABackupSessionIsProbedOnce(JdbcDriver driver) throws SQLException {
        String guardrail = GuardedUrls.guarded(server, driver, db, "enforce", SnapshotWay.AUTO)
                + "&backupguard.role=guardrail";
        try (Connection c = DriverManager.getConnection(guardrail, server.rootUser(), server.rootPassword());
             Statement s = c.createStatement()) {
            ServerLog log = ServerLog.mark(server, c);
            s.executeQuery("SELECT * FROM t").close();
            s.executeUpdate("UPDATE t SET id = id");
            s.executeQuery("SELECT 1").close();
            assertThat(log.probes()).isEmpty();
            assertThat(log.statements()).containsExactly("SELECT * FROM t", "UPDATE t SET id = id", "SELECT 1");
        }
        try (Connection c = connect(driver); Statement s = c.createStatement()) {
            ServerLog log = ServerLog.mark(server, c);
            s.executeQuery("SELECT 1").close();
            s.executeQuery("SELECT @@version").close();
            assertThat(log.probes()).as("backup-job role, no table read yet").isEmpty();
            s.executeQuery("SELECT * FROM t").close();
            s.executeQuery("SELECT * FROM t").close();
            assertThat(log.probes()).hasSize(3).allMatch(p -> p.startsWith(ServerLog.PROBE_MARK));
        }
    }

    @Test
    void theUrlDriverIsFoundThroughDriverManagerAndIgnoresForeignUrls() throws SQLException {
        String guarded = GuardedUrls.guarded(server, JdbcDriver.MARIADB, db, "enforce", SnapshotWay.AUTO);
        assertThat(DriverManager.getDriver(guarded)).isInstanceOf(BackupGuardDriver.class);
        Properties props = new Properties();
        props.setProperty("user", server.rootUser());
        props.setProperty("password", server.rootPassword());
        assertThat(new BackupGuardDriver().connect(server.url(JdbcDriver.MARIADB, db), props)).isNull();
        assertThat(new BackupGuardDriver().acceptsURL("jdbc:mysql://h/db")).isFalse();
    }

    @Test
    void hikariStyleDoubleWrappingIsAvoided() throws SQLException {
        try (Connection c = connect(JdbcDriver.MARIADB)) {
            assertThat(BackupGuard.wrap(c, new Properties(), ConnectionSource.NONE)).isSameAs(c);
        }
    }

    private static Connection connect(JdbcDriver driver) throws SQLException {
        return DriverManager.getConnection(GuardedUrls.guarded(server, driver, db, "enforce", SnapshotWay.AUTO),
                server.rootUser(), server.rootPassword());
    }
}
