package dev.backupguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * README's table of configuration keys is {@link Settings#KEYS} as a table: every key, its environment variable,
 * default, the values it accepts and its description. When a key changes, this fails with the table to paste.
 */
class ReadmeSettingsTableTest {

    static final String HEADER = "| key | environment variable | default | accepts | what it does |";

    static String expectedTable() {
        StringBuilder out = new StringBuilder(HEADER).append('\n').append("|---|---|---|---|---|\n");
        for (Setting<?> s : Settings.KEYS) {
            String def = s.fallback().isEmpty() ? "" : "`" + s.fallback() + "`";
            out.append("| `").append(Settings.PREFIX).append(s.name()).append("` | `").append(s.environmentName())
                    .append("` | ").append(def).append(" | ").append(s.accepts()).append(" | ")
                    .append(s.description()).append(" |\n");
        }
        return out.toString();
    }

    @Test
    void readmeListsEveryKeyWithItsDefault() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        int start = readme.indexOf(HEADER);
        assertThat(start).as("README has the configuration table").isNotNegative();
        StringBuilder actual = new StringBuilder();
        for (int i = start; i < readme.size() && readme.get(i).startsWith("|"); i++) {
            actual.append(readme.get(i)).append('\n');
        }
        assertThat(actual.toString()).as("README's configuration table (paste the expected one)")
                .isEqualTo(expectedTable());
    }
}
