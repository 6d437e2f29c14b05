package dev.backupguard.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The write-stall benchmark's writer, in a JVM of its own so that the garbage collections of the benchmark JVM (which
 * reads whole tables) never show up as write latency. Protocol on stdin/stdout: {@code WriterMain <jdbc-url> <user>}
 * reads the password as its first stdin line, connects and answers {@code ready}; the line {@code start} starts the
 * loop of autocommit {@code UPDATE ticks SET n = n + 1 WHERE id = ?}, answered {@code started} after the first write;
 * the line {@code stop} ends it after the write in flight and is answered with {@code latencies n1 n2 ...} (ns).
 */
public final class WriterMain {

    private WriterMain() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String password = in.readLine();
        try (Connection c = DriverManager.getConnection(args[0], args[1], password);
             PreparedStatement ps = c.prepareStatement("UPDATE ticks SET n = n + 1 WHERE id = ?")) {
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION lock_wait_timeout = 120");
            }
            System.out.println("ready");
            System.out.flush();
            if (!"start".equals(in.readLine())) {
                return;
            }
            AtomicBoolean running = new AtomicBoolean(true);
            long[][] latencies = {new long[1 << 16]};
            int[] count = {0};
            Throwable[] failure = {null};
            Thread loop = new Thread(() -> {
                try {
                    for (int i = 0; running.get(); i++) {
                        ps.setInt(1, 1 + i % 100);
                        long t0 = System.nanoTime();
                        ps.executeUpdate();
                        long took = System.nanoTime() - t0;
                        synchronized (latencies) {
                            if (count[0] == latencies[0].length) {
                                latencies[0] = Arrays.copyOf(latencies[0], count[0] * 2);
                            }
                            latencies[0][count[0]++] = took;
                            latencies.notifyAll();
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    failure[0] = e;
                    synchronized (latencies) {
                        latencies.notifyAll();
                    }
                }
            }, "writer");
            loop.start();
            synchronized (latencies) {
                while (count[0] == 0 && failure[0] == null) {
                    latencies.wait();
                }
            }
            System.out.println("started");
            System.out.flush();
            in.readLine(); // "stop" (or end of input)
            running.set(false);
            loop.join();
            if (failure[0] != null) {
                System.out.println("failed " + failure[0]);
                return;
            }
            StringBuilder out = new StringBuilder("latencies");
            synchronized (latencies) {
                for (int i = 0; i < count[0]; i++) {
                    out.append(' ').append(latencies[0][i]);
                }
            }
            System.out.println(out);
            System.out.flush();
        }
    }
}
