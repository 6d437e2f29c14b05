package dev.backupguard.jdbc;

import dev.backupguard.legacy.LegacyJob;
import dev.backupguard.protocol.SnapshotWay;
import dev.backupguard.testserver.JdbcDriver;

import java.util.ArrayList;
import java.util.List;

/**
 * The legacy job shapes of the issue, with what the server must receive from each when guarded. The expected
 * sequences are built from the pieces of mysqldump's order (PROTOCOL.md section 1) as backup-guard sends them to
 * MariaDB 11.4 (docs/server-facts.md: SHOW MASTER STATUS, @@GLOBAL.gtid_binlog_pos, sql_log_bin=0 for the savepoint
 * pattern).
 */
enum JobShape {
    AUTOCOMMIT_LOOP(LegacyJob.AUTOCOMMIT_LOOP, null, "SELECT * FROM checking", "snapshot-start"),
    SHOW_CREATE_PER_TABLE(LegacyJob.SHOW_CREATE_PER_TABLE, null, "SELECT * FROM checking", "snapshot-start"),
    WRONG_ORDER_GLOBAL_LOCK(LegacyJob.WRONG_ORDER_GLOBAL_LOCK, null, "UNLOCK TABLES", "unlock-before-snapshot"),
    PLAIN_TRANSACTION(LegacyJob.PLAIN_TRANSACTION, null, "SHOW MASTER STATUS", "coordinates-outside-lock"),
    READ_COMMITTED(LegacyJob.READ_COMMITTED, null, "START TRANSACTION WITH CONSISTENT SNAPSHOT", "repeatable-read"),
    LOCK_WHOLE_DUMP(LegacyJob.LOCK_WHOLE_DUMP, null, null, null),
    LOCK_WHOLE_DUMP_WITH_MYISAM(LegacyJob.LOCK_WHOLE_DUMP_WITH_MYISAM, null, null, null),
    FLUSH_LOGS_AFTER_SNAPSHOT(LegacyJob.FLUSH_LOGS_AFTER_SNAPSHOT, null, "FLUSH LOGS", "flush-logs-in-snapshot"),
    COMMIT_IN_THE_MIDDLE(LegacyJob.COMMIT_IN_THE_MIDDLE, null, "SELECT * FROM checking", "snapshot-start"),
    /** The autocommit loop reading each table as a stream: Connector/J fetch size MIN_VALUE, MariaDB's 10. */
    STREAMING_READ(LegacyJob.AUTOCOMMIT_LOOP, true, "SELECT * FROM checking", "snapshot-start");

    static final String SKIP_BINLOG = "SET SESSION sql_log_bin = 0";
    static final String RR = "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ";
    static final String START = "START TRANSACTION /*!40100 WITH CONSISTENT SNAPSHOT */";
    static final String SAVEPOINT = "SAVEPOINT backup_guard";
    static final String ROLLBACK_TO = "ROLLBACK TO SAVEPOINT backup_guard";
    static final String FLUSH_LOCAL = "FLUSH /*!40101 LOCAL */ TABLES";
    static final String FTWRL = "FLUSH TABLES WITH READ LOCK";
    static final List<String> SNAPSHOT_COORDINATES = List.of("SHOW STATUS LIKE 'binlog_snapshot_%'",
            "SELECT BINLOG_GTID_POS(file, pos)");
    /** Under the lock only the position; the GTID is derived from it after UNLOCK TABLES (BINLOG_GTID_POS). */
    static final List<String> LOCKED_COORDINATES = List.of("SHOW MASTER STATUS");
    static final String GTID_OF_POSITION = "SELECT BINLOG_GTID_POS(file, pos)";
    static final List<String> END = List.of("RELEASE SAVEPOINT backup_guard", "ROLLBACK", "SET SESSION sql_log_bin = 1");

    final LegacyJob job;
    final boolean streaming;
    /** Block mode: the job statement refused (as the server would have received it), or null when none is. */
    final String blockRefuses;
    final String blockRule;

    JobShape(LegacyJob job, Boolean streaming, String blockRefuses, String blockRule) {
        this.job = job;
        this.streaming = streaming != null && streaming;
        this.blockRefuses = blockRefuses;
        this.blockRule = blockRule;
    }

    boolean myisam() {
        return this == LOCK_WHOLE_DUMP_WITH_MYISAM;
    }

