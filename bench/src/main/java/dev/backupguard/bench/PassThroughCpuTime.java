package dev.backupguard.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cross-check of item 1 that a busy machine cannot inflate: the same operations of {@link PassThroughBenchmark} on
 * the same arms, timed with the thread's CPU time instead of the wall clock, arms interleaved round by round in one
 * JVM. JMH's wall-clock figures include the time the benchmark thread waited for a core; on a machine shared with
 * other work that can be most of it.
 */
final class PassThroughCpuTime {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private PassThroughCpuTime() {
    }

    /** Median CPU ns per operation (min–max over the rounds), keyed {@code operation|arm}. */
    static Map<String, Stats> measure(Sizes sizes) throws SQLException {
        int ops = sizes.quick() ? 2_000 : 200_000;
        int warmups = sizes.quick() ? 1 : 3;
        int rounds = sizes.quick() ? 1 : 7;
        PassThroughBenchmark b = new PassThroughBenchmark();
        Map<String, PassThroughBenchmark.ReadPath> reads = new LinkedHashMap<>();
        for (String arm : List.of("raw", "backup-guard", "p6spy", "datasource-proxy")) {
            PassThroughBenchmark.ReadPath p = new PassThroughBenchmark.ReadPath();
            p.arm = arm;
            p.open();
            reads.put(arm, p);
        }
        Map<String, PassThroughBenchmark.WritePath> writes = new LinkedHashMap<>();
        for (String arm : List.of("raw", "backup-guard", "backup-guard-job", "p6spy", "datasource-proxy")) {
            PassThroughBenchmark.WritePath p = new PassThroughBenchmark.WritePath();
            p.writeArm = arm;
            p.open();
            writes.put(arm, p);
        }
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        long sink = 0;
        for (int round = 0; round < warmups + rounds; round++) {
            boolean keep = round >= warmups;
            for (Map.Entry<String, PassThroughBenchmark.ReadPath> e : reads.entrySet()) {
                long t0 = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < ops; i++) {
                    sink += b.executeQuery(e.getValue());
                }
                long t1 = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < ops; i++) {
                    sink += b.prepareQuery(e.getValue());
                }
                long t2 = THREADS.getCurrentThreadCpuTime();
                if (keep) {
                    add(samples, "executeQuery|" + e.getKey(), (t1 - t0) / (double) ops);
                    add(samples, "prepareQuery|" + e.getKey(), (t2 - t1) / (double) ops);
                }
            }
            for (Map.Entry<String, PassThroughBenchmark.WritePath> e : writes.entrySet()) {
                long t0 = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < ops; i++) {
                    sink += b.executeUpdate(e.getValue());
                }
                long t1 = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < ops; i++) {
                    sink += b.prepareExecute(e.getValue()) ? 1 : 0;
                }
                long t2 = THREADS.getCurrentThreadCpuTime();
                if (keep) {
                    add(samples, "executeUpdate|" + e.getKey(), (t1 - t0) / (double) ops);
                    add(samples, "prepareExecute|" + e.getKey(), (t2 - t1) / (double) ops);
                }
            }
        }
        for (PassThroughBenchmark.ReadPath p : reads.values()) {
            p.check();
        }
        for (PassThroughBenchmark.WritePath p : writes.values()) {
            p.check();
        }
        if (sink == 42) {
            System.out.print(""); // keeps the results alive
        }
        Map<String, Stats> out = new LinkedHashMap<>();
        samples.forEach((k, v) -> out.put(k, Stats.of(v)));
        return out;
    }

    private static void add(Map<String, List<Double>> samples, String key, double value) {
        samples.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
}
