package dev.backupguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.protocol.Mode;
import dev.backupguard.protocol.Rule;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One policy for every source: an unknown key is a warning naming it, its source and the nearest key, and is
 * ignored; an invalid value is an error naming the key, its source and what is accepted, and
 * {@code on-config-error} decides what follows; {@code enabled=false} is always said.
 */
class SettingsResolutionTest {

    private static SettingsResolution env(String... pairs) {
        return SettingsSourcesTest.resolve(map(pairs), new Properties(), Map.of());
    }

    private static SettingsResolution agent(String... pairs) {
        Map<String, String> args = new java.util.LinkedHashMap<>();
        map(pairs).forEach((k, v) -> args.put(Settings.PREFIX + k, v));
        return SettingsSourcesTest.resolve(Map.of(), new Properties(), args);
    }

    private static Map<String, String> map(String... pairs) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void anUnrelatedEnvironmentVariableWithOurPrefixIsAWarningAndChangesNothing() {
        SettingsResolution r = env("BACKUPGUARD_HOME", "/opt/bg");

        assertThat(r.unknown()).containsExactly("backup-guard: environment variable BACKUPGUARD_HOME is not a "
                + "backup-guard setting and is ignored");
        assertThat(r.errors()).isEmpty();
        assertThat(r.settings().enabled()).isTrue();
        assertThat(r.settings().configError()).isNull();
        assertThat(r.settings().protocol().mode()).isEqualTo(Mode.ENFORCE);
    }

    @Test
    void aMistypedKeyIsAWarningWithTheNearestKeyAsTheSourceSpellsIt() {
        Properties system = new Properties();
        system.setProperty("backupguard.mdoe", "audit");
        SettingsResolution r = SettingsSourcesTest.resolve(Map.of("BACKUPGUARD_ENABLD", "false"), system, Map.of());

        assertThat(r.unknown()).containsExactly(
                "backup-guard: environment variable BACKUPGUARD_ENABLD is not a backup-guard setting and is ignored; "
                        + "did you mean BACKUPGUARD_ENABLED?",
                "backup-guard: system property backupguard.mdoe is not a backup-guard setting and is ignored; "
                        + "did you mean backupguard.mode?");
        assertThat(r.settings().enabled()).isTrue();
        assertThat(r.settings().protocol().mode()).isEqualTo(Mode.ENFORCE);
    }

    @Test
    void anUnknownRuleIsReportedAsAnUnknownRuleNotAsABadValue() {
        SettingsResolution r = agent("rule.no-such-rule", "off", "rule.lock-hols", "off");

        assertThat(r.errors()).isEmpty();
        assertThat(r.unknown()).hasSize(2);
        assertThat(r.unknown().get(0)).startsWith("backup-guard: agent argument rule.no-such-rule names no rule: "
                + "'no-such-rule' is unknown and the setting is ignored (rules: snapshot-start, ");
        assertThat(r.unknown().get(1)).contains("'lock-hols' is unknown", "did you mean rule.lock-hold?");
        assertThat(r.settings().protocol().ruleModes()).isEmpty();
    }

    @Test
    void anInvalidValueIsAnErrorAndByDefaultEveryBackupSessionIsRefused() {
        SettingsResolution r = agent("mode", "enforse", "lock.wait-ms", "250");

        assertThat(r.errors()).containsExactly("backup-guard configuration error: agent argument mode is 'enforse', "
                + "not enforce, block, audit; every backup session is refused until it is corrected "
                + "(backupguard.on-config-error=refuse)");
        Settings s = r.settings();
        assertThat(s.enabled()).isTrue();
        assertThat(s.protocol().mode()).as("the default applies meanwhile").isEqualTo(Mode.ENFORCE);
        assertThat(s.lock().lockWait()).as("valid keys keep their values").isEqualTo(Duration.ofMillis(250));
        assertThat(s.configError()).startsWith("backup-guard refuses backup sessions: its configuration has errors: "
                + "agent argument mode is 'enforse', not enforce, block, audit")
                .contains("backupguard.on-config-error=defaults");
    }

