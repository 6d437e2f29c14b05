package dev.backupguard.lock;

import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.telemetry.GuardEvent;
import dev.backupguard.telemetry.TelemetrySink;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The pieces of the stall scenario of seeds 004, against the real server: a long write on one connection, a writer
 * issuing short updates on other rows that measures how long each waited, a guarded backup connection, and the
 * lock guard's events. Waits are on server state (the processlist), never on sleeps. Used by the lock guard's
 * integration tests and by {@link LockStallBenchmark}.
 */
final class LockScenario implements AutoCloseable {

    final MariaDbServer server;
    final String db;
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "lock-scenario");
        t.setDaemon(true);
        return t;
    });
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<Long> threads = new CopyOnWriteArrayList<>();
    final List<GuardEvent> events = new CopyOnWriteArrayList<>();
    private final TelemetrySink sink = events::add;

    LockScenario(MariaDbServer server, String db) {
        this.server = server;
        this.db = db;
        server.execute("DROP TABLE IF EXISTS " + db + ".t",
                "CREATE TABLE " + db + ".t (id INT PRIMARY KEY, c INT NOT NULL) ENGINE=InnoDB",
                "INSERT INTO " + db + ".t VALUES (1, 0), (2, 0), (3, 0)");
        BackupGuard.telemetry().add(sink);
    }

    /** A plain (unguarded) root connection whose lock waits are bounded, so a bug cannot hang the build. */
    Connection plain() throws SQLException {
        return plain(new Properties());
    }

    /** The same, with these driver properties (allowMultiQueries, ...). */
    Connection plain(Properties driver) throws SQLException {
        Properties p = new Properties();
        p.putAll(driver);
        p.setProperty("user", server.rootUser());
        p.setProperty("password", server.rootPassword());
        Connection c = DriverManager.getConnection(server.url(JdbcDriver.MARIADB, db), p);
        track(c);
        exec(c, "SET SESSION lock_wait_timeout = 30, innodb_lock_wait_timeout = 30");
        return c;
    }

    /** A guarded root connection through the {@code jdbc:backupguard:} URL, with these backupguard.* settings. */
    Connection guarded(Map<String, String> settings) throws SQLException {
        return guarded(settings, server.rootUser(), server.rootPassword());
    }

    Connection guarded(Map<String, String> settings, String user, String password) throws SQLException {
        Properties driver = new Properties();
        driver.setProperty("user", user);
        driver.setProperty("password", password);
        return guarded(settings, driver);
    }

    /** A guarded connection with these backupguard.* settings and driver properties (user, allowMultiQueries, ...). */
    Connection guarded(Map<String, String> settings, Properties driver) throws SQLException {
        Properties p = new Properties();
        p.putAll(driver);
        settings.forEach((k, v) -> p.setProperty(k.startsWith("backupguard.") ? k : "backupguard." + k, v));
        Connection c = DriverManager.getConnection("jdbc:backupguard:" + server.url(JdbcDriver.MARIADB, db)
                .substring("jdbc:".length()), p);
        track(c);
        exec(c, "SET SESSION lock_wait_timeout = 30");
        return c;
    }

    private void track(Connection c) throws SQLException {
        connections.add(c);
        threads.add(MariaDbServer.threadId(c));
    }

    /** Starts {@code UPDATE t SET c = c + SLEEP(seconds) WHERE id = 1} and returns once the server runs it. */
    LongWrite longWrite(int seconds) throws SQLException {
        Connection c = plain();
        long id = MariaDbServer.threadId(c);
        String sql = "UPDATE t SET c = c + SLEEP(" + seconds + ") WHERE id = 1";
        long t0 = System.nanoTime();
        Future<SQLException> done = background.submit(() -> {
            try (Statement s = c.createStatement()) {
                s.execute(sql);
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
        awaitState("the long write to run", () -> "User sleep".equals(state(id)), Duration.ofSeconds(30));
        return new LongWrite(id, t0, done);
    }

    /** A write that sleeps inside the server; {@code done} yields its error (null when it completed). */
    record LongWrite(long threadId, long startedNanos, Future<SQLException> done) {
        SQLException outcome() throws Exception {
            return done.get(60, TimeUnit.SECONDS);
        }
    }

    /** Waits until the long write has run at least {@code millis} by the server's clock (TIME_MS). */
    void awaitRunning(LongWrite w, long millis) {
        awaitState("the long write to run " + millis + " ms", () -> timeMillis(w.threadId()) >= millis,
                Duration.ofSeconds(30));
    }

    /** Short updates of row 2 in a loop on their own connection, each timed; {@link Writer#stop()} ends it. */
    Writer writer() throws SQLException {
        Connection c = plain();
        Writer w = new Writer();
        w.future = background.submit(() -> {
            try (Statement s = c.createStatement()) {
                while (!w.stop.get()) {
                    long t0 = System.nanoTime();
                    try {
                        s.executeUpdate("UPDATE t SET c = c + 1 WHERE id = 2");
                        w.count.incrementAndGet();
                    } catch (SQLException e) {
                        w.errors.add(e);
                    }
                    w.longest.accumulateAndGet(System.nanoTime() - t0, Math::max);
                }
            }
            return null;
        });
        awaitState("the writer to start", () -> w.count.get() > 0, Duration.ofSeconds(10));
        return w;
    }

    static final class Writer {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong longest = new AtomicLong();
        final AtomicLong count = new AtomicLong();
        final List<SQLException> errors = new CopyOnWriteArrayList<>();
        Future<?> future;

        /** Stops the writer; returns the longest time one of its updates took, in milliseconds. */
        long stop() throws Exception {
            stop.set(true);
            future.get(60, TimeUnit.SECONDS);
            return TimeUnit.NANOSECONDS.toMillis(longest.get());
        }
    }

    /** Runs {@code job} on a background thread (a backup that may block), with its outcome in the future. */
    <T> Future<T> inBackground(java.util.concurrent.Callable<T> job) {
        return background.submit(job);
    }

    /** The processlist State of a thread, or null when it does not exist. */
    String state(long threadId) {
        return server.queryString("SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = " + threadId);
    }

    long timeMillis(long threadId) {
        String v = server.queryString("SELECT TIME_MS FROM information_schema.PROCESSLIST WHERE ID = " + threadId);
        return v == null ? -1 : (long) Double.parseDouble(v);
    }

    boolean exists(long threadId) {
        return "1".equals(server.queryString("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = "
                + threadId));
    }

    /** Polls {@code condition} every 20 ms until it holds or the deadline passes (then fails with {@code what}). */
    static void awaitState(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Events of the given type about the connection with this server thread id. */
    <E extends GuardEvent> List<E> events(Class<E> type, long connectionId) {
        List<E> out = new ArrayList<>();
        for (GuardEvent e : events) {
            if (type.isInstance(e) && e.origin().connectionId() == connectionId) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    <E extends GuardEvent> List<E> events(Class<E> type) {
        List<E> out = new ArrayList<>();
        for (GuardEvent e : events) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static int count(Connection c, String sql) throws SQLException {
        int n = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }

    /** Kills what still runs (never blocks on a connection another thread uses), closes everything. */
    @Override
    public void close() {
        BackupGuard.telemetry().remove(sink);
        for (long id : threads) {
            if (exists(id)) {
                try {
                    server.execute("KILL " + id);
                } catch (IllegalStateException ignored) {
                    // gone meanwhile
                }
            }
        }
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // killed above
            }
        }
        background.shutdownNow();
    }
}
