package dev.backupguard.bench;

import com.p6spy.engine.spy.P6DataSource;
import dev.backupguard.bench.stub.StubConnection;
import dev.backupguard.bench.stub.StubDataSource;
import dev.backupguard.config.Settings;
import dev.backupguard.jdbc.BackupGuard;
import dev.backupguard.jdbc.ConnectionSource;
import dev.backupguard.jdbc.GuardedConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a wrapper costs on ordinary traffic: the same calls on the same in-process {@link StubConnection} (no driver,
 * no network), raw and through backup-guard, p6spy and datasource-proxy. Each operation creates its statement, runs
 * it, reads the row and closes everything, as application code does. Run with {@code -prof gc} for bytes per
 * operation ({@code gc.alloc.rate.norm}).
 *
 * <p>Arms ({@code arm} for the reads, {@code writeArm} for the writes):
 * <ul>
 *   <li>{@code raw}: the stub itself, the floor;</li>
 *   <li>{@code backup-guard}: {@code BackupGuard.wrap} in the guardrail role, the ordinary-application case;</li>
 *   <li>{@code backup-guard-job} (writes only): the default backup-job role. A table read in that role starts a
 *       backup session by design (the program is a backup job: its first read opens the snapshot), so it is
 *       measured on the ordinary statements that do not: writes;</li>
 *   <li>{@code p6spy}: p6spy 3.9.1's {@code P6DataSource} with only its core module (no logging module: logging
 *       off);</li>
 *   <li>{@code datasource-proxy}: datasource-proxy 1.11.0's {@code ProxyDataSourceBuilder} with no listener.</li>
 * </ul>
 *
 * <pre>java -jar bench/target/benchmarks.jar PassThroughBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PassThroughBenchmark {

    static final String POINT_SELECT = "SELECT id, owner, balance FROM accounts WHERE id = 42";
    static final String PREPARED_SELECT = "SELECT id, owner, balance FROM accounts WHERE id = ?";
    static final String UPDATE = "UPDATE accounts SET balance = balance + 1 WHERE id = 42";
    static final String PREPARED_UPDATE = "UPDATE accounts SET balance = balance + ? WHERE id = ?";

    /** The arms that read: every wrapper but the backup-job role, in which a table read starts a backup session. */
    @State(Scope.Thread)
    public static class ReadPath {
        @Param({"raw", "backup-guard", "p6spy", "datasource-proxy"})
        public String arm;

        Connection connection;

        @Setup(Level.Trial)
        public void open() throws SQLException {
            connection = Arms.open(arm);
        }

        @TearDown(Level.Trial)
        public void check() throws SQLException {
            Arms.checkOrdinary(connection);
        }
    }

    /** The arms that write: also the default backup-job role, whose ordinary writes stay ordinary. */
    @State(Scope.Thread)
    public static class WritePath {
        @Param({"raw", "backup-guard", "backup-guard-job", "p6spy", "datasource-proxy"})
        public String writeArm;

        Connection connection;

        @Setup(Level.Trial)
        public void open() throws SQLException {
            connection = Arms.open(writeArm);
        }

        @TearDown(Level.Trial)
        public void check() throws SQLException {
            Arms.checkOrdinary(connection);
        }
    }

    @Benchmark
    public long executeQuery(ReadPath path) throws SQLException {
        try (Statement s = path.connection.createStatement(); ResultSet rs = s.executeQuery(POINT_SELECT)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Benchmark
    public long prepareQuery(ReadPath path) throws SQLException {
        try (PreparedStatement ps = path.connection.prepareStatement(PREPARED_SELECT)) {
            ps.setLong(1, 42);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Benchmark
    public int executeUpdate(WritePath path) throws SQLException {
        try (Statement s = path.connection.createStatement()) {
            return s.executeUpdate(UPDATE);
        }
    }

    @Benchmark
    public boolean prepareExecute(WritePath path) throws SQLException {
        try (PreparedStatement ps = path.connection.prepareStatement(PREPARED_UPDATE)) {
            ps.setLong(1, 1);
            ps.setLong(2, 42);
            return ps.execute();
        }
    }

    /** Builds each arm over a fresh stub. */
    static final class Arms {

        private Arms() {
        }

        static Connection open(String arm) throws SQLException {
            StubConnection stub = new StubConnection();
            return switch (arm) {
                case "raw" -> stub;
                case "backup-guard" -> BackupGuard.wrap(stub, Settings.from(Map.of("backupguard.role", "guardrail")),
                        ConnectionSource.NONE, null, false);
                case "backup-guard-job" -> BackupGuard.wrap(stub, Settings.defaults(), ConnectionSource.NONE, null,
                        false);
                case "p6spy" -> {
                    // Only the core module: p6spy's logging module is what writes spy.log, so leaving it out is the
                    // documented way to run p6spy with logging off. No MBeans either.
                    System.setProperty("p6spy.config.modulelist", "com.p6spy.engine.spy.P6SpyFactory");
                    System.setProperty("p6spy.config.jmx", "false");
                    yield new P6DataSource(new StubDataSource(stub)).getConnection();
                }
                case "datasource-proxy" -> ProxyDataSourceBuilder.create(new StubDataSource(stub)).build()
                        .getConnection();
                default -> throw new IllegalArgumentException("unknown arm " + arm);
            };
        }

        /** The guarded arms must have measured the ordinary path: a backup session would be another benchmark. */
        static void checkOrdinary(Connection c) throws SQLException {
            if (c.isWrapperFor(GuardedConnection.class)
                    && c.unwrap(GuardedConnection.class).protocol().isBackupSession()) {
                throw new IllegalStateException("the guarded connection became a backup session: not ordinary traffic");
            }
        }
    }
}
