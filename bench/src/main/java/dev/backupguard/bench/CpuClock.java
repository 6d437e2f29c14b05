package dev.backupguard.bench;

import dev.backupguard.testserver.MariaDbServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CPU time spent by the benchmark's own thread and by the server process. On a machine shared with other work, wall
 * time includes the time a thread waited for a core; CPU time counts only the work done, so a ratio of CPU times
 * isolates what backup-guard adds (client-side work, and any extra statements the server runs) from the machine's
 * load. Linux only (the server's time comes from {@code /proc/<pid>/stat}, in clock ticks of 10 ms).
 */
final class CpuClock {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux

    private final long serverPid;

    private CpuClock(long serverPid) {
        this.serverPid = serverPid;
    }

    /** The clock of {@code server}'s mariadbd (a child process of this JVM). */
    static CpuClock of(MariaDbServer server) {
        String dataDir = server.dataDir().toString();
        Optional<ProcessHandle> mariadbd = ProcessHandle.current().children()
                .filter(p -> p.info().commandLine().orElse("").contains(dataDir)).findFirst();
        return new CpuClock(mariadbd.map(ProcessHandle::pid).orElse(-1L));
    }

    /** A reading: this thread's CPU time and the server's, in nanoseconds. */
    record Reading(long thread, long server) {
        Reading minus(Reading start) {
            return new Reading(thread - start.thread, server - start.server);
        }

        long total() {
            return thread + server;
        }
    }

    Reading now() {
        return new Reading(THREADS.getCurrentThreadCpuTime(), serverNanos());
    }

    boolean seesServer() {
        return serverPid > 0;
    }

    private long serverNanos() {
        if (serverPid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(serverPid), "stat"));
            // pid (comm) state ppid ... : fields after the last ')' start with the state (field 3); utime is field 14
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