    @Test
    void onConfigErrorDefaultsGoesOnWithTheDefaultAndOffTurnsTheGuardOff() {
        SettingsResolution defaults = env("BACKUPGUARD_ENABLED", "maybe", "BACKUPGUARD_ON_CONFIG_ERROR", "defaults");
        assertThat(defaults.errors()).containsExactly("backup-guard configuration error: environment variable "
                + "BACKUPGUARD_ENABLED is 'maybe', not true or false (also yes/no, on/off, 1/0); the default 'true' "
                + "applies (backupguard.on-config-error=defaults)");
        assertThat(defaults.settings().enabled()).isTrue();
        assertThat(defaults.settings().configError()).isNull();

        SettingsResolution off = env("BACKUPGUARD_ENABLED", "maybe", "BACKUPGUARD_ON_CONFIG_ERROR", "OFF");
        assertThat(off.errors()).singleElement().asString().endsWith("backup-guard is OFF "
                + "(backupguard.on-config-error=off)");
        assertThat(off.settings().enabled()).isFalse();
    }

    @Test
    void anInvalidOnConfigErrorIsAnErrorAndRefuses() {
        SettingsResolution r = env("BACKUPGUARD_ON_CONFIG_ERROR", "ignore");

        assertThat(r.errors()).singleElement().asString().contains("BACKUPGUARD_ON_CONFIG_ERROR is 'ignore', not "
                + "refuse, defaults, off; every backup session is refused");
        assertThat(r.settings().configError()).isNotNull();
    }

    @Test
    void enabledFalseIsAlwaysSaidWithItsSource() {
        SettingsResolution r = env("BACKUPGUARD_ENABLED", "false");

        assertThat(r.settings().enabled()).isFalse();
        assertThat(r.off()).isEqualTo("backup-guard is OFF: environment variable BACKUPGUARD_ENABLED is 'false'; "
                + "the connections it applies to are not guarded");
        assertThat(env().off()).isNull();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "lock.hold-ms, 9223372036854775807, 1 to 86400000",
            "lock.hold-ms, 0, 1 to 86400000",
            "lock.retries, 4294967297, 0 to 100",
            "lock.retries, -1, 0 to 100",
            "trace.queue, 3000000000, 16 to 1048576",
            "lock.wait-ms, 1e3, 1 to 3600000",
            "lock.retry-backoff-ms, 3600001, 0 to 3600000",
            "lock.wait-timeout-seconds, 31536001, 1 to 31536000",
            "lock.long-query-seconds, 86401, 0 to 86400",
            "lock.long-query-wait-ms, 86400001, 0 to 86400000",
    })
    void numbersOutsideTheirBoundsAreErrorsNamingTheRange(String key, String value, String range) {
        SettingsResolution r = agent(key, value);

        assertThat(r.errors()).singleElement().asString().contains("agent argument " + key + " is '" + value
                + "', not " + range + ";");
        assertThat(r.settings().configError()).contains(key);
    }

    @Test
    void theBoundsKeepEveryDerivedValueInRange() {
        Settings s = agent("lock.hold-ms", "86400000", "lock.retry-backoff-ms", "3600000", "lock.retries", "100",
                "trace.queue", "1048576", "lock.wait-timeout-seconds", "31536000").settings();

        assertThat(s.configError()).isNull();
        assertThat(s.lock().holdLimit().toNanos()).isPositive();
        // The lock guard doubles the back-off at most 20 times (BoundedWait.pause).
        assertThat(s.lock().retryBackoff().toNanos()).isLessThanOrEqualTo(Long.MAX_VALUE >> 20);
        assertThat(s.telemetry().traceQueueCapacity()).isEqualTo(1_048_576);
        assertThat(s.protocol().modeOf(Rule.LOCK_HOLD)).isEqualTo(Mode.ENFORCE);
    }
}
