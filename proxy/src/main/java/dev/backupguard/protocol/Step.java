package dev.backupguard.protocol;

import dev.backupguard.classify.Statement;

/**
 * One thing the adapter does to carry out a {@link Plan}, in order. Statements that reach the server (Inject,
 * Execute, the queries of ReadCoordinates) are reported back with {@link SessionProtocol#sent} or
 * {@link SessionProtocol#failed} so the protocol's model of the server stays true.
 */
public sealed interface Step {

    /** A statement of the guard's own; its result is discarded. A {@link JdbcCall} statement is made through the JDBC method. */
    record Inject(Statement statement) implements Step {
    }

    /**
     * A statement of the guard's own that may fail without failing the plan (it only makes the backup cheaper for the
     * server): the adapter reports the failure with {@link SessionProtocol#failed} and goes on.
     */
    record TryInject(Statement statement) implements Step {
    }

    /**
     * The job's own statement or JDBC call, whose result goes back to the job. {@code statement} is the job's,
     * or its rewrite. At most one per plan; when it returns a result set it is the last step.
     */
    record Execute(Statement statement) implements Step {
    }

    /** Read the binlog coordinates this way and hand them to {@link SessionProtocol#coordinates(BinlogCoordinates)}. */
    record ReadCoordinates(BinlogCoordinates.Source source) implements Step {
    }

    /**
     * Complete the coordinates read under the lock with their GTID position, after the lock is gone: MariaDB's
     * {@code BINLOG_GTID_POS(file, pos)} gives exactly the GTID state at the position read, so it need not be read
     * under the lock ({@link CoordinatesQueries#binlogGtidPos}). Nothing to do where the position already carries
     * it (MySQL's Executed_Gtid_Set) or there are no coordinates.
     */
    record CompleteCoordinates() implements Step {
    }

    /** Answer the job without sending its statement. */
    record Answer(Result result) implements Step {
    }

    /** Answer a binlog status or GTID read with the captured coordinates ({@link SessionProtocol#coordinatesResult}). */
    record AnswerCoordinates(Statement statement) implements Step {
    }

    /** Refuse the job's statement with an SQLException built from the finding (rule, reason, SQLState). */
    record Refuse(Finding finding) implements Step {
    }

    /** Carry out the steps before this one, then ask for the plan of the same job statement again. */
    record Replan() implements Step {
    }

    /**
     * Learn which tables of {@code schema} are not transactional (a backup read reaches a schema whose engines were
     * not checked yet), hand them to {@link SessionProtocol#enginesLearned}, then ask for the plan again.
     */
    record LearnEngines(String schema) implements Step {
    }

    /** Learn the {@link ServerFacts} and hand them to {@link SessionProtocol#facts}, then ask for the plan again. */
    record LearnFacts() implements Step {
    }

    /**
     * After {@code statement}, which the guard cannot see into, ran: ask the server whether this session holds the
     * global read lock and whether the snapshot is still open, and hand the answer to {@link SessionProtocol#observed}.
     */
    record CheckServerState(Statement statement) implements Step {
    }
}
