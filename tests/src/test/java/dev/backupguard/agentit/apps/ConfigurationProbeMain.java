package dev.backupguard.agentit.apps;

import dev.backupguard.agentit.apps.ExportMain.How;
import dev.backupguard.legacy.LegacyJob;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * What a program sees of backup-guard's configuration, run by the configuration ITs in a JVM of its own:
 * {@code ConfigurationProbeMain <how> <backup|multi> <jdbc-url> <user> <password>}. It connects the way
 * {@link ExportMain} does and prints {@code GUARD-LAYERS ...}; then
 * <ul>
 *   <li>{@code backup}: an ordinary statement ({@code SELECT 1}: {@code ORDINARY ok} or {@code ORDINARY failed}),
 *       then a backup job's reads ({@code BACKUP ok}, or {@code BACKUP refused <SQLState> <message>});</li>
 *   <li>{@code multi}: one multi-statement text that takes the global read lock, then {@code UNLOCK TABLES}
 *       ({@code MULTI ok} or {@code MULTI failed <SQLState> <message>}).</li>
 * </ul>
 * A refusal is an answer, not a failure: the exit code is 0 unless the program itself broke.
 */
public final class ConfigurationProbeMain {

    /** The multi-statement text that hides FLUSH TABLES WITH READ LOCK behind an ordinary statement. */
    public static final String MULTI = "SELECT 1; FLUSH TABLES WITH READ LOCK";

    private ConfigurationProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        How how = How.valueOf(args[0].toUpperCase(Locale.ROOT));
        try (Connection c = ExportMain.open(how, args[2], args[3], args[4])) {
            GuardLayers.print(c);
            if (args[1].equals("multi")) {
                attempt("MULTI", () -> {
                    try (Statement s = c.createStatement()) {
                        s.execute(MULTI);
                        s.execute("UNLOCK TABLES");
                    }
                });
            } else {
                attempt("ORDINARY", () -> {
                    try (Statement s = c.createStatement()) {
                        s.executeQuery("SELECT 1").close();
                    }
                });
                attempt("BACKUP", () -> LegacyJob.AUTOCOMMIT_LOOP.run(c, LegacyJob.Hooks.NONE, 0));
            }
        } finally {
            for (AutoCloseable pool : ExportMain.POOLS) {
                pool.close();
            }
        }
    }

    private interface Work {
        void run() throws SQLException;
    }

    private static void attempt(String what, Work work) {
        try {
            work.run();
            System.out.println(what + " ok");
        } catch (SQLException e) {
            System.out.println(what + (what.equals("BACKUP") ? " refused " : " failed ") + e.getSQLState() + " "
                    + e.getMessage().replace('\n', ' '));
        }
    }
}
