package dev.backupguard.agentit;

import dev.backupguard.testserver.GeneralLogEntry;
import dev.backupguard.testserver.MariaDbServer;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a backup job in another JVM sent, read from the server's general log: its connection is the one that
 * connected to the job's database (the Connect row names it) and read {@code checking}. The rules the guarded log
 * must follow are the protocol's: the snapshot starts before the first data read, and nothing that ends a
 * transaction comes between it and the last read.
 */
record JobLog(long thread, List<String> queries) {

    static final List<String> READS = List.of("SELECT * FROM checking", "SELECT * FROM savings", "SELECT * FROM transfers");
    static final Pattern SNAPSHOT = Pattern.compile("(?is)START\\s+TRANSACTION\\b.*WITH\\s+CONSISTENT\\s+SNAPSHOT.*");
    /** Statements that end a transaction (server-facts.md section 3); ROLLBACK TO SAVEPOINT and UNLOCK TABLES do not. */
    static final Pattern ENDS_TRANSACTION = Pattern.compile("(?is)\\s*(COMMIT|ROLLBACK(?!\\s+TO\\b)|BEGIN|START\\s+TRANSACTION"
            + "|SET\\s+(SESSION\\s+|@@SESSION\\.)?autocommit\\s*=\\s*(1|ON)|FLUSH|LOCK\\s+TABLES?|BACKUP\\s+STAGE"
            + "|ALTER|CREATE|DROP|RENAME|TRUNCATE|ANALYZE)\\b.*");

    /**
     * A connection for the transfer writer whose waits are bounded: its writes queue behind a job's FLUSH TABLES WITH
     * READ LOCK, and a bug that kept the lock must fail the test, not hang it.
     */
    static java.sql.Connection writerConnection(MariaDbServer server, String database) throws java.sql.SQLException {
        java.sql.Connection c = server.connect(dev.backupguard.testserver.JdbcDriver.MARIADB, database);
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("SET SESSION lock_wait_timeout = 10, innodb_lock_wait_timeout = 10");
        }
        return c;
    }

    static JobLog of(MariaDbServer server, String database) {
        List<GeneralLogEntry> log = server.generalLog();
        Set<Long> threads = log.stream()
                .filter(e -> e.commandType().equals("Connect") && e.argument().contains(" on " + database + " "))
                .map(GeneralLogEntry::threadId).collect(Collectors.toSet());
        List<Long> readers = threads.stream().filter(t -> log.stream().anyMatch(e -> e.threadId() == t && e.isQuery()
                && e.argument().equals(READS.get(0)))).sorted().toList();
        if (readers.size() != 1) {
            throw new AssertionError("expected one connection of the job reading checking in " + database
                    + ", found " + readers + " among " + threads);
        }
        long thread = readers.get(0);
        return new JobLog(thread, log.stream().filter(e -> e.threadId() == thread && e.isQuery())
                .map(GeneralLogEntry::argument).toList());
    }

    int firstRead() {
        return firstIndex(READS::contains);
    }

    int lastRead() {
        for (int i = queries.size() - 1; i >= 0; i--) {
            if (READS.contains(queries.get(i))) {
                return i;
            }
        }
        return -1;
    }

    int count(Pattern p) {
        return (int) queries.stream().filter(q -> p.matcher(q).matches()).count();
    }

    int firstIndex(Pattern p) {
        return firstIndex(q -> p.matcher(q).matches());
    }

    int firstIndex(java.util.function.Predicate<String> p) {
        for (int i = 0; i < queries.size(); i++) {
            if (p.test(queries.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** Statements between the snapshot's start and the last read that would have ended it. */
    List<String> endingsInsideSnapshot() {
        int start = firstIndex(SNAPSHOT);
        return queries.subList(start + 1, lastRead()).stream().filter(q -> ENDS_TRANSACTION.matcher(q).matches()).toList();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("thread " + thread + ":\n");
        for (int i = 0; i < queries.size(); i++) {
            b.append(String.format("%3d  %s%n", i, queries.get(i)));
        }
        return b.toString();
    }
}
