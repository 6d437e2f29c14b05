package dev.backupguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CI smoke run of every end-to-end benchmark main (items 3-7) with tiny sizes, against a private server: they
 * complete and measure what they claim to. No assertion on any figure: timings are reported by {@code bench/run.sh},
 * never tested. The JMH benchmarks (items 1, 2) are only compiled here.
 */
class BenchSmokeIT {

    private static BenchSuite.Report report;
    private static Map<Integer, Section> sections;

    @BeforeAll
    static void runQuick() {
        report = BenchSuite.run(Sizes.QUICK, Set.of(3, 4, 5, 6, 7), "--quick --items=3,4,5,6,7");
        sections = report.sections().stream().collect(Collectors.toMap(Section::item, Function.identity()));
    }

    @Test
    void everyEndToEndItemCompletes() {
        assertThat(sections.keySet()).containsExactlyInAnyOrder(3, 4, 5, 6, 7);
        assertThat(report.sections()).allSatisfy(s -> assertThat(s.title()).doesNotStartWith("FAILED"));
        assertThat(report.failed()).isFalse();
        assertThat(report.markdown()).contains("| machine |", "| JDK |");
    }

    @Test
    void dumpThroughputReportsBothDrivers() {
        // DumpThroughput itself fails the item when a run reads the wrong row count or the guarded run was not a
        // backup session with a snapshot.
        assertThat(sections.get(3).markdown()).contains("MariaDB Connector/J", "MySQL Connector/J");
    }

    @Test
    void lockWindowSeesNoGlobalLockOnTheLockFreeWaysAndOneOnTheForcedWay() {
        String md = sections.get(4).markdown();
        assertThat(row(md, "`LOCK_WHOLE_DUMP`, guarded, way auto (MariaDB C/J)")).contains("| 0 |", "no global lock");
        assertThat(row(md, "`mariadb-dump --single-transaction --master-data=2` |")).contains("no global lock");
        assertThat(row(md, "`LOCK_WHOLE_DUMP`, guarded, way global-lock (MariaDB C/J)")).contains("| 1 |")
                .doesNotContain("no global lock");
        assertThat(row(md, "`mariadb-dump --lock-all-tables --master-data=2`")).contains("| 1 |");
    }

    @Test
    void writeStallMeasuresEveryScenarioWithAndWithoutTheLongWrite() {
        String md = sections.get(5).markdown();
        for (BackupRun s : WriteStall.scenarios()) {
            assertThat(md.lines().filter(l -> l.startsWith("| " + s.label() + " |")).count())
                    .as(s.label()).isEqualTo(2);
        }
    }

    @Test
    void manyTablesAndAgentStartUpReport() {
        for (ManyTables.Arm arm : ManyTables.Arm.values()) {
            assertThat(row(sections.get(7).markdown(), arm.label + " |")).as(arm.name()).isNotEmpty();
        }
        String startup = sections.get(6).markdown();
        if (java.nio.file.Files.exists(AgentStartup.agentJar())) {
            assertThat(startup).contains("added by the agent");
        } else {
            assertThat(startup).contains("Pending merge");
        }
    }

    private static String row(String markdown, String start) {
        return markdown.lines().filter(l -> l.startsWith("| " + start)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + start + " in\n" + markdown));
    }
}
