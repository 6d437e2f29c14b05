package dev.backupguard.agentit.apps;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The smallest JDBC program, for measuring what the agent adds to a JVM's start: opens one connection, runs
 * {@code SELECT 1}, exits. {@code OneConnectionMain <jdbc-url> <user> <password>}, or no arguments to start and exit
 * without connecting. With {@code -Dbench.cpu=true} it prints its CPU time at the end ({@code CPU-MS n}).
 */
public final class OneConnectionMain {

    private OneConnectionMain() {
    }

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } finally {
            if (Boolean.getBoolean("bench.cpu")) {
                // The process's CPU time over all threads (JIT and GC included), for the benchmark to read.
                System.out.println("CPU-MS " + ((com.sun.management.OperatingSystemMXBean) java.lang.management
                        .ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000);
            }
        }
    }

    private static void run(String[] args) throws Exception {
        if (args.length == 0) {
            return;
        }
        try (Connection c = DriverManager.getConnection(args[0], args[1], args[2]);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            if (rs.getInt(1) != 1) {
                throw new IllegalStateException("SELECT 1 returned " + rs.getInt(1));
            }
        }
    }
}
