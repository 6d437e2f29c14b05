package dev.backupguard.harness.generallog;

import java.io.IOException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The general log file ({@code log_output=FILE}).
 *
 * <p>What the servers write (MariaDB {@code MYSQL_QUERY_LOG::write}, sql/log.cc; MySQL {@code File_query_log}):
 * <pre>
 * /path/mariadbd, Version: 11.4.5-MariaDB-log (MariaDB Server). started with:
 * Tcp port: 3306  Unix socket: /run/mysqld/mysqld.sock
 * Time		    Id Command	Argument
 * 251122  1:30:05	     5 Connect	root@127.0.0.1 on shop using TCP/IP
 * 		     5 Query	SELECT a,
 * b FROM t
 * </pre>
 * MariaDB prints the time ({@code yymmdd hh:mm:ss}, whole seconds) only when it changed since the previous entry,
 * two tabs otherwise; MySQL 5.7+ prints an ISO-8601 time with microseconds on every entry. The thread id is
 * right-aligned, then the command, a tab and the argument. A statement's own line breaks are written as they are,
 * so a line that is not an entry continues the previous entry's argument. The header is written again whenever the
 * server reopens the file (start, {@code FLUSH LOGS}).
 */
final class FileLogParser {

    private static final Pattern HEADER = Pattern.compile("^(.*), Version: (.+?) \\((.*)\\)\\. started with:$");
    private static final Pattern HEADER_PORT = Pattern.compile("^Tcp port: .*");
    private static final Pattern HEADER_COLUMNS = Pattern.compile("^Time\\s+Id\\s+Command\\s+Argument\\s*$");
    private static final Pattern MARIADB_TIME = Pattern.compile("^(\\d{2})(\\d{2})(\\d{2}) ([ \\d]\\d):(\\d{2}):(\\d{2})\\t");
    private static final Pattern MYSQL_TIME = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?)(Z|[+-]\\d{2}:\\d{2})?\\s");
    private static final Pattern ENTRY = Pattern.compile("^\\s*(\\d+) ([A-Za-z][A-Za-z_ ]*?)\\t(.*)$", Pattern.DOTALL);

    /**
     * Command names (MariaDB {@code command_name[]}, MySQL {@code Command_names}): an entry line must carry one, so
     * a statement's continuation line is not taken for an entry by accident.
     */
    static final Set<String> COMMANDS = Set.of("Sleep", "Quit", "Init DB", "Query", "Field List", "Create DB",
            "Drop DB", "Refresh", "Shutdown", "Statistics", "Processlist", "Connect", "Kill", "Debug", "Ping", "Time",
            "Delayed insert", "Change user", "Binlog Dump", "Table Dump", "Connect Out", "Register Slave", "Prepare",
            "Execute", "Long Data", "Close stmt", "Reset stmt", "Set option", "Fetch", "Daemon", "Unimpl get tid",
            "Reset connection", "Bulk_execute", "Slave_worker", "Slave_IO", "Slave_SQL", "Error", "Clone",
            "Binlog Dump GTID", "Group Replication Data Stream subscription");

    private final LineSource lines;
    private final Consumer<LogRow> sink;
    private LogHeader header;
    private boolean wholeSeconds;
    private LocalDateTime time;
    private long pendingLine;
    private LocalDateTime pendingTime;
    private long pendingThread = -1;
    private String pendingCommand;
    private StringBuilder pendingArgument;
    private long pendingLength;
    private long rows;
    private long cut;

    FileLogParser(LineSource lines, Consumer<LogRow> sink) {
        this.lines = lines;
        this.sink = sink;
    }

    LogHeader header() {
        return header;
    }

    /** MariaDB's format: times in whole seconds. */
    boolean wholeSeconds() {
        return wholeSeconds;
    }

    long rows() {
        return rows;
    }

    /** Entries longer than the bound, of which only the start was kept. */
    long cut() {
        return cut;
    }

    /** The header on this line, or null. */
    static LogHeader header(String line) {
        Matcher h = HEADER.matcher(line);
        return h.matches() ? new LogHeader(h.group(1), h.group(2), h.group(3)) : null;
    }

    /** Whether {@code line} starts a general log file: a header or an entry. */
    static boolean recognizes(String line) {
        return HEADER.matcher(line).matches() || entry(line) != null;
    }

    void parse() throws IOException, LogFormatException {
        String line;
        while ((line = lines.next()) != null) {
            Matcher h = HEADER.matcher(line);
            if (h.matches()) {
                flush();
                if (header == null) {
                    header = new LogHeader(h.group(1), h.group(2), h.group(3));
                }
                String p = lines.peek();
                if (p != null && HEADER_PORT.matcher(p).matches()) {
                    lines.next();
                    p = lines.peek();
                }
                if (p != null && HEADER_COLUMNS.matcher(p).matches()) {
                    lines.next();
                }
                continue;
            }
            Parsed e = entry(line);
            if (e == null) {
                if (pendingArgument != null) {
                    continueArgument(line);
                    continue;
                }
                if (line.isBlank()) {
                    continue;
                }
                throw new LogFormatException(lines.lineNumber(), "a general log header ('<program>, Version: "
                        + "<version> (<comment>). started with:') or an entry ('<time>\\t<thread id> <command>\\t"
                        + "<argument>')", LogFormatException.quote(line));
            }
            flush();
            if (e.time != null) {
                time = e.time;
            }
            wholeSeconds |= e.wholeSeconds;
            pendingLine = lines.lineNumber();
            pendingTime = time;
            pendingThread = e.thread;
            pendingCommand = e.command;
            pendingArgument = new StringBuilder(e.argument);
            // The line was cut at its end, in the argument: what was dropped belongs to it.
            pendingLength = e.argument.length() + lines.length() - line.length();
        }
        flush(lines.unterminated());
    }

    /** A line of a statement that spans lines; the statement is kept up to the reader's bound. */
    private void continueArgument(String line) {
        pendingLength += 1 + lines.length();
        int room = lines.maxLine() - pendingArgument.length();
        if (room > 0) {
            pendingArgument.append('\n').append(line, 0, Math.min(line.length(), room - 1));
        }
    }

    private void flush() {
        flush(false);
    }

    private void flush(boolean endMissing) {
        if (pendingArgument != null) {
            LogRow row = new LogRow(pendingLine, pendingTime, pendingThread, pendingCommand,
                    pendingArgument.toString(), null, pendingLength, endMissing);
            cut += row.cut() ? 1 : 0;
            sink.accept(row);
            rows++;
            pendingArgument = null;
        }
    }

    private record Parsed(LocalDateTime time, boolean wholeSeconds, long thread, String command, String argument) {
    }

    /** The entry on this line, or null when the line is not one. */
    private static Parsed entry(String line) {
        LocalDateTime t = null;
        boolean seconds = false;
        String rest;
        Matcher m;
        if (line.startsWith("\t\t")) {
            // Only the whole-second format (MariaDB, MySQL 5.6) leaves the time out when it did not change.
            seconds = true;
            rest = line.substring(2);
        } else if ((m = MARIADB_TIME.matcher(line)).lookingAt()) {
            try {
                t = LocalDateTime.of(2000 + Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4).trim()), Integer.parseInt(m.group(5)),
                        Integer.parseInt(m.group(6)));
            } catch (java.time.DateTimeException ex) {
                return null;
            }
            seconds = true;
            rest = line.substring(m.end());
        } else if ((m = MYSQL_TIME.matcher(line)).lookingAt()) {
            try {
                t = m.group(2) == null ? LocalDateTime.parse(m.group(1))
                        : OffsetDateTime.parse(m.group(1) + m.group(2)).toLocalDateTime();
            } catch (DateTimeParseException ex) {
                return null;
            }
            rest = line.substring(m.end());
        } else {
            return null;
        }
        Matcher e = ENTRY.matcher(rest);
        if (!e.matches() || !COMMANDS.contains(e.group(2))) {
            return null;
        }
        long thread;
        try {
            thread = Long.parseLong(e.group(1));
        } catch (NumberFormatException ex) {
            return null;
        }
        return new Parsed(t, seconds, thread, e.group(2), e.group(3));
    }
}
