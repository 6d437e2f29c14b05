package dev.backupguard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.SnapshotWay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where settings come from and in which order; the environment is passed in, so nothing global is touched. */
class SettingsSourcesTest {

    static SettingsResolution resolve(Map<String, String> env, Properties system, Map<String, String> agent) {
        return SettingsResolution.of(SettingsSources.given(env, system, agent));
    }

    @Test
    void environmentNamesMapMechanicallyToKeys() {
        Map<String, String> env = Map.of(
                "BACKUPGUARD_MODE", "block",
                "BACKUPGUARD_SNAPSHOT_WAY", "global-lock",
                "BACKUPGUARD_LOCK_WAIT_MS", "250",
                "BACKUPGUARD_LOCK_KILL_LONG_QUERIES", "true",
                "BACKUPGUARD_RULE_MDL_PER_TABLE", "off",
                "PATH", "/usr/bin");
        SettingsResolution r = resolve(env, new Properties(), Map.of());
        Settings s = r.settings();

        assertThat(r.unknown()).isEmpty();
        assertThat(r.errors()).isEmpty();
        assertThat(s.protocol().mode()).isEqualTo(Mode.BLOCK);
        assertThat(s.protocol().way()).isEqualTo(SnapshotWay.GLOBAL_LOCK);
        assertThat(s.lock().lockWait()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.lock().killLongQueries()).isTrue();
        assertThat(s.protocol().modeOf(Rule.MDL_PER_TABLE)).isEqualTo(Mode.OFF);
    }

    @Test
    void systemPropertiesOverrideTheEnvironmentAndConnectionValuesOverrideBoth() {
        Properties system = new Properties();
        system.setProperty("backupguard.mode", "audit");
        system.setProperty("backupguard.lock.wait-ms", "300");
        system.setProperty("user.home", "/root"); // not ours: ignored, not even reported
        List<Source.Given> given = new ArrayList<>(SettingsSources.given(Map.of("BACKUPGUARD_MODE", "block",
                "BACKUPGUARD_LOCK_RETRIES", "7"), system, Map.of()));
        Properties connection = new Properties();
        connection.setProperty("backupguard.mode", "enforce");
        connection.setProperty("user", "backup"); // the driver's: ignored
        given.addAll(SettingsSources.prefixed(connection, Source.CONNECTION_PROPERTY, ""));
        SettingsResolution r = SettingsResolution.of(given);

        assertThat(r.unknown()).isEmpty();
        assertThat(r.settings().protocol().mode()).isEqualTo(Mode.ENFORCE);
        assertThat(r.settings().lock().lockWait()).isEqualTo(Duration.ofMillis(300));
        assertThat(r.settings().lock().retries()).isEqualTo(7);
    }

    @Test
    void agentArgumentsOverrideSystemPropertiesAndTheFileIsLowest(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("guard.properties");
        // The file is backup-guard's own: keys with or without the prefix.
        Files.writeString(file, "mode=audit\nbackupguard.lock.hold-ms=4321\nlock.retries=9\n");
        Properties system = new Properties();
        system.setProperty("backupguard.mode", "audit");
        system.setProperty("backupguard.lock.retries", "2");
        Settings s = resolve(Map.of("BACKUPGUARD_CONFIG_FILE", file.toString()), system,
                Map.of("backupguard.mode", "block")).settings();

        assertThat(s.protocol().mode()).isEqualTo(Mode.BLOCK);
        assertThat(s.lock().holdLimit()).isEqualTo(Duration.ofMillis(4321));
        assertThat(s.lock().retries()).isEqualTo(2);
    }

    @Test
    void aFileThatCannotBeReadIsAnErrorOfTheKeyThatNamedIt(@TempDir Path dir) {
        SettingsResolution r = resolve(Map.of(), new Properties(),
                Map.of("backupguard.config.file", dir.resolve("missing.properties").toString()));

        assertThat(r.errors()).singleElement().asString().contains("agent argument config.file",
                "not a readable properties file");
        assertThat(r.settings().configError()).contains("config.file");
    }

    @Test
    void settingsGivenInCodeAreStrict() {
        assertThatThrownBy(() -> Settings.from(Map.of("backupguard.mdoe", "enforce")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backupguard.mdoe")
                .hasMessageContaining("did you mean backupguard.mode?");
        assertThatThrownBy(() -> Settings.from(Map.of("backupguard.snapshot.way", "sometimes")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backupguard.snapshot.way")
                .hasMessageContaining("snapshot-status, global-lock");
        assertThatThrownBy(() -> Settings.from(Map.of("backupguard.mode", "off")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not enforce, block, audit");
        assertThatThrownBy(() -> Settings.from(Map.of("backupguard.rule.no-such-rule", "block")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'no-such-rule' is unknown");
    }

    @Test
    void everyKeyHasADefaultThatParsesAndADescription() {
        Settings defaults = Settings.defaults();
        assertThat(defaults.protocol().mode()).isEqualTo(Mode.ENFORCE);
        assertThat(defaults.protocol().way()).isEqualTo(SnapshotWay.AUTO);
        assertThat(Settings.KEYS).allSatisfy(s -> {
            assertThat(s.description()).isNotBlank();
            assertThat(s.accepts()).isNotBlank();
            if (s != Settings.RULE) {
                assertThat(s.parse(s.fallback())).isEqualTo(s.fallbackValue());
            }
        });
        assertThat(defaults.describe()).as("the start-up line names every key with a value")
                .contains("enabled=true", "on-config-error=refuse", "mode=enforce", "multi-statements=auto",
                        "lock.hold-ms=10000", "trace.queue=65536", "jmx=true", "agent.any-driver=false");
    }
}
