package dev.backupguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mysql.cj.conf.ConnectionUrl;
import com.mysql.cj.conf.HostInfo;
import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.jdbc.JdbcPropertySetImpl;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guard reads allowMultiQueries and the user exactly as each driver does: every case is given to the driver's
 * own configuration parser (MySQL Connector/J 9.7 {@code ConnectionUrl} and its property set, MariaDB Connector/J
 * 3.5 {@code Configuration.parse}) and to {@link ConnectionIdentity}, and the answers must be equal where the
 * driver accepts the case (one it rejects never connects). Keys that differ only in case ({@code user} and
 * {@code User}) are left out: which one a driver takes depends on hash order.
 */
class ConnectorTest {

    /** A URL's parameters (after '?', or a whole authority-and-path when it starts with '/') and Properties. */
    record Case(String tail, String[] properties, Object objectValue) {

        String url(String scheme) {
            return scheme + (tail.startsWith("//") ? tail : "//localhost:3306/db" + tail);
        }

        Properties props() {
            Properties p = new Properties();
            for (int i = 0; i < properties.length; i += 2) {
                p.setProperty(properties[i], properties[i + 1]);
            }
            if (objectValue != null) {
                p.put("allowMultiQueries", objectValue);
            }
            return p;
        }

        @Override
        public String toString() {
            return tail + " " + List.of(properties) + (objectValue == null ? "" : " put(" + objectValue + ")");
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (String v : new String[]{"true", "TRUE", "True", "1", "0", "yes", "YES", "no", "false", "FALSE", "on",
                "", " true", "true ", "tru%65", "%31", "y"}) {
            out.add(new Case("?allowMultiQueries=" + v, new String[0], null));
            out.add(new Case("", new String[]{"allowMultiQueries", v}, null));
        }
        for (String tail : new String[]{"?allowMultiQueries", "?allowmultiqueries=true", "?ALLOWMULTIQUERIES=1",
                "?allowMultiQueries=true#fragment", "?a=1#x&allowMultiQueries=true", "?%61llowMultiQueries=true",
                "?allowMultiQueries=false&allowMultiQueries=true", "?allowMultiQueries=true&allowMultiQueries=false",
                "? allowMultiQueries = true", "?sslMode=DISABLED&&allowMultiQueries=1&useUnicode=yes",
                "?allowMultiQueries=true;foo=bar", "//address=(host=localhost)(port=3306)(allowMultiQueries=true)/db",
                "//(host=localhost,port=3306,allowMultiQueries=yes)/db", "//localhost/db?allowMultiQueries=1?x=2",
                "?user=bob", "?USER=bob", "?user=b%40b", "//bob:secret@localhost:3306/db",
                "//bob:secret@localhost:3306/db?user=alice"}) {
            out.add(new Case(tail, new String[0], null));
        }
        out.add(new Case("?allowMultiQueries=true", new String[]{"allowMultiQueries", "false"}, null));
        out.add(new Case("?allowMultiQueries=false", new String[]{"allowMultiQueries", "true"}, null));
        out.add(new Case("?allowMultiQueries=no", new String[]{"allowMultiQueries", "1"}, null));
        out.add(new Case("", new String[]{"allowmultiqueries", "true"}, null));
        out.add(new Case("", new String[0], Boolean.TRUE));
        out.add(new Case("?user=alice", new String[]{"user", "bob"}, null));
        out.add(new Case("?user=alice", new String[]{"USER", "bob"}, null));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mysqlConnectorJ(Case c) {
        String url = c.url("jdbc:mysql:");
        Boolean multi;
        String user;
        try {
            HostInfo host = ConnectionUrl.getConnectionUrlInstance(url, c.props()).getMainHost();
            JdbcPropertySetImpl set = new JdbcPropertySetImpl();
            set.initializeProperties(host.exposeAsProperties());
            multi = set.getBooleanProperty(PropertyKey.allowMultiQueries).getValue();
            user = host.getUser();
        } catch (RuntimeException rejected) {
            multi = null;
            user = null;
        }
        check(Connector.MYSQL, url, c, multi, user);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void mariadbConnectorJ(Case c) {
        String url = c.url("jdbc:mariadb:");
        Boolean multi;
        String user;
        try {
            org.mariadb.jdbc.Configuration conf = org.mariadb.jdbc.Configuration.parse(url, c.props());
            multi = conf.allowMultiQueries();
            user = conf.user();
        } catch (java.sql.SQLException | RuntimeException rejected) {
            multi = null;
            user = null;
        }
        check(Connector.MARIADB, url, c, multi, user);
    }

    /** The comparison above is not vacuous: both parsers accept the ordinary case, and read what each one reads. */
    @org.junit.jupiter.api.Test
    void theDriversThemselvesDisagreeOnOneAndYes() throws Exception {
        JdbcPropertySetImpl set = new JdbcPropertySetImpl();
        set.initializeProperties(ConnectionUrl.getConnectionUrlInstance("jdbc:mysql://localhost/db?allowMultiQueries=yes",
                null).getMainHost().exposeAsProperties());
        assertThat(set.getBooleanProperty(PropertyKey.allowMultiQueries).getValue()).isTrue();
        assertThat(org.mariadb.jdbc.Configuration.parse("jdbc:mariadb://localhost/db?allowMultiQueries=1", null)
                .allowMultiQueries()).isTrue();
        assertThatThrownBy(() -> new JdbcPropertySetImpl().initializeProperties(ConnectionUrl.getConnectionUrlInstance(
                "jdbc:mysql://localhost/db?allowMultiQueries=1", null).getMainHost().exposeAsProperties()))
                .as("MySQL Connector/J refuses 1").hasMessageContaining("allowMultiQueries");
        assertThatThrownBy(() -> org.mariadb.jdbc.Configuration.parse("jdbc:mariadb://localhost/db?allowMultiQueries=yes",
                null)).as("MariaDB Connector/J refuses yes").hasMessageContaining("allowMultiQueries");
        assertThat(ConnectionIdentity.of(Connector.MYSQL, "jdbc:mysql://localhost/db?allowMultiQueries=yes", null)
                .multiStatements()).isTrue();
        assertThat(ConnectionIdentity.of(Connector.MARIADB, "jdbc:mariadb://localhost/db?allowMultiQueries=1", null)
                .multiStatements()).isTrue();
        assertThat(ConnectionIdentity.of(Connector.MYSQL, "jdbc:mysql://localhost/db?allowmultiqueries=true", null)
                .multiStatements()).as("a case-sensitive key of MySQL Connector/J").isFalse();
    }

    @org.junit.jupiter.api.Test
    void aDriverThatCouldBeEitherReadsAnOptionAsOnWhenEitherConnectorWould() {
        assertThat(Connector.ofDriver("com.mysql.cj.jdbc.NonRegisteringDriver")).isEqualTo(Connector.MYSQL);
        assertThat(Connector.ofDriver("org.mariadb.jdbc.Driver")).isEqualTo(Connector.MARIADB);
        assertThat(Connector.ofDriver("org.h2.Driver")).isEqualTo(Connector.EITHER);
        assertThat(Connector.ofUrl("jdbc:mariadb://h/db")).isEqualTo(Connector.MARIADB);
        assertThat(Connector.ofUrl("jdbc:mysql://h/db")).isEqualTo(Connector.MYSQL);
        // MariaDB Connector/J takes jdbc:mysql: URLs that permit it.
        assertThat(Connector.ofUrl("jdbc:mysql://h/db?permitMysqlScheme")).isEqualTo(Connector.EITHER);
        for (String on : new String[]{"?allowMultiQueries=1", "?allowMultiQueries=yes", "?allowmultiqueries=TRUE",
                "?allowMultiQueries", "?allowMultiQueries=false&ALLOWMULTIQUERIES=1"}) {
            assertThat(ConnectionIdentity.of(Connector.EITHER, "jdbc:x://h/db" + on, null).multiStatements()).as(on)
                    .isTrue();
        }
        Properties p = new Properties();
        p.setProperty("allowMultiQueries", "false");
        assertThat(ConnectionIdentity.of(Connector.EITHER, "jdbc:x://h/db?allowMultiQueries=true", p)
                .multiStatements()).as("the URL wins for one driver, the Properties for the other").isTrue();
        assertThat(ConnectionIdentity.of(Connector.EITHER, "jdbc:x://h/db?allowMultiQueries=false", p)
                .multiStatements()).isFalse();
        assertThat(DataSourceIdentity.of(new Object(), "bob")).as("a DataSource the guard cannot read")
                .isEqualTo(new ConnectionIdentity("bob", true, List.of()));
    }

    private static void check(Connector connector, String url, Case c, Boolean driverMulti, String driverUser) {
        ConnectionIdentity id = ConnectionIdentity.of(connector, url, c.props());
        if (driverMulti == null) {
            return; // the driver refuses to connect: there is no connection to guard
        }
        assertThat(id.multiStatements()).as("allowMultiQueries of %s", c).isEqualTo(driverMulti);
        if (driverUser != null || id.user() != null) {
            assertThat(id.user()).as("user of %s", c).isEqualTo(driverUser);
        }
    }
}
