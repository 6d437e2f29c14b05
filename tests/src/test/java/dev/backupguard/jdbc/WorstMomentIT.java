package dev.backupguard.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.backupguard.facts.ServerWait;
import dev.backupguard.legacy.Bank;
import dev.backupguard.legacy.TransferWriter;
import dev.backupguard.testserver.GeneralLogEntry;
import dev.backupguard.testserver.JdbcDriver;
import dev.backupguard.testserver.MariaDbServer;
import dev.backupguard.testserver.WithMariaDb;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worst-moment hook of {@code LegacyJobsIT} goes on before its transfer committed only when the transfer waits
 * for the job's own lock. A transfer held by another session's lock must still be committed when the hook returns,
 * or the job reads its tables before the transfer it was meant to see (the unguarded job then looks consistent, and
 * {@code unguardedJobBreaksTheInvariantAtItsWorstMoment} failed once under load).
 */
@WithMariaDb
class WorstMomentIT {

    private static final int ACCOUNTS = 10;
    private static final String POLL = "SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = ";

    private static MariaDbServer server;
    private static String db;
    private final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeAll
    static void bank(MariaDbServer s) throws SQLException {
        server = s;
        db = server.createDatabase(MariaDbServer.databaseNameFor(WorstMomentIT.class));
        try (Connection c = server.connect(JdbcDriver.MARIADB, db)) {
            Bank.create(c, ACCOUNTS, 1_000, false);
        }
    }

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    @Test
    void aTransferHeldByAnotherSessionsLockIsCommittedBeforeTheHookReturns() throws Exception {
        try (Connection w = server.connect(JdbcDriver.MARIADB, db);
             Connection watcher = server.connect(JdbcDriver.MARIADB, db);
             Connection other = server.connect(JdbcDriver.MARIADB, db);
             TransferWriter writer = new TransferWriter(w, ACCOUNTS);
             WorstMoment hooks = new WorstMoment(writer, MariaDbServer.threadId(w), watcher)) {
            long before = writer.transferOnce();
            long writerThread = MariaDbServer.threadId(w);
            long watcherThread = MariaDbServer.threadId(watcher);
            Future<Long> hook;
            try (Statement s = other.createStatement()) {
                s.execute("LOCK TABLES transfers WRITE"); // not the job's lock: the job holds none here
                try {
                    hook = background.submit(() -> {
                        hooks.afterCoordinates();
                        return writer.lastCommitted();
                    });
                    ServerWait.until("the transfer to wait for the other session's lock",
                            () -> "Waiting for table metadata lock".equals(server.queryString(POLL + writerThread)));
                    // Two more polls of the hook's (the second began after the transfer was seen waiting, so the hook
                    // has seen that state: the transfer cannot commit while the lock is held), or the hook went on.
                    int polls = polls(watcherThread, writerThread);
                    ServerWait.until("two more polls of the hook",
                            () -> hook.isDone() || polls(watcherThread, writerThread) >= polls + 2);
                } finally {
                    s.execute("UNLOCK TABLES");
                }
            }

            assertThat(hook.get()).as("the last transfer committed when the hook returned").isEqualTo(before + 1);
            hooks.awaitTransfers();
        }
    }

    @Test
    void onlyTheGlobalReadLockIsTheJobs() {
        assertThat(WorstMoment.waitsForTheJobsLock("Waiting for backup lock")).isTrue();
        assertThat(WorstMoment.waitsForTheJobsLock("Waiting for table level lock")).isFalse();
        assertThat(WorstMoment.waitsForTheJobsLock("Waiting for table metadata lock")).isFalse();
        assertThat(WorstMoment.waitsForTheJobsLock(null)).isFalse();
    }

    /** How often the watcher has asked for the writer's state: the hook's polls, from the general log. */
    private static int polls(long watcherThread, long writerThread) {
        return (int) server.generalLog(watcherThread).stream().filter(GeneralLogEntry::isQuery)
                .filter(e -> e.argument().equals(POLL + writerThread)).count();
    }
}
