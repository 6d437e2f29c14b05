package dev.backupguard.legacy;

import java.sql.Connection;
import java.sql.DriverManager;

/**
 * A legacy backup program, run in a JVM of its own (the agent tests start it with and without -javaagent):
 * {@code LegacyJobMain <JOB> <jdbc-url> <user> <password> [fetchSize]}. Prints the dump as one JSON line on stdout
 * after the marker {@code DUMP }, and exits 1 with the error on stderr if the job fails.
 */
public final class LegacyJobMain {

    private LegacyJobMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: LegacyJobMain <JOB> <jdbc-url> <user> <password> [fetchSize]");
            System.exit(2);
        }
        LegacyJob job = LegacyJob.valueOf(args[0]);
        int fetchSize = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        try (Connection c = DriverManager.getConnection(args[1], args[2], args[3])) {
            Dump dump = job.run(c, LegacyJob.Hooks.NONE, fetchSize);
            System.out.println("DUMP " + dump.toJson());
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }
}
