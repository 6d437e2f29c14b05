package dev.backupguard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * README's table of configuration keys is {@link Settings#KEYS} as a table: every key, its environment variable,
 * default and description. When a key changes, this fails with the table to paste.
 */
class ReadmeSettingsTableTest {

    static final String HEADER = "| key | environment variable | default | what it does |";

    static String expectedTable() {
        StringBuilder out = new StringBuilder(HEADER).append('\n').append("|---|---|---|---|\n");
        for (Map.Entry<String, String[]> e : Settings.KEYS.entrySet()) {
            String key = e.getKey();
            String env = "BACKUPGUARD_" + key.replace("<id>", "<ID>").toUpperCase(Locale.ROOT).replace('.', '_')
                    .replace('-', '_');
            String def = e.getValue()[0].isEmpty() ? "" : "`" + e.getValue()[0] + "`";
            out.append("| `").append(Settings.PREFIX).append(key).append("` | `").append(env).append("` | ")
                    .append(def).append(" | ").append(e.getValue()[1]).append(" |\n");
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
