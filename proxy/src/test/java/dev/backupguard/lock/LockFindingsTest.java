package dev.backupguard.lock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.config.Settings;
import dev.backupguard.jdbc.BackupGuardException;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Rule;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.telemetry.Telemetry;
import dev.backupguard.telemetry.TelemetrySink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lock guard quotes the job's own FLUSH TABLES WITH READ LOCK: its comments and literals are redacted. */
class LockFindingsTest {

    private static final String JOB_FTWRL = "FLUSH /* nightly run, key s3cret */ TABLES WITH READ LOCK";

    private final List<GuardEvent> events = new ArrayList<>();
    private final Telemetry telemetry = new Telemetry().add(new TelemetrySink() {
        @Override
        public boolean wants(Class<? extends GuardEvent> type) {
            return true;
        }

        @Override
        public void accept(GuardEvent event) {
            events.add(event);
        }
    });

    private LockRequest request(boolean redact) {
        Settings settings = Settings.from(Map.of(Settings.PREFIX + "redact", Boolean.toString(redact)));
        return new LockRequest(null, 7, null, null, settings, 3, telemetry, () -> Telemetry.origin(7, 1), e -> {
        }, new LockSession(), JOB_FTWRL);
    }

    private Finding published() {
        assertThat(events).hasSize(1);
        return ((GuardEvent.RuleApplied) events.get(0)).finding();
    }

    @Test
    void aReportCarriesTheStatementRedacted() {
        LockFindings.report(request(true), Rule.LONG_QUERY, Finding.Outcome.REPORTED, "a long query");

        assertThat(published().statement()).isEqualTo("FLUSH /*?*/ TABLES WITH READ LOCK");
    }

    @Test
    void aRefusalsEventAndMessageCarryTheStatementRedacted() {
        BackupGuardException e = LockFindings.refuse(request(true), Rule.LOCK_WAIT, "waited too long", null);

        assertThat(published().statement()).doesNotContain("s3cret");
        assertThat(e.getMessage()).contains("FLUSH /*?*/ TABLES WITH READ LOCK").doesNotContain("s3cret");
    }

    @Test
    void withRedactionOffTheStatementIsShownAsSent() {
        LockFindings.report(request(false), Rule.LONG_QUERY, Finding.Outcome.REPORTED, "a long query");

        assertThat(published().statement()).isEqualTo(JOB_FTWRL);
    }
}
