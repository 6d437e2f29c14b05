package dev.backupguard.harness.audit;

/**
 * One statement that reached the server: recorded beneath the guard in a test, or read from a general log.
 *
 * @param sql         the text as sent (a JDBC call is given as the statement the driver sends for it)
 * @param origin      who sent it
 * @param call        how it was sent when that is worth saying: {@code Connection.commit()}, the log's
 *                    {@code Execute} or {@code Init DB} command; null for a plain statement
 * @param line        the 1-based line of the general log where the entry starts; 0 for recordings
 * @param startMicros when it reached the server, in microseconds on the trace's clock (epoch-based for logs)
 * @param endMicros   when it returned, or -1 when unknown (a general log only logs arrivals)
 * @param errorCode   the server's error code when it failed, 0 when it succeeded or the outcome is unknown
 * @param incomplete  null when {@code sql} is the whole statement; otherwise why only part of it is there (a statement
 *                    longer than the log reader's bound, a log cut inside it): the judgement of it is a guess
 */
public record SentStatement(String sql, Origin origin, String call, long line, long startMicros, long endMicros,
                            int errorCode, String incomplete) {

    public SentStatement {
        if (sql == null) {
            throw new IllegalArgumentException("sql is null");
        }
    }

    /** A statement that reached the audit whole. */
    public SentStatement(String sql, Origin origin, String call, long line, long startMicros, long endMicros,
                         int errorCode) {
        this(sql, origin, call, line, startMicros, endMicros, errorCode, null);
    }

    public boolean failed() {
        return errorCode != 0;
    }
}
