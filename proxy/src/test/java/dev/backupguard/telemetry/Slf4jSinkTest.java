package dev.backupguard.telemetry;

import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class Slf4jSinkTest {

    /** Keeps what was logged; the threshold decides what is enabled. */
    static final class CapturingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        final List<String> lines = new ArrayList<>();
        final Level threshold;

        CapturingLogger(Level threshold) {
            this.threshold = threshold;
            this.name = "capture";
        }

        private boolean on(Level l) {
            return l.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isTraceEnabled() {
            return on(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return on(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return on(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return on(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return on(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String msg, Object[] args, Throwable t) {
            lines.add(level + " " + msg);
        }
    }

    @Test
    void everyEventIsOneKeyValueLineAtItsLevel() {
        CapturingLogger log = new CapturingLogger(Level.DEBUG);
        Slf4jSink sink = new Slf4jSink(log, true);
        for (GuardEvent e : SampleEvents.all()) {
            sink.accept(e);
        }
        Map<String, String> levelByEvent = log.lines.stream().collect(Collectors.toMap(
                l -> l.substring(l.indexOf("event=") + 6, l.indexOf(' ', l.indexOf("event="))), l -> l.substring(0, l.indexOf(' '))));
        assertThat(levelByEvent).containsEntry("lock_requested", "DEBUG").containsEntry("lock_acquired", "INFO")
                .containsEntry("lock_released", "INFO").containsEntry("snapshot_started", "INFO")
                .containsEntry("statement_step", "DEBUG").containsEntry("rule_applied", "DEBUG")
                .containsEntry("preflight_checked", "WARN").containsEntry("lock_wait_cancelled", "WARN")
                .containsEntry("query_killed", "WARN").containsEntry("lock_hold_exceeded", "WARN")
                .containsEntry("connection_lost", "WARN")
                .containsEntry("session_summary", "INFO").containsEntry("table_read_finished", "DEBUG");
        assertThat(log.lines).hasSize(SampleEvents.all().size());
        assertThat(log.lines).contains("INFO event=lock_acquired conn=42 session=7 lock=global_read_lock wait_us=1500 attempts=2");
        assertThat(log.lines).anySatisfy(l -> assertThat(l).startsWith("INFO event=snapshot_started conn=42 session=7 "
                + "isolation=\"REPEATABLE READ\" way=global_lock binlog_file=binlog.000003 binlog_position=1234 "
                + "gtid_position=0-1-17 obtained_by=locked_binlog_status server_id=1"));
        assertThat(log.lines).anySatisfy(l -> assertThat(l)
                .contains("detail=\"a \\\"quoted\\\" detail\\nwith a newline\"").contains("statement=COMMIT"));
        assertThat(log.lines).anySatisfy(l -> assertThat(l).startsWith("DEBUG event=metadata_locks_released")
                .contains("tables=\"[shop.orders, shop.lines]\""));
    }

    @Test
    void theSqlOfOtherSessionsIsRedacted() {
        CapturingLogger log = new CapturingLogger(Level.DEBUG);
        new Slf4jSink(log, true).accept(SampleEvents.all().get(11));
        assertThat(log.lines).singleElement().asString().contains("UPDATE orders SET note = ? WHERE id = ?")
                .doesNotContain(SampleEvents.SECRET);
        CapturingLogger raw = new CapturingLogger(Level.DEBUG);
        new Slf4jSink(raw, false).accept(SampleEvents.all().get(11));
        assertThat(raw.lines).singleElement().asString().contains(SampleEvents.SECRET);
    }

    @Test
    void anInconsistentSummaryIsAWarning() {
        CapturingLogger log = new CapturingLogger(Level.WARN);
        Slf4jSink sink = new Slf4jSink(log, true);
        assertThat(sink.wants(GuardEvent.SessionSummary.class)).isTrue();
        sink.accept(SampleEvents.summary(true));
        sink.accept(SampleEvents.summary(false));
        assertThat(log.lines).singleElement().asString().startsWith("WARN event=session_summary")
                .contains("consistent=false reasons=\"[snapshot-end: COMMIT ended the snapshot]\"");
    }

    @Test
    void nothingIsWantedWhenTheLevelIsOff() {
        Slf4jSink info = new Slf4jSink(new CapturingLogger(Level.INFO), true);
        assertThat(info.wants(GuardEvent.StatementStep.class)).isFalse();
        assertThat(info.wants(GuardEvent.TableReadFinished.class)).isFalse();
        assertThat(info.wants(GuardEvent.LockAcquired.class)).isTrue();
        Slf4jSink error = new Slf4jSink(new CapturingLogger(Level.ERROR), true);
        for (GuardEvent e : SampleEvents.all()) {
            assertThat(error.wants(e.getClass())).as(e.name()).isFalse();
        }
    }
}
