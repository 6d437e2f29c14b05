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
