package dev.backupguard.protocol;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.Statement;

import java.util.List;

/**
 * The statements that read the binlog coordinates for each {@link BinlogCoordinates.Source}, so the adapter that runs
 * them and the tests that simulate them send exactly the same text.
 */
public final class CoordinatesQueries {

    /** MariaDB and Percona Server report the snapshot's own position inside it (what mariadb-dump reads). */
    public static final Statement SNAPSHOT_STATUS = Classifier.classify("SHOW STATUS LIKE 'binlog_snapshot_%'");

    private CoordinatesQueries() {
    }

    /**
     * Under the lock: only the binlog status statement for this server version (MySQL's carries Executed_Gtid_Set).
     * MariaDB's GTID position is derived after the lock is released, from the position read here
     * ({@link #binlogGtidPos}), so the lock window holds one statement less.
     */
    public static List<Statement> locked(ServerFacts facts) {
        return List.of(Classifier.classify(facts.binlogStatusStatement()));
    }

    /**
     * MariaDB's GTID position of a binlog file and position (what mariadb-dump sends after reading the snapshot
     * status); null on servers without BINLOG_GTID_POS.
     */
    public static Statement binlogGtidPos(ServerFacts facts, String file, long position) {
        if (facts.flavor() != ServerFacts.Flavor.MARIADB) {
            return null;
        }
        return Classifier.classify("SELECT BINLOG_GTID_POS(" + quote(file) + ", " + position + ")");
    }

    /** A SQL string literal: quotes and backslashes escaped (binlog names come from the server, but never trust). */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' || c == '\\') {
                b.append(c);
            }
            b.append(c);
        }
        return b.append('\'').toString();
    }
}
