package dev.backupguard.harness;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * JUnit 5 extension of the harness: injects a fresh {@link Recorder} and a fresh {@link FakeServer} (MariaDB 11.4)
 * into test methods, closes the connections a test left open when it ends (no lock or snapshot outlives a test on a
 * shared server), and when a test fails with recordings, writes an HTML report with their timelines to
 * {@code target/backup-guard/<test class>/<test method>.html} (the directory: system property
 * {@code backupguard-harness.reports}) and publishes the recordings as a report entry.
 */
public final class BackupGuardExtension implements ParameterResolver, TestWatcher {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BackupGuardExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Recorder.class || type == FakeServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == FakeServer.class) {
            return FakeServer.mariadb();
        }
        return recorder(context);
    }

    /**
     * The test's recorder. Its connections are closed when the test ends (an AutoCloseable in the test's store, which
     * JUnit closes, pass or fail, before it calls a TestWatcher); the recorder itself is kept in the class's store so
     * {@link #testFailed} can still report its recordings.
     */
    private static Recorder recorder(ExtensionContext context) {
        Recorder recorder = classStore(context).getOrComputeIfAbsent(context.getUniqueId(), k -> new Recorder(),
                Recorder.class);
        AutoCloseable closer = recorder::close;
        context.getStore(NAMESPACE).getOrComputeIfAbsent(AutoCloseable.class, k -> closer, AutoCloseable.class);
        return recorder;
    }

    private static ExtensionContext.Store classStore(ExtensionContext context) {
        return context.getParent().orElse(context).getStore(NAMESPACE);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Recorder recorder = classStore(context).get(context.getUniqueId(), Recorder.class);
        if (recorder == null || recorder.recordings().isEmpty()) {
            return;
        }
        StringWriter text = new StringWriter();
        recorder.print(new PrintWriter(text));
        String base = System.getProperty("backupguard-harness.reports", "target/backup-guard");
        Path file = Path.of(base, context.getRequiredTestClass().getName(),
                context.getRequiredTestMethod().getName() + ".html");
        String where;
        try {
            recorder.writeHtml(file, context.getDisplayName());
            where = "HTML report: " + file.toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            where = "(the HTML report could not be written: " + e + ")";
        }
        context.publishReportEntry("backup-guard recordings", text + where);
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        // nothing to report
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        // nothing to report
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        // nothing to report
    }
}
