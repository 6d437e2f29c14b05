package dev.backupguard.protocol;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.IsolationLevel;
import dev.backupguard.classify.Statement;
import dev.backupguard.classify.TableName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random statement sequences through enforce mode: what reaches the server always satisfies I1 (coordinates match the
 * snapshot), I2 (one snapshot for every read), I3 (no lock over transactional reads) and I5 (metadata locks released
 * per table), or the offending statement was refused; and closing never leaves a lock held. The judge that checks
 * this is the same one that audits recorded sessions.
 */
class EnforcePropertyTest {

    private static final List<Statement> POOL = new ArrayList<>();

    static {
        for (String sql : List.of(
                "SELECT * FROM t1", "SELECT * FROM t2", "SELECT * FROM t3", "SELECT * FROM t4",
                "SELECT a, b FROM t2 WHERE id > 5", "SELECT * FROM t1 JOIN t2 ON t1.id = t2.id",
                "SHOW CREATE TABLE t3", "SELECT 1", "SELECT @@gtid_binlog_pos", "SHOW TABLES",
                "SELECT * FROM legacy", "SELECT * FROM t4 FOR UPDATE",
                "FLUSH TABLES", "FLUSH TABLES WITH READ LOCK", "UNLOCK TABLES", "SHOW MASTER STATUS",
                "START TRANSACTION", "START TRANSACTION WITH CONSISTENT SNAPSHOT", "BEGIN", "COMMIT", "ROLLBACK",
                "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", "SET autocommit=0", "SET autocommit=1",
                "FLUSH LOGS", "CREATE TABLE x (id INT)", "INSERT INTO t1 VALUES (1)", "LOCK TABLES t1 READ, t2 READ",
                "LOCK TABLES t1 WRITE", "SAVEPOINT mine", "ROLLBACK TO SAVEPOINT mine", "USE shop",
                "SET NAMES utf8mb4")) {
            POOL.add(Classifier.classify(sql));
        }
        POOL.add(JdbcCall.COMMIT);
        POOL.add(JdbcCall.ROLLBACK);
        POOL.add(JdbcCall.AUTOCOMMIT_ON);
        POOL.add(JdbcCall.AUTOCOMMIT_OFF);
        POOL.add(JdbcCall.isolation(IsolationLevel.READ_COMMITTED));
        POOL.add(JdbcCall.isolation(IsolationLevel.REPEATABLE_READ));
    }

    static final List<ServerFacts> SERVERS = List.of(
            ServerFacts.of(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB"),
            ServerFacts.of(ServerFacts.Flavor.MARIADB, "10.6.20-MariaDB").withBinlog(false),
            ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.0.36"),
            ServerFacts.of(ServerFacts.Flavor.MYSQL, "8.4.3").withGtid(true),
            ServerFacts.of(ServerFacts.Flavor.PERCONA, "8.0.40"));

    @Test
    void enforceModeOutputSatisfiesTheInvariantsOrEndsInARefusal() {
        Random random = new Random(Long.getLong("bg.seed", 20261122L));
        int sequences = Integer.getInteger("bg.sequences", 3000);
        int refusedSequences = 0;
        for (int n = 0; n < sequences; n++) {
            ServerFacts facts = SERVERS.get(random.nextInt(SERVERS.size()));
            boolean myisam = random.nextInt(4) == 0;
            if (myisam) {
                facts = facts.withNonTransactional(Set.of(new TableName("shop", "legacy")));
            }
            ProtocolSettings settings = ProtocolSettings.of(Mode.ENFORCE,
                    random.nextBoolean() ? Role.BACKUP_JOB : Role.GUARDRAIL)
                    .withWay(SnapshotWay.values()[1 + random.nextInt(3)]);
            Simulation s = new Simulation(settings, facts);
            s.protocol.currentSchema("shop");
            List<String> trace = new ArrayList<>();
            int length = 1 + random.nextInt(25);
            for (int i = 0; i < length; i++) {
                Statement st = POOL.get(random.nextInt(POOL.size()));
                trace.add((JdbcCall.isCall(st) ? "jdbc " : "") + st.sql());
                s.run(st);
            }
            s.close();
            if (!s.refusals.isEmpty()) {
                refusedSequences++;
            }

            List<Rule> allowed = new ArrayList<>();
            if (myisam) {
                allowed.add(Rule.NON_TRANSACTIONAL_TABLE);
                allowed.add(Rule.LOCK_WHOLE_DUMP);
            }
            if (trace.contains("SAVEPOINT mine")) {
                // A job with savepoints of its own manages them: rolling back to the guard's earlier savepoint
                // would destroy the job's, so the guard stops releasing metadata locks for it.
                allowed.add(Rule.MDL_PER_TABLE);
            }
            assertThat(s.violatedRules())
                    .as("sequence %d on %s %s, %s:%n  job: %s%n  sent: %s", n, facts.flavor(), facts.version(),
                            settings.role(), trace, s.sent)
                    .isSubsetOf(allowed);
            assertThat(s.protocol.holdsGlobalLock()).as("global lock after close; job: %s", trace).isFalse();
        }
        // The generator must exercise refusals too, or the property says little.
        assertThat(refusedSequences).isBetween(sequences / 20, sequences - sequences / 20);
    }
}
