package dev.backupguard.harness.audit;

/**
 * A stretch of a session's timeline: the global read lock waited for or held, LOCK TABLES held, the consistent
 * snapshot open, a table being read. Bounded by statements, so the same window can be drawn on a time axis (from the
 * statements' times) or on a statement axis.
 *
 * @param lane     what the window shows
 * @param label    what to write on it (the table of a read)
 * @param from     the statement that opens it
 * @param fromEdge which moment of that statement
 * @param to       the statement that closes it, or 0 when the session ended with the window still open
 * @param toEdge   which moment of that statement ({@link Edge#SESSION_END} when {@code to} is 0)
 * @param flagged  a statement in it broke a consistency rule (a read from another moment, a lock held too long)
 */
public record Window(Lane lane, String label, int from, Edge fromEdge, int to, Edge toEdge, boolean flagged) {

    /** The lanes of the timeline, top to bottom. */
    public enum Lane {
        GLOBAL_LOCK_WAIT("global read lock: wait"),
        GLOBAL_LOCK("global read lock: held"),
        TABLE_LOCKS("LOCK TABLES held"),
        SNAPSHOT("consistent snapshot"),
        READ("table reads");

        private final String title;

        Lane(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /**
     * A moment of a statement. A general log only records when a statement arrived; a recording also knows when it
     * returned.
     */
    public enum Edge {
        /** It reached the server. */
        START,
        /** It took effect: when it returned if known, else when it arrived (UNLOCK TABLES, COMMIT act at once). */
        DONE,
        /** It had returned: when it returned if known, else when the session's next statement arrived. */
        NEXT,
        /** The session ended (disconnect, end of the log or of the recording). */
        SESSION_END
    }
}
