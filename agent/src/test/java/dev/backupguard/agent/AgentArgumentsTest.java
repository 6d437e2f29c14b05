package dev.backupguard.agent;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AgentArgumentsTest {

    @Test
    void pairsBecomePrefixedLowerCaseKeysInOrder() {
        assertThat(AgentArguments.parse("mode=audit, Lock.Wait-MS = 500,backupguard.role=guardrail"))
                .containsExactly(Map.entry("backupguard.mode", "audit"), Map.entry("backupguard.lock.wait-ms", "500"),
                        Map.entry("backupguard.role", "guardrail"));
    }

    @Test
    void aPartWithoutEqualsContinuesTheListValueBeforeIt() {
        assertThat(AgentArguments.parse("backup-users=alice,bob,carol,mode=block"))
                .containsExactly(Map.entry("backupguard.backup-users", "alice,bob,carol"),
                        Map.entry("backupguard.mode", "block"));
    }

    @Test
    void valuesMayContainEqualsSigns() {
        assertThat(AgentArguments.parse("trace.file=/tmp/a=b.jsonl"))
                .containsExactly(Map.entry("backupguard.trace.file", "/tmp/a=b.jsonl"));
    }

    @Test
    void emptyArgumentsAndStrayCommasAreNothing() {
        assertThat(AgentArguments.parse(null)).isEmpty();
        assertThat(AgentArguments.parse("  ")).isEmpty();
        assertThat(AgentArguments.parse("mode=audit,,")).containsExactly(Map.entry("backupguard.mode", "audit"));
    }

    @Test
    void aLeadingWordWithoutValueIsAKeyOfItsOwnForTheSettingsToReportAsUnknown() {
        assertThat(AgentArguments.parse("audit,mode=block")).containsExactly(Map.entry("backupguard.audit", ""),
                Map.entry("backupguard.mode", "block"));
        assertThat(AgentArguments.parse("=audit")).containsExactly(Map.entry("backupguard.", "audit"));
    }

    @Test
    void theDescriptionHidesValuesOfSecretLookingKeys() {
        String d = AgentArguments.describe(AgentArguments.parse("mode=audit,side.password=hunter2,api-token=abc"));
        assertThat(d).isEqualTo("mode=audit,side.password=****,api-token=****").doesNotContain("hunter2", "abc");
    }
}
