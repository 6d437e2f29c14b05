package dev.backupguard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Items 1 and 2: runs the JMH benchmarks through JMH's API (forked JVMs, the GC profiler for bytes per operation) and
 * turns every measurement iteration of every fork into medians and spreads.
 */
final class Jmh {

    private Jmh() {
    }

    /** One benchmark and parameter combination: the time and allocation of every measured iteration. */
    record Measured(String method, String arm, List<Double> nanos, List<Double> bytes) {
        Stats time() {
            return Stats.of(nanos);
        }

        Stats allocation() {
            return Stats.of(bytes);
        }
    }

    static Collection<RunResult> run(Class<?> benchmark, Sizes sizes, Path log) throws Exception {
        Files.createDirectories(log.toAbsolutePath().getParent());
        Options options = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName()) + "\\.")
                .addProfiler(GCProfiler.class)
                .forks(sizes.jmhForks())
                .warmupIterations(sizes.jmhWarmups())
                .warmupTime(TimeValue.milliseconds(sizes.jmhIteration().toMillis()))
                .measurementIterations(sizes.jmhIterations())
                .measurementTime(TimeValue.milliseconds(sizes.jmhIteration().toMillis()))
                .timeUnit(TimeUnit.NANOSECONDS)
                .output(log.toString() + "." + benchmark.getSimpleName())
                .build();
        return new Runner(options).run();
    }

    static Map<String, Measured> measured(Collection<RunResult> results, String... armParams) {
        Map<String, Measured> out = new LinkedHashMap<>();
        for (RunResult rr : results) {
            BenchmarkParams p = rr.getParams();
            String method = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
            String arm = "";
            for (String name : armParams) {
                if (p.getParamsKeys().contains(name)) {
                    arm = p.getParam(name);
                }
            }
            List<Double> nanos = new ArrayList<>();
            List<Double> bytes = new ArrayList<>();
            for (BenchmarkResult br : rr.getBenchmarkResults()) {
                for (IterationResult ir : br.getIterationResults()) {
                    nanos.add(ir.getPrimaryResult().getScore());
                    Result<?> alloc = ir.getSecondaryResults().get("gc.alloc.rate.norm");
                    if (alloc != null) {
                        bytes.add(alloc.getScore());
                    }
                }
            }
            out.put(method + "|" + arm, new Measured(method, arm, nanos, bytes));
        }
        return out;
    }

    static Section passThrough(Sizes sizes, Path log) throws Exception {
        Map<String, Measured> m = measured(run(PassThroughBenchmark.class, sizes, log), "arm", "writeArm");
        Map<String, Stats> cpu = PassThroughCpuTime.measure(sizes);
        String[][] operations = {
            {"executeQuery", "`createStatement`, `executeQuery` of a point select, read the row, close"},
            {"prepareQuery", "`prepareStatement` of a point select, `setLong`, `executeQuery`, read, close"},
            {"executeUpdate", "`createStatement`, `executeUpdate` of an UPDATE, close"},
            {"prepareExecute", "`prepareStatement` of an UPDATE, two `setLong`, `execute`, close"},
        };
        String[] arms = {"raw", "backup-guard", "backup-guard-job", "p6spy", "datasource-proxy"};
        MarkdownTable table = new MarkdownTable("operation", "arm", "ns/op (JMH, wall)", "B/op", "added ns/op vs raw",
                "backup-guard ÷ this arm", "CPU ns/op (cross-check)", "backup-guard ÷ this arm, CPU");
        for (String[] op : operations) {
            Measured raw = m.get(op[0] + "|raw");
            Measured guard = m.get(op[0] + "|backup-guard");
            for (String arm : arms) {
                Measured x = m.get(op[0] + "|" + arm);
                if (x == null) {
                    continue;
                }
                Stats c = cpu.get(op[0] + "|" + arm);
                Stats cg = cpu.get(op[0] + "|backup-guard");
                boolean other = !arm.equals("raw") && !arm.startsWith("backup-guard");
                table.row("`" + op[0] + "`", arm, x.time().format(1), x.allocation().format(0),
                        raw == null ? "" : Stats.fmt(x.time().median() - raw.time().median(), 1),
                        guard == null || !other ? "" : Stats.fmt(guard.time().median() / x.time().median(), 2),
                        c == null ? "" : c.format(0),
                        c == null || cg == null || !other ? "" : Stats.fmt(cg.median() / c.median(), 2));
            }
        }
        StringBuilder ops = new StringBuilder();
        for (String[] op : operations) {
            ops.append("- `").append(op[0]).append("`: ").append(op[1]).append('\n');
        }
        String md = table + "\n" + ops + "\n"
                + "All arms wrap the same in-process stub connection (`dev.backupguard.bench.stub`: constants, no"
                + " driver, no network), so the figures are the wrappers' own cost. `backup-guard`: guardrail role"
                + " (an application's ordinary traffic); `backup-guard-job`: the default backup-job role on writes (in"
                + " that role a table read starts a backup session by design, so it has no read rows); `p6spy` 3.9.1:"
                + " `P6DataSource` with only its core module (logging module off); `datasource-proxy` 1.11.0:"
                + " `ProxyDataSourceBuilder` with no listener. JMH average time, " + sizes.jmhForks() + " forks × "
                + sizes.jmhIterations() + " iterations of " + sizes.jmhIteration().toMillis() + " ms after "
                + sizes.jmhWarmups() + " warm-ups: median of the iterations (min–max); B/op from `-prof gc`"
                + " (`gc.alloc.rate.norm`). The raw stub's own allocation is mostly escape-analysed away, so \"added"
                + " ns\" is close to the wrapper's whole cost. CPU cross-check (`PassThroughCpuTime`): the same"
                + " operations and arms in the suite's JVM, timed with the thread's CPU time (which a busy machine"
                + " does not inflate, unlike JMH's wall clock), arms interleaved, 7 rounds of 200,000 operations"
                + " after 3 warm-up rounds: median ns/op (min–max).\n";
        return new Section(1, "Pass-through overhead on ordinary traffic (JMH)", md);
    }

    static Section classifier(Sizes sizes, Path log) throws Exception {
        Map<String, Measured> m = measured(run(ClassifierBenchmark.class, sizes, log));
        String[][] rows = {
            {"mixedTraffic", "realistic mix: 56 OLTP and 20 backup statements, per statement"},
            {"backupStatements", "what mysqldump and mydumper send, per statement"},
            {"pointSelect", "one point select"},
            {"megabyteInsert", "a 1 MB multi-row INSERT"},
            {"megabyteInList", "a 1 MB SELECT ... WHERE id IN (...)"},
        };
        MarkdownTable table = new MarkdownTable("benchmark", "what", "ns/statement", "B/statement");
        for (String[] r : rows) {
            Measured x = m.get(r[0] + "|");
            if (x != null) {
                table.row("`" + r[0] + "`", r[1], x.time().format(1), x.allocation().format(0));
            }
        }
        String md = table + "\n`ClassifierBenchmark`: `Classifier.classify` alone, JMH average time, " + sizes.jmhForks()
                + " forks × " + sizes.jmhIterations() + " iterations; median (min–max) of the iterations; B/op from"
                + " `-prof gc`.\n";
        return new Section(2, "Classifier", md);
    }
}
