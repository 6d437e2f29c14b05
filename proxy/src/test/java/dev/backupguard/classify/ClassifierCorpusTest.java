package dev.backupguard.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus in {@code corpus.txt}: what mysqldump, mariadb-dump, mydumper and backup tools send, and tricky
 * variants. Each line is {@code sql | KIND | expectations}; see the file's header.
 */
class ClassifierCorpusTest {

    private static final String CORPUS = "corpus.txt";

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("corpus")
    void classifiesAsTheCorpusSays(String sql, Expected expected) {
        Statement statement = Classifier.classify(sql);

        assertThat(statement.kind()).as("kind").isEqualTo(expected.kind);
        assertThat(String.valueOf(statement.target())).as("target").isEqualTo(String.valueOf(expected.target));
        if (expected.target != null) {
            assertThat(statement.target().schema()).as("target schema").isEqualTo(expected.target.schema());
        }
        assertThat(statement.tables()).as("tables").isEqualTo(expected.tables);
        assertThat(statement.name()).as("name").isEqualTo(expected.name);
        assertThat(statement.isolation()).as("isolation").isEqualTo(expected.isolation);
        assertThat(flagNames(statement.flags())).as("flags").isEqualTo(flagNames(expected.flags));
        assertThat(statement.sql()).as("sql is the caller's String").isSameAs(sql);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("corpus")
    void aTrailingSemicolonChangesNothingInMultiStatementText(String sql, Expected expected) {
        boolean endsInsideSomething = sql.contains("--") || sql.contains("#") || (expected.flags & Statement.F_MALFORMED) != 0
                || expected.kind == Kind.EMPTY || sql.contains(";");
        if (endsInsideSomething) {
            return; // a line comment, an unterminated quote or an existing ';' would change what the ';' means
        }
        List<Statement> all = Classifier.classifyAll(sql + " ;\n");

        assertThat(all).hasSize(1);
        Statement statement = all.get(0);
        assertThat(statement.kind()).isEqualTo(expected.kind);
        assertThat(String.valueOf(statement.target())).isEqualTo(String.valueOf(expected.target));
        assertThat(flagNames(statement.flags())).isEqualTo(flagNames(expected.flags));
        assertThat(statement.sql()).isEqualTo(sql.strip());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("corpus")
    void theLeadingKeywordClassificationDiffersOnlyForQueries(String sql, Expected expected) {
        Statement leading = Classifier.classifyLeading(sql);
        Statement full = Classifier.classify(sql);

        assertThat(leading.kind()).isEqualTo(full.kind());
        if (leading.has(Statement.F_SHALLOW)) {
            assertThat(leading.has(Statement.F_SHALLOW)).isTrue();
            assertThat(leading.target()).isNull();
            if (sql.strip().startsWith("/*") || sql.strip().startsWith("--") || sql.strip().startsWith("#")) {
                // Hints before the keyword are still seen (after it, only the full classification reads them).
                assertThat(leading.flags() & (Statement.F_HINT_BACKUP | Statement.F_HINT_NEVER))
                        .isEqualTo(full.flags() & (Statement.F_HINT_BACKUP | Statement.F_HINT_NEVER));
            }
        } else {
            assertThat(leading).isEqualTo(full);
        }
    }

    @Test
    void corpusIsLargeAndCoversEveryKind() throws IOException {
        List<Arguments> rows = rows();
        assertThat(rows).hasSizeGreaterThan(350);
        TreeSet<Kind> kinds = new TreeSet<>();
        for (Arguments row : rows) {
            kinds.add(((Expected) row.get()[1]).kind);
        }
        // OPAQUE comes only from a connection's SessionText (SessionTextTest), never from the stateless classifier.
        assertThat(kinds).containsExactlyInAnyOrderElementsOf(java.util.EnumSet.complementOf(java.util.EnumSet.of(Kind.OPAQUE)));
    }

    static Stream<Arguments> corpus() throws IOException {
        return rows().stream();
    }

    private static List<Arguments> rows() throws IOException {
        List<Arguments> rows = new ArrayList<>();
        try (InputStream in = ClassifierCorpusTest.class.getResourceAsStream(CORPUS)) {
            assertThat(in).as(CORPUS).isNotNull();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank() || line.startsWith("//")) {
                    continue;
                }
                String[] columns = line.split(" \\| ", 3);
                if (columns.length < 2) {
                    throw new IllegalStateException(CORPUS + ":" + number + ": expected 'sql | KIND [| expectations]'");
                }
                String sql = columns[0].strip().replace("⏎", "\n").replace("⇥", "\t");
                rows.add(Arguments.of(sql, Expected.parse(columns[1].strip(), columns.length > 2 ? columns[2] : "")));
            }
        }
        return rows;
    }

    /** What a corpus line expects. */
    static final class Expected {
        Kind kind;
        TableName target;
        List<TableName> tables = List.of();
        String name;
        IsolationLevel isolation;
        int flags;

        static Expected parse(String kind, String expectations) {
            Expected expected = new Expected();
            expected.kind = Kind.valueOf(kind);
            for (String item : expectations.strip().split("\\s+")) {
                if (item.isEmpty()) {
                    continue;
                }
                int eq = item.indexOf('=');
                String key = eq < 0 ? null : item.substring(0, eq);
                String value = eq < 0 ? item : item.substring(eq + 1);
                if (key == null) {
                    expected.flags |= flag(value);
                } else if (key.equals("target")) {
                    expected.target = table(value);
                } else if (key.equals("tables")) {
                    List<TableName> tables = new ArrayList<>();
                    for (String t : value.split(",")) {
                        tables.add(table(t));
                    }
                    expected.tables = List.copyOf(tables);
                } else if (key.equals("name")) {
                    expected.name = value.replace("␣", " ");
                } else if (key.equals("iso")) {
                    expected.isolation = IsolationLevel.valueOf(value);
                } else {
                    throw new IllegalArgumentException("unknown expectation " + item);
                }
            }
            return expected;
        }

        private static TableName table(String dotted) {
            int dot = dotted.indexOf('.');
            return dot < 0 ? TableName.of(dotted) : new TableName(dotted.substring(0, dot), dotted.substring(dot + 1));
        }

        @Override
        public String toString() {
            return kind + " " + flagNames(flags);
        }
    }

    static int flag(String name) {
        try {
            return Statement.class.getField("F_" + name).getInt(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("no flag F_" + name, e);
        }
    }

    /** Flag bits as their names, so that a failure says which flag differs. */
    static TreeSet<String> flagNames(int flags) {
        TreeSet<String> names = new TreeSet<>();
        for (Field field : Statement.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getName().startsWith("F_")) {
                try {
                    if ((flags & field.getInt(null)) != 0) {
                        names.add(field.getName().substring(2));
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }
}
