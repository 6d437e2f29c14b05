package dev.backupguard.telemetry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Structured key=value lines through SLF4J, logger {@value #LOGGER}: one line per notable event and one summary line
 * per backup session. Levels:
 * <ul>
 *   <li>WARN: lock wait cancelled, query killed, lock hold exceeded, a preflight that saw long queries, the backup
 *       connection lost, a session summary that is not consistent;</li>
 *   <li>INFO: lock acquired / released, snapshot started / ended, preflight, collateral, a consistent summary;</li>
 *   <li>DEBUG: lock requested, every statement step, table reads, metadata-lock releases, rule applied (the
 *       human-readable line of each correction or refusal is already logged by {@code dev.backupguard.jdbc}).</li>
 * </ul>
 * {@link #wants} asks the logger, so nothing is built for a level that is off.
 */
public final class Slf4jSink implements TelemetrySink {

    public static final String LOGGER = "dev.backupguard.events";

    private enum Level { DEBUG, INFO, WARN }

    /** The highest level an event of a type can be logged at: the type is wanted when that level is on. */
    private static final ClassValue<Level> HIGHEST = new ClassValue<>() {
        @Override
        protected Level computeValue(Class<?> type) {
            if (type == GuardEvent.LockWaitCancelled.class || type == GuardEvent.QueryKilled.class
                    || type == GuardEvent.LockHoldExceeded.class || type == GuardEvent.SessionSummary.class
                    || type == GuardEvent.PreflightChecked.class || type == GuardEvent.ConnectionLost.class) {
                return Level.WARN;
            }
            if (type == GuardEvent.LockAcquired.class || type == GuardEvent.LockReleased.class
                    || type == GuardEvent.SnapshotStarted.class || type == GuardEvent.SnapshotEnded.class
                    || type == GuardEvent.Collateral.class) {
                return Level.INFO;
            }
            return Level.DEBUG;
        }
    };

    private final Logger log;
    private final boolean redact;

    public Slf4jSink(boolean redact) {
        this(LoggerFactory.getLogger(LOGGER), redact);
    }

    public Slf4jSink(Logger log, boolean redact) {
        this.log = log;
        this.redact = redact;
    }

    @Override
    public boolean wants(Class<? extends GuardEvent> type) {
        return enabled(HIGHEST.get(type));
    }

    @Override
    public void accept(GuardEvent event) {
        Level level = level(event);
        if (!enabled(level)) {
            return;
        }
        String line = KeyValueLine.of(event, redact);
        switch (level) {
            case WARN -> log.warn(line);
            case INFO -> log.info(line);
            default -> log.debug(line);
        }
    }

    /** The key=value line of an event, as this sink logs it. */
    public static String line(GuardEvent event, boolean redact) {
        return KeyValueLine.of(event, redact);
    }

    private static Level level(GuardEvent e) {
        if (e instanceof GuardEvent.SessionSummary s) {
            return s.consistent() ? Level.INFO : Level.WARN;
        }
        if (e instanceof GuardEvent.PreflightChecked p) {
            return p.longQueries().isEmpty() ? Level.INFO : Level.WARN;
        }
        return HIGHEST.get(e.getClass());
    }

    private boolean enabled(Level level) {
        return switch (level) {
            case WARN -> log.isWarnEnabled();
            case INFO -> log.isInfoEnabled();
            default -> log.isDebugEnabled();
        };
    }

    @Override
    public String toString() {
        return "Slf4jSink[" + log.getName() + "]";
    }
}
