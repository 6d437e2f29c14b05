package dev.backupguard.bench;

import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.lock.GlobalReadLockGuard;
import dev.backupguard.testserver.MariaDbServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Runs the whole benchmark suite (or the items asked for) and writes the results as markdown:
 * {@code bench/run.sh [--quick] [--items=1,3] [--out=file]}.
 *
 * <p>Items: 1 pass-through overhead and 2 classifier (JMH, in forked JVMs), 6 agent start-up, then against one private
 * MariaDB server 3 dump throughput, 4 lock window, 5 write stall, 7 many tables. A failing item is reported in its
 * section and the others still run; the exit code is then 1. {@code --quick} is the CI smoke run: tiny sizes, seconds,
 * figures without meaning.
 */
public final class BenchSuite {

    private BenchSuite() {
    }

    public static void main(String[] args) throws Exception {
        Sizes sizes = sizes(args);
        Set<Integer> items = items(args);
        Path out = out(args, sizes);
        Report report = run(sizes, items, String.join(" ", args));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.markdown());
        System.out.println(report.markdown());
        System.out.println("results written to " + out);
        if (report.failed()) {
            System.exit(1);
        }
    }

    /** The sections and whether any item failed. */
    public record Report(String markdown, List<Section> sections, boolean failed) {
    }

    static Sizes sizes(String[] args) {
        return (Arrays.asList(args).contains("--quick") ? Sizes.QUICK : Sizes.FULL).withOverrides();
    }

    static Set<Integer> items(String[] args) {
        for (String a : args) {
            if (a.startsWith("--items=")) {
                return Arrays.stream(a.substring(8).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .map(Integer::valueOf).collect(Collectors.toCollection(TreeSet::new));
            }
        }
        return new TreeSet<>(List.of(1, 2, 3, 4, 5, 6, 7));
    }

    static Path out(String[] args, Sizes sizes) {
        for (String a : args) {
            if (a.startsWith("--out=")) {
                return Path.of(a.substring(6));
            }
        }
        return sizes.quick() ? Path.of("bench/target/results-quick.md")
                : Path.of("bench/results/" + LocalDate.now() + ".md");
    }

    public static Report run(Sizes sizes, Set<Integer> items, String arguments) {
        LocalDateTime started = LocalDateTime.now();
        String loadBefore = Machine.loadAverage();
        long t0 = System.nanoTime();
        List<Section> sections = new ArrayList<>();
        boolean failed = false;
        Path jmhLog = Path.of(System.getProperty("bench.jmh.log", "bench/target/jmh.log"));
        for (int item : List.of(1, 2, 6)) {
            if (items.contains(item)) {
                Section s = attempt(item, () -> switch (item) {
                    case 1 -> Jmh.passThrough(sizes, jmhLog);
                    case 2 -> Jmh.classifier(sizes, jmhLog);
                    default -> AgentStartup.run(sizes);
                });
                failed |= s.title().startsWith("FAILED");
                sections.add(s);
            }
        }
        if (items.contains(3) || items.contains(4) || items.contains(5) || items.contains(7)) {
            try (MariaDbServer server = MariaDbServer.start()) {
                for (int item : List.of(3, 4, 5, 7)) {
                    if (items.contains(item)) {
                        Section s = attempt(item, () -> switch (item) {
                            case 3 -> DumpThroughput.run(server, sizes);
                            case 4 -> LockWindow.run(server, sizes);
                            case 5 -> WriteStall.run(server, sizes);
                            default -> ManyTables.run(server, sizes);
                        });
                        failed |= s.title().startsWith("FAILED");
                        sections.add(s);
                    }
                }
            } catch (RuntimeException e) {
                sections.add(failure(0, "the MariaDB server", e));
                failed = true;
            }
        }
        sections.sort((a, b) -> Integer.compare(a.item(), b.item()));
        double minutes = (System.nanoTime() - t0) / 60e9;
        StringBuilder md = new StringBuilder();
        md.append("# backup-guard benchmark results, ").append(started.toLocalDate())
                .append(sizes.quick() ? " (quick smoke run: sizes too small to mean anything)"
                        : sizes.equals(Sizes.FULL) ? "" : " (sizes overridden: " + sizes + ")").append("\n\n");
        md.append(new MarkdownTable("", "")
                .row("date", started.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
                .row("command", "`bench/run.sh" + (arguments.isBlank() ? "" : " " + arguments) + "`")
                .row("commit", System.getProperty("bench.commit", "(unknown)"))
                .row("JDK", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"))
                .row("machine", Machine.describe())
                .row("load average (1, 5, 15 min) before / after", loadBefore + " / " + Machine.loadAverage())
                .row("server", "MariaDB " + MariaDbServer.VERSION + " (the test fixture: binlog on, ROW, InnoDB)")
                .row("lock guard in this build", lockGuard())
                .row("took", Stats.fmt(minutes, 1) + " min"));
        md.append('\n');
        for (Section s : sections) {
            md.append(s.render()).append('\n');
        }
        return new Report(md.toString(), sections, failed);
    }

    static String lockGuard() {
        GlobalReadLockGuard g = BackupGuard.lockGuard();
        return g == GlobalReadLockGuard.DIRECT ? "`GlobalReadLockGuard.DIRECT` (sends FTWRL with no checks)"
                : "`" + g.getClass().getName() + "`";
    }

    @FunctionalInterface
    private interface Item {
        Section run() throws Exception;
    }

    private static Section attempt(int item, Item body) {
        try {
            return body.run();
        } catch (Exception | Error e) {
            return failure(item, "item " + item, e);
        }
    }

    private static Section failure(int item, String what, Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        e.printStackTrace();
        return new Section(item, "FAILED: " + what, "```\n" + trace.toString().strip() + "\n```\n");
    }

    /** What the figures were measured on. */
    static final class Machine {

        private Machine() {
        }

        static String describe() {
            return Runtime.getRuntime().availableProcessors() + " cores, " + memory() + ", "
                    + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                    + System.getProperty("os.arch");
        }

        private static String memory() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemTotal:")) {
                        long kb = Long.parseLong(line.replaceAll("\\D", ""));
                        return Stats.fmt(kb / 1024.0 / 1024.0, 1) + " GiB memory";
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not Linux
            }
            return "memory unknown";
        }

        static String loadAverage() {
            try {
                String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
                return f[0] + ", " + f[1] + ", " + f[2];
            } catch (IOException | RuntimeException e) {
                return "unknown";
            }
        }
    }
}
