package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.backupguard.config.ConnectionIdentity;
import dev.backupguard.config.Connector;
import dev.backupguard.config.Source;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The URL driver's own part: which URLs it takes and what the real driver is given. */
class BackupGuardDriverTest {

    @Test
    void guardSettingsAreTakenOutOfTheUrlAndThePropertiesBeforeTheRealDriverSeesThem() {
        Properties info = new Properties();
        info.setProperty("user", "backup");
        info.setProperty("password", "secret");
        info.setProperty("backupguard.lock.wait-ms", "200");
        BackupGuardDriver.Target t = BackupGuardDriver.Target.of("jdbc:backupguard:mysql://db:3306/shop"
                + "?sslMode=DISABLED&backupguard.mode=block&backupguard.snapshot.way=global-lock&useUnicode=true",
                info);

        assertThat(t.url()).isEqualTo("jdbc:mysql://db:3306/shop?sslMode=DISABLED&useUnicode=true");
        assertThat(t.props().stringPropertyNames()).containsExactlyInAnyOrder("user", "password");
        // The guard reads them from what it was given, with the driver's rules (MySQL Connector/J: Properties win).
        assertThat(ConnectionIdentity.of(Connector.MYSQL, "jdbc:mysql://db:3306/shop?sslMode=DISABLED"
                + "&backupguard.mode=block&backupguard.snapshot.way=global-lock&useUnicode=true", info).settings())
                .extracting(Source.Given::key, Source.Given::value, Source.Given::source)
                .containsExactly(tuple("mode", "block", Source.URL_PARAMETER),
                        tuple("snapshot.way", "global-lock", Source.URL_PARAMETER),
                        tuple("lock.wait-ms", "200", Source.CONNECTION_PROPERTY));
    }

    @Test
    void aUrlWithOnlyGuardParametersLosesItsQuestionMark() {
        BackupGuardDriver.Target t = BackupGuardDriver.Target.of(
                "jdbc:backupguard:mariadb://db/shop?backupguard.mode=audit", new Properties());

        assertThat(t.url()).isEqualTo("jdbc:mariadb://db/shop");
    }

    @Test
    void foreignUrlsAreNotOursAndConnectAnswersNull() throws SQLException {
        BackupGuardDriver d = new BackupGuardDriver();
        assertThat(d.acceptsURL("jdbc:mysql://db/shop")).isFalse();
        assertThat(d.acceptsURL(null)).isFalse();
        assertThat(d.acceptsURL("jdbc:backupguard:mariadb://db/shop")).isTrue();
        assertThat(d.connect("jdbc:mariadb://db/shop", new Properties())).isNull();
    }

    @Test
    void registeredThroughTheServiceFile() throws SQLException {
        assertThat(DriverManager.getDriver("jdbc:backupguard:mysql://db/shop")).isInstanceOf(BackupGuardDriver.class);
    }
}
