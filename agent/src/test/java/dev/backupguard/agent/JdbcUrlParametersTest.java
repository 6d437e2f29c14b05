package dev.backupguard.agent;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcUrlParametersTest {

    @Test
    void takesTheUserMultiQueriesAndGuardSettingsButNeverThePassword() {
        Properties p = new Properties();
        JdbcUrlParameters.addTo(p, "jdbc:mysql://h:3306/db?user=backup&password=s3cret&allowmultiqueries=true"
                + "&backupguard.mode=audit&backupguard.trace.file=%2Ftmp%2Ft.jsonl&sslMode=DISABLED");
        assertThat(p).containsOnlyKeys("user", "allowMultiQueries", "backupguard.mode", "backupguard.trace.file");
        assertThat(p.getProperty("user")).isEqualTo("backup");
        assertThat(p.getProperty("allowMultiQueries")).isEqualTo("true");
        assertThat(p.getProperty("backupguard.trace.file")).isEqualTo("/tmp/t.jsonl");
    }

    @Test
    void propertiesGivenToTheDriverWinOverTheUrl() {
        Properties p = new Properties();
        p.setProperty("user", "fromProperties");
        JdbcUrlParameters.addTo(p, "jdbc:mariadb://h/db?user=fromUrl");
        assertThat(p.getProperty("user")).isEqualTo("fromProperties");
    }

    @Test
    void aUrlWithoutParametersAddsNothing() {
        Properties p = new Properties();
        JdbcUrlParameters.addTo(p, "jdbc:mariadb://h:3306/db");
        JdbcUrlParameters.addTo(p, null);
        assertThat(p).isEmpty();
    }
}