    /**
     * How the coordinates the job ends up with were read when the snapshot was started {@code way}: the job's FLUSH
     * LOGS restarts it under the global read lock whatever the way (docs/server-facts.md, fact 14).
     */
    SnapshotWay coordinatesWay(SnapshotWay way) {
        return this == FLUSH_LOGS_AFTER_SNAPSHOT ? SnapshotWay.GLOBAL_LOCK : way;
    }

    /** The job holds the global read lock for its whole dump: consistent unguarded, but the server is read-only. */
    boolean locksWholeDump() {
        return this == LOCK_WHOLE_DUMP || this == LOCK_WHOLE_DUMP_WITH_MYISAM;
    }

    int fetchSize(JdbcDriver driver) {
        if (!streaming) {
            return 0;
        }
        // Connector/J streams row by row only with MIN_VALUE; MariaDB Connector/J rejects MIN_VALUE (fact 5) and
        // streams with any positive fetch size.
        return driver == JdbcDriver.MYSQL ? Integer.MIN_VALUE : 10;
    }

    /** What the server receives from the guarded job in enforce mode, after the connection's own chatter. */
    List<String> enforced(SnapshotWay way) {
        List<String> out = new ArrayList<>();
        switch (this) {
            case READ_COMMITTED -> {
                out.add("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"); // the job's, before any read
                out.add(SKIP_BINLOG);
                out.addAll(start(way));
                out.addAll(reads(false));
                out.addAll(END);
                out.add("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"); // its level back at the end
            }
            case SHOW_CREATE_PER_TABLE -> {
                out.add(SKIP_BINLOG);
                out.addAll(start(way));
                out.addAll(reads(true));
                out.addAll(END);
            }
            case FLUSH_LOGS_AFTER_SNAPSHOT -> {
                out.add(RR); // the job's
                out.add(SKIP_BINLOG);
                out.addAll(start(way)); // at the job's START TRANSACTION WITH CONSISTENT SNAPSHOT
                out.add("ROLLBACK"); // FLUSH LOGS came before any read: the snapshot is restarted after it
                // Under the lock whatever the way: a rotation while a commit is under way leaves the snapshot's own
                // coordinates wrong (docs/server-facts.md, fact 14).
                out.addAll(List.of(RR, FLUSH_LOCAL, FTWRL, "FLUSH LOGS", START));
                out.addAll(LOCKED_COORDINATES);
                out.addAll(List.of("UNLOCK TABLES", GTID_OF_POSITION, SAVEPOINT));
                out.addAll(reads(false));
                out.addAll(END);
            }
            case LOCK_WHOLE_DUMP_WITH_MYISAM -> {
                // The job's own FTWRL is kept whatever the way: the MyISAM table is only consistent under it (I6).
                out.addAll(List.of(SKIP_BINLOG, RR, FLUSH_LOCAL, FTWRL, START));
                out.addAll(way == SnapshotWay.GLOBAL_LOCK ? List.of("SHOW MASTER STATUS", GTID_OF_POSITION)
                        : SNAPSHOT_COORDINATES);
                out.add(SAVEPOINT);
                out.addAll(reads(false));
                out.addAll(List.of(ROLLBACK_TO, "SELECT * FROM notes", "UNLOCK TABLES"));
                out.addAll(END);
            }
            default -> {
                // The autocommit loop, the wrong-order lock, the plain transaction, the whole-dump lock over InnoDB,
                // COMMIT in the middle, the streaming read: all become the same mysqldump sequence.
                out.add(SKIP_BINLOG);
                out.addAll(start(way));
                out.addAll(reads(false));
                out.addAll(END);
            }
        }
        return out;
    }

    static List<String> start(SnapshotWay way) {
        List<String> out = new ArrayList<>();
        if (way == SnapshotWay.GLOBAL_LOCK) {
            // The isolation level before the lock: nothing but the snapshot and its position under it.
            out.addAll(List.of(RR, FLUSH_LOCAL, FTWRL, START));
            out.addAll(LOCKED_COORDINATES);
            out.addAll(List.of("UNLOCK TABLES", GTID_OF_POSITION));
        } else {
            out.addAll(List.of(RR, START));
            out.addAll(SNAPSHOT_COORDINATES);
        }
        out.add(SAVEPOINT);
        return out;
    }

    static List<String> reads(boolean showCreate) {
        List<String> out = new ArrayList<>();
        for (String t : List.of("checking", "savings", "transfers")) {
            if (!t.equals("checking")) {
                out.add(ROLLBACK_TO);
            }
            if (showCreate) {
                out.add("SHOW CREATE TABLE " + t);
            }
            out.add("SELECT * FROM " + t);
        }
        return out;
    }
}
