package dev.backupguard.jdbc;

import dev.backupguard.protocol.SnapshotWay;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;

import java.util.Locale;

/** The guarded URL of a test database: what a user writes to put a legacy job under backup-guard. */
final class GuardedUrls {

    private GuardedUrls() {
    }

    /** {@code jdbc:backupguard:} + the driver's URL + mode, snapshot way and the scope of the engine check. */
    static String guarded(MariaDbServer server, JdbcDriver driver, String db, String mode, SnapshotWay way) {
        String url = server.url(driver, db);
        return "jdbc:backupguard:" + url.substring("jdbc:".length()) + (url.contains("?") ? "&" : "?")
                + "backupguard.mode=" + mode
                + "&backupguard.snapshot.way=" + way.name().toLowerCase(Locale.ROOT).replace('_', '-')
                // Only the test's schema: the engine check would otherwise see other test classes' tables.
                + "&backupguard.scope=" + db;
    }
}
