package dev.backupguard.harness.generallog;

import java.time.LocalDateTime;

/**
 * One entry of a general log: a row of {@code mysql.general_log}, or an entry of the log file (with its continuation
 * lines).
 *
 * @param line       the 1-based line of the file where the entry starts
 * @param time       {@code event_time}; in the MariaDB log file the time of the last entry that printed one (the file
 *                   prints it only when it changes); null when the input has none
 * @param threadId   the connection ({@code CONNECTION_ID()})
 * @param command    {@code Connect}, {@code Query}, {@code Execute}, {@code Init DB}, {@code Quit}, ...
 * @param argument   the statement text or the command's detail (never null); only its start when the entry is longer
 *                   than the reader's bound
 * @param userHost   the {@code user_host} column ({@code root[root] @ localhost [127.0.0.1]}), or null
 * @param length     the argument's length in the log, in chars: more than {@code argument.length()} when the reader
 *                   kept only its start
 * @param endMissing the log ends inside this entry (the file was cut): its argument is incomplete
 */
public record LogRow(long line, LocalDateTime time, long threadId, String command, String argument,
                     String userHost, long length, boolean endMissing) {

    public LogRow {
        argument = argument == null ? "" : argument;
        length = Math.max(length, argument.length());
    }

    /** A whole entry. */
    public LogRow(long line, LocalDateTime time, long threadId, String command, String argument, String userHost) {
        this(line, time, threadId, command, argument, userHost, 0, false);
    }

    /** Only the start of the argument was kept. */
    public boolean cut() {
        return length > argument.length();
    }
}
