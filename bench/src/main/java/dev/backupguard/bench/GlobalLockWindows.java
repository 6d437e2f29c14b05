package dev.backupguard.bench;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.Statement;
import dev.backupguard.testserver.GeneralLogEntry;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The global read locks a run took, read from the server's general log ({@code log_output=TABLE}: {@code event_time}
 * with microseconds).
 *
 * <p>The log stamps a statement when the server starts it, not when it ends. So for one
 * {@code FLUSH TABLES WITH READ LOCK} (FTWRL) on a thread:
 * <ul>
 *   <li><b>window</b> = time of the release row minus time of the FTWRL row: from the moment FTWRL starts (waiting
 *       or holding, writers queue behind it either way: server fact 4) to the moment the release starts. This is what
 *       every writer on the server can be stalled by, and the figure the goals are about;</li>
 *   <li><b>wait ≤</b> time of the next row on the thread minus time of the FTWRL row: FTWRL returned somewhere in
 *       between, so this bounds its wait from above (it includes one client round trip);</li>
 *   <li><b>hold ≥</b> time of the release row minus time of the next row: the lock was certainly held from the next
 *       statement on, so this bounds the hold from below.</li>
 * </ul>
 * The release is the thread's next {@code UNLOCK TABLES}, or its {@code Quit} (mariadb-dump {@code --lock-all-tables}
 * disconnects holding the lock). The release statement itself takes a few microseconds more than its stamp says.
 */
final class GlobalLockWindows {

    /** One FTWRL and its release, in microseconds (release -1 when the log shows none). */
    record Window(long thread, LocalDateTime lockAt, LocalDateTime nextAt, LocalDateTime releaseAt) {

        long windowMicros() {
            return releaseAt == null ? -1 : micros(lockAt, releaseAt);
        }

        long waitAtMostMicros() {
            return nextAt == null ? -1 : micros(lockAt, nextAt);
        }

        long holdAtLeastMicros() {
            return releaseAt == null || nextAt == null ? -1 : micros(nextAt, releaseAt);
        }

        private static long micros(LocalDateTime a, LocalDateTime b) {
            return Duration.between(a, b).toNanos() / 1000;
        }
    }

    private GlobalLockWindows() {
    }

    /** Every FTWRL in {@code log} (rows of any threads, in log order) with its release. */
    static List<Window> find(List<GeneralLogEntry> log) {
        Map<Long, List<GeneralLogEntry>> byThread = new LinkedHashMap<>();
        for (GeneralLogEntry e : log) {
            byThread.computeIfAbsent(e.threadId(), t -> new ArrayList<>()).add(e);
        }
        List<Window> windows = new ArrayList<>();
        for (List<GeneralLogEntry> rows : byThread.values()) {
            for (int i = 0; i < rows.size(); i++) {
                if (!isGlobalReadLock(rows.get(i))) {
                    continue;
                }
                GeneralLogEntry lock = rows.get(i);
                GeneralLogEntry next = i + 1 < rows.size() ? rows.get(i + 1) : null;
                GeneralLogEntry release = null;
                for (int j = i + 1; j < rows.size() && release == null; j++) {
                    if (isRelease(rows.get(j))) {
                        release = rows.get(j);
                    }
                }
                windows.add(new Window(lock.threadId(), lock.eventTime(), next == null ? null : next.eventTime(),
                        release == null ? null : release.eventTime()));
            }
        }
        return windows;
    }

    static boolean isGlobalReadLock(GeneralLogEntry e) {
        if (!e.isQuery()) {
            return false;
        }
        Statement st = Classifier.classify(e.argument());
        return st.kind() == Kind.FLUSH_TABLES_WITH_READ_LOCK && st.tables().isEmpty();
    }

    private static boolean isRelease(GeneralLogEntry e) {
        return "Quit".equals(e.commandType())
                || (e.isQuery() && Classifier.classify(e.argument()).kind() == Kind.UNLOCK_TABLES);
    }
}
