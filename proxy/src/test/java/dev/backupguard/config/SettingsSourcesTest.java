package dev.backupguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.SnapshotWay;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Where settings come from and in which order; the environment is passed in, so nothing global is touched. */
class SettingsSourcesTest {

    @Test
    void environmentNamesMapMechanicallyToKeys() {
        Map<String, String> env = Map.of(
                "BACKUPGUARD_MODE", "block",
                "BACKUPGUARD_SNAPSHOT_WAY", "global-lock",
                "BACKUPGUARD_LOCK_WAIT_MS", "250",
                "BACKUPGUARD_LOCK_KILL_LONG_QUERIES", "true",
                "BACKUPGUARD_RULE_MDL_PER_TABLE", "off",
                "PATH", "/usr/bin");
        Settings s = Settings.from(SettingsSources.merge(env, new Properties(), Map.of()));

        assertThat(s.protocol().mode()).isEqualTo(Mode.BLOCK);
        assertThat(s.protocol().way()).isEqualTo(SnapshotWay.GLOBAL_LOCK);
        assertThat(s.lock().lockWait()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.lock().killLongQueries()).isTrue();
        assertThat(s.protocol().modeOf(Rule.MDL_PER_TABLE)).isEqualTo(Mode.OFF);
    }

    @Test
    void systemPropertiesOverrideTheEnvironmentAndConnectionPropertiesOverrideBoth() {
        Properties system = new Properties();
        system.setProperty("backupguard.mode", "audit");
        system.setProperty("backupguard.lock.wait-ms", "300");
        system.setProperty("user.home", "/root"); // not ours: ignored
        Map<String, String> merged = SettingsSources.merge(Map.of("BACKUPGUARD_MODE", "block",
                "BACKUPGUARD_LOCK_RETRIES", "7"), system, Map.of());
        Properties connection = new Properties();
        connection.setProperty("backupguard.mode", "enforce");
        connection.setProperty("user", "backup"); // the driver's: ignored
        merged.putAll(SettingsSources.prefixed(connection));
        Settings s = Settings.from(merged);

        assertThat(s.protocol().mode()).isEqualTo(Mode.ENFORCE);
        assertThat(s.lock().lockWait()).isEqualTo(Duration.ofMillis(300));
        assertThat(s.lock().retries()).isEqualTo(7);
    }

    @Test
    void agentArgumentsOverrideSystemProperties() {
        Properties system = new Properties();
        system.setProperty("backupguard.mode", "audit");
        Settings s = Settings.from(SettingsSources.merge(Map.of(), system, Map.of("mode", "block")));

        assertThat(s.protocol().mode()).isEqualTo(Mode.BLOCK);
    }

    @Test
    void unknownKeysAndBadValuesFailNamingTheKey() {
        assertThatThrownBy(() -> Settings.from(SettingsSources.merge(Map.of("BACKUPGUARD_MOOD", "enforce"),
                new Properties(), Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backupguard.mood");
        assertThatThrownBy(() -> Settings.from(Map.of("backupguard.snapshot.way", "sometimes")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backupguard.snapshot.way");
        assertThatThrownBy(() -> Settings.from(Map.of("backupguard.mode", "off")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("enabled=false");
        assertThatThrownBy(() -> Settings.from(Map.of("backupguard.rule.no-such-rule", "block")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-rule");
    }

    @Test
    void everyKeyHasADefaultThatParsesAndADescription() {
        Settings defaults = Settings.defaults();
        assertThat(defaults.protocol().mode()).isEqualTo(Mode.ENFORCE);
        assertThat(defaults.protocol().way()).isEqualTo(SnapshotWay.AUTO);
        assertThat(Settings.KEYS).allSatisfy((key, value) -> {
            assertThat(value).hasSize(2);
            assertThat(value[1]).isNotBlank();
        });
    }
}
