package dev.backupguard.testserver;

import java.time.LocalDateTime;

/**
 * One row of {@code mysql.general_log}: what reached the server, as the server logged it.
 *
 * @param sequence    position in the log (0, 1, ...) among the rows that were read; the log table has no id column,
 *                    this is the order of the rows in the table (the order the server wrote them)
 * @param eventTime   {@code event_time}, microsecond resolution, in the server's time zone
 * @param threadId    the connection id ({@code CONNECTION_ID()}) that sent it
 * @param commandType {@code Connect}, {@code Query}, {@code Prepare}, {@code Execute}, {@code Close stmt}, {@code Quit}, ...
 * @param argument    the statement text (for {@code Query}/{@code Prepare}/{@code Execute}) or other detail
 */
public record GeneralLogEntry(long sequence, LocalDateTime eventTime, long threadId, String commandType,
                              String argument) {

    public boolean isQuery() {
        return "Query".equals(commandType);
    }

    @Override
    public String toString() {
        return eventTime + " " + threadId + " " + commandType + " " + argument;
    }
}
