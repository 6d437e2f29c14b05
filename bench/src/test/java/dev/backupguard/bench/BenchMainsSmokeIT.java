package dev.backupguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each end-to-end benchmark's own {@code main --quick} (what bench/README offers for running one item alone)
 * completes and prints its section: the mains start their own server, which {@link BenchSmokeIT}'s in-process
 * suite run does not exercise. No figure is looked at.
 */
class BenchMainsSmokeIT {

    @FunctionalInterface
    interface Main {
        void run(String[] args) throws Exception;
    }

    static Stream<Arguments> mains() {
        return Stream.of(
                Arguments.of(3, "DumpThroughput", (Main) DumpThroughput::main),
                Arguments.of(4, "LockWindow", (Main) LockWindow::main),
                Arguments.of(5, "WriteStall", (Main) WriteStall::main),
                Arguments.of(6, "AgentStartup", (Main) AgentStartup::main),
                Arguments.of(7, "ManyTables", (Main) ManyTables::main));
    }

    @ParameterizedTest(name = "{1} --quick")
    @MethodSource("mains")
    void mainPrintsItsSection(int item, String name, Main main) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            main.run(new String[] {"--quick"});
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        original.print(printed);
        assertThat(printed).as(name).contains("## " + item + ". ").contains("|---|");
    }
}
