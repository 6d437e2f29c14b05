package dev.backupguard.telemetry;

import dev.backupguard.config.Settings;
import dev.backupguard.protocol.Mode;
import dev.backupguard.telemetry.jmx.ModeSwitch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TelemetrySetupTest {

    private static final ModeSwitch NO_SWITCH = new ModeSwitch() {
        @Override
        public Mode current() {
            return null;
        }

        @Override
        public void switchTo(Mode mode) {
        }
    };

    @TempDir
    Path dir;

    private static Settings settings(Map<String, String> keys) {
        Map<String, String> all = new HashMap<>(Map.of("jfr", "false", "jmx", "false"));
        all.putAll(keys);
        return Settings.from(all);
    }

    @Test
    void installsTheSinksTheProcessSettingsNameOnceEvenWhenAskedConcurrently() throws Exception {
        Telemetry hub = new Telemetry();
        Path trace = dir.resolve("trace.jsonl");
        Path coordinates = dir.resolve("coordinates.json");
        TelemetrySetup setup = new TelemetrySetup(hub, () -> settings(Map.of("trace.file", trace.toString(),
                "coordinates.file", coordinates.toString())), NO_SWITCH);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        try {
            Future<?>[] f = new Future<?>[8];
            for (int i = 0; i < f.length; i++) {
                f[i] = pool.submit(() -> {
                    go.await();
                    setup.ensureInstalled();
                    return null;
                });
            }
            go.countDown();
            for (Future<?> x : f) {
                x.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(hub.sinks()).hasSize(3).hasAtLeastOneElementOfType(Slf4jSink.class)
                .hasAtLeastOneElementOfType(TraceFileSink.class).hasAtLeastOneElementOfType(CoordinatesFileSink.class);
        hub.publish(SampleEvents.summary(true));
        assertThat(setup.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(Files.readAllLines(trace)).hasSize(1);
        assertThat(coordinates).exists();
        setup.closeFiles();
    }

    @Test
    void aConnectionWithTheSameSettingsUsesTheProcessHubItself() {
        Telemetry hub = new Telemetry();
        Settings s = settings(Map.of("trace.file", dir.resolve("t.jsonl").toString()));
        TelemetrySetup setup = new TelemetrySetup(hub, () -> s, NO_SWITCH);
        assertThat(setup.forConnection(s.telemetry())).isSameAs(hub);
        setup.closeFiles();
    }

    @Test
    void aConnectionNamingItsOwnTraceFileWritesThereInsteadAndFlushesWhenTheLastUserCloses() throws IOException {
        Telemetry hub = new Telemetry();
        Path global = dir.resolve("global.jsonl");
        Path own = dir.resolve("own.jsonl");
        TelemetrySetup setup = new TelemetrySetup(hub, () -> settings(Map.of("trace.file", global.toString())), NO_SWITCH);
        Settings mine = settings(Map.of("trace.file", own.toString()));
        Telemetry first = setup.forConnection(mine.telemetry());
        Telemetry second = setup.forConnection(mine.telemetry());
        assertThat(first).isNotSameAs(hub);
        first.publish(SampleEvents.summary(true));
        second.publish(SampleEvents.summary(false));
        hub.publish(SampleEvents.all().get(0));
        first.release();
        second.release(); // the last user: the writer is closed, everything is on disk now
        assertThat(Files.readAllLines(own)).hasSize(2).allSatisfy(l -> assertThat(l).contains("session_summary"));
        assertThat(setup.flush(Duration.ofSeconds(10))).isTrue();
        assertThat(Files.readAllLines(global)).singleElement().asString().contains("lock_requested");

        // After the last user closed, a new connection opens the file again (appending).
        Telemetry third = setup.forConnection(mine.telemetry());
        third.publish(SampleEvents.summary(true));
        third.release();
        assertThat(Files.readAllLines(own)).hasSize(3);
        setup.closeFiles();
    }

    @Test
    void aConnectionCanTurnOffTheProcessTraceFile() throws IOException {
        Telemetry hub = new Telemetry();
        Path global = dir.resolve("global.jsonl");
        TelemetrySetup setup = new TelemetrySetup(hub, () -> settings(Map.of("trace.file", global.toString())), NO_SWITCH);
        Telemetry quiet = setup.forConnection(settings(Map.of("trace.file", "")).telemetry());
        quiet.publish(SampleEvents.summary(true));
        setup.closeFiles();
        assertThat(Files.readAllLines(global)).isEmpty();
    }

    @Test
    void invalidProcessSettingsFallBackToTheDefaults() {
        Telemetry hub = new Telemetry();
        TelemetrySetup setup = new TelemetrySetup(hub, () -> {
            throw new IllegalArgumentException("bad value for backupguard.trace.queue");
        }, NO_SWITCH);
        setup.ensureInstalled();
        assertThat(hub.sinks()).hasAtLeastOneElementOfType(Slf4jSink.class);
        setup.closeFiles();
    }

    @Test
    void anUnwritableTraceFileIsReportedAndSkipped() throws IOException {
        Telemetry hub = new Telemetry();
        Path blocker = Files.writeString(dir.resolve("a-file"), "x");
        TelemetrySetup setup = new TelemetrySetup(hub,
                () -> settings(Map.of("trace.file", blocker.resolve("trace.jsonl").toString())), NO_SWITCH);
        setup.ensureInstalled();
        assertThat(hub.sinks()).noneMatch(s -> s instanceof TraceFileSink);
        setup.closeFiles();
    }
}
