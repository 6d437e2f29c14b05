package dev.backupguard.bench;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.Dialect;
import dev.backupguard.classify.SessionText;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What classification costs per statement on the wrapper's fast path. Every benchmark reports time and, with
 * {@code -prof gc}, allocation per statement ({@code gc.alloc.rate.norm}).
 *
 * <pre>java -jar bench/target/benchmarks.jar ClassifierBenchmark -f 1 -wi 3 -i 5 -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ClassifierBenchmark {

    /** Ordinary OLTP traffic, the bulk of what a wrapped connection sees. */
    private static final String[] OLTP = {
        "SELECT id, name, email, created_at FROM users WHERE id = ?",
        "SELECT * FROM orders WHERE customer_id = 4711 AND status = 'OPEN' ORDER BY created_at DESC LIMIT 20",
        "INSERT INTO orders (customer_id, status, total, created_at) VALUES (4711, 'OPEN', 99.90, NOW())",
        "UPDATE orders SET status = 'PAID', paid_at = NOW() WHERE id = 912384 AND version = 3",
        "DELETE FROM sessions WHERE expires_at < NOW()",
        "SELECT o.id, o.total, c.name FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = ?",
        "SELECT p.id, p.title, SUM(l.qty) FROM products p LEFT JOIN order_lines l ON l.product_id = p.id"
            + " GROUP BY p.id, p.title HAVING SUM(l.qty) > 10",
        "SELECT id, sku, price FROM products WHERE id IN (11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,"
            + " 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40)",
        "SELECT balance FROM accounts WHERE id = 42 FOR UPDATE",
        "/* app=checkout, route=/pay */ SELECT 1 FROM DUAL",
        "COMMIT",
        "SET autocommit=0",
        "SELECT @@session.transaction_isolation",
        "insert into audit_log (actor, action, payload) values ('svc', 'login', '{\"ip\": \"10.0.0.1\"}')",
    };

    /** What mysqldump --single-transaction --master-data=2 and mydumper send. */
    private static final String[] BACKUP = {
        "/*!40100 SET @@SQL_MODE='' */",
        "FLUSH /*!40101 LOCAL */ TABLES",
        "FLUSH TABLES WITH READ LOCK",
        "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
        "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */",
        "SHOW MASTER STATUS",
        "SELECT @@GLOBAL.GTID_EXECUTED",
        "UNLOCK TABLES",
        "SHOW CREATE DATABASE IF NOT EXISTS `shop`",
        "SAVEPOINT sp",
        "show table status like 'orders'",
        "SET SESSION character_set_results = 'binary'",
        "show create table `orders`",
        "show fields from `orders`",
        "SELECT /*!40001 SQL_NO_CACHE */ * FROM `orders`",
        "SELECT /*!40001 SQL_NO_CACHE */ * FROM `shop`.`orders` WHERE (`id` >= 1 AND `id` < 100000)",
        "ROLLBACK TO SAVEPOINT sp",
        "RELEASE SAVEPOINT sp",
        "SHOW STATUS LIKE 'binlog_snapshot_%'",
        "LOCK TABLES `shop`.`orders` READ LOCAL, `shop`.`customers` READ LOCAL",
    };

    /** About three OLTP statements for each backup statement. */
    private static final String[] MIX = mix();

    /** The annotations below need constants; the static check keeps them honest. */
    private static final int MIX_SIZE = 76;
    private static final int BACKUP_SIZE = 20;

    static {
        if (MIX.length != MIX_SIZE || BACKUP.length != BACKUP_SIZE) {
            throw new IllegalStateException("update MIX_SIZE / BACKUP_SIZE: " + MIX.length + ", " + BACKUP.length);
        }
    }

    private static final String POINT_SELECT = OLTP[0];

    private static final String BATCH_INSERT = batchInsert(1024 * 1024);

    private static final String HUGE_IN_LIST = hugeInList(1024 * 1024);

    private static String[] mix() {
        String[] mix = new String[OLTP.length * 4 + BACKUP.length];
        int n = 0;
        for (int round = 0; round < 4; round++) {
            for (String sql : OLTP) {
                mix[n++] = sql;
            }
        }
        for (String sql : BACKUP) {
            mix[n++] = sql;
        }
        return mix;
    }

    private static String batchInsert(int length) {
        StringBuilder sql = new StringBuilder(length + 64).append("INSERT INTO `orders` VALUES ");
        for (int i = 0; sql.length() < length; i++) {
            sql.append(i == 0 ? "" : ",").append('(').append(i).append(",'OPEN',").append(i % 100).append(".5)");
        }
        return sql.toString();
    }

    private static String hugeInList(int length) {
        StringBuilder sql = new StringBuilder(length + 64).append("SELECT * FROM `orders` WHERE `id` IN (");
        for (int i = 0; sql.length() < length; i++) {
            sql.append(i == 0 ? "" : ",").append(i);
        }
        return sql.append(')').toString();
    }

    /** A connection's reading: the server version known (from the handshake), the sql_mode not (never set). */
    private final SessionText session = new SessionText(Dialect.ofServer("11.4.5-MariaDB-log"));

    /** The realistic mix; the score is per statement. */
    @Benchmark
    @OperationsPerInvocation(MIX_SIZE)
    public void mixedTraffic(Blackhole blackhole) {
        for (String sql : MIX) {
            blackhole.consume(Classifier.classify(sql));
        }
    }

    /**
     * The same mix as a wrapped connection reads it ({@link SessionText}): what reading under the session's dialect,
     * resolving EXECUTE and marking opaque statements adds. The sql_mode stays unknown, so a text a part of it would
     * change is read a second way.
     */
    @Benchmark
    @OperationsPerInvocation(MIX_SIZE)
    public void mixedTrafficSessionText(Blackhole blackhole) {
        for (String sql : MIX) {
            blackhole.consume(session.classify(sql, true));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BACKUP_SIZE)
    public void backupStatements(Blackhole blackhole) {
        for (String sql : BACKUP) {
            blackhole.consume(Classifier.classify(sql));
        }
    }

    @Benchmark
    public Object pointSelect() {
        return Classifier.classify(POINT_SELECT);
    }

    /** A 1 MB multi-row INSERT: decided after its first word. */
    @Benchmark
    public Object megabyteInsert() {
        return Classifier.classify(BATCH_INSERT);
    }

    /** A 1 MB SELECT ... WHERE id IN (...): the scan stops at WHERE. */
    @Benchmark
    public Object megabyteInList() {
        return Classifier.classify(HUGE_IN_LIST);
    }
}
