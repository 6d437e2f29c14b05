package dev.backupguard.harness.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The captured general logs committed as test resources (src/test/resources/generallog) and used by the unit tests and
 * README examples. The integration tests capture them afresh on every run; with
 * {@code -Dbackupguard-harness.refresh-samples=true} they also replace the committed copies.
 */
final class Samples {

    static final Path COMMITTED = Path.of("src/test/resources/generallog");

    private Samples() {
    }

    static void offer(Path captured, String name) throws IOException {
        if (Boolean.getBoolean("backupguard-harness.refresh-samples")) {
            Files.createDirectories(COMMITTED);
            Files.copy(captured, COMMITTED.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
