package dev.backupguard.harness.generallog;

import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Rows of {@code mysql.general_log} exported as tab- or comma-separated text (see {@link LogFormat#TSV} and
 * {@link LogFormat#CSV}). The table's columns are {@code event_time, user_host, thread_id, server_id, command_type,
 * argument}; a header row may name them in any order or leave some out ({@code thread_id}, {@code command_type} and
 * {@code argument} are needed). The table has no id column: its rows are in the order the server wrote them, and
 * so are the export's.
 */
final class DelimitedLogParser {

    static final List<String> COLUMNS = List.of("event_time", "user_host", "thread_id", "server_id", "command_type",
            "argument");

    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd")
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendLiteral('T').optionalEnd()
            .appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);

    private final LineSource lines;
    private final Consumer<LogRow> sink;
    private final char separator;
    private int time = -1;
    private int userHost = -1;
    private int thread = -1;
    private int command = -1;
    private int argument = -1;
    private int width;
    private boolean header;
    private long rows;
    private long cut;
    /** Chars of the record being read that were dropped at the bound. */
    private long dropped;
    /** The file ended inside the record being read. */
    private boolean endMissing;

    DelimitedLogParser(LineSource lines, Consumer<LogRow> sink, char separator) {
        this.lines = lines;
        this.sink = sink;
        this.separator = separator;
    }

    long rows() {
        return rows;
    }

    boolean hadHeader() {
        return header;
    }

    /** Entries longer than the bound, of which only the start was kept. */
    long cut() {
        return cut;
    }

    /** Whether {@code line} is the header row of an export of the general log table. */
    static boolean isHeader(String line) {
        String l = line.toLowerCase(Locale.ROOT);
        return l.contains("thread_id") && l.contains("command_type");
    }

    void parse() throws IOException, LogFormatException {
        String first = lines.peek();
        if (first != null && isHeader(first)) {
            lines.next();
            header = true;
            List<String> names = split(first, lines.lineNumber(), false);
            for (int i = 0; i < names.size(); i++) {
                switch (names.get(i) == null ? "" : names.get(i).trim().toLowerCase(Locale.ROOT)) {
                    case "event_time" -> time = i;
                    case "user_host" -> userHost = i;
                    case "thread_id" -> thread = i;
                    case "command_type" -> command = i;
                    case "argument" -> argument = i;
                    default -> {
                        // server_id and anything else: not needed
                    }
                }
            }
            width = names.size();
            if (thread < 0 || command < 0 || argument < 0) {
                throw new LogFormatException(lines.lineNumber(), "a header row naming the columns thread_id, "
                        + "command_type and argument", LogFormatException.quote(first));
            }
        } else {
            time = 0;
            userHost = 1;
            thread = 2;
            command = 4;
            argument = 5;
            width = COLUMNS.size();
        }
        String line;
        while ((line = lines.next()) != null) {
            long start = lines.lineNumber();
            if (line.isEmpty() && lines.peek() == null) {
                break; // a trailing empty line
            }
            dropped = lines.length() - line.length();
            List<String> fields = split(line, start, true);
            endMissing |= lines.unterminated();
            if (endMissing && fields.size() < width) {
                break; // the file ends inside this row, before its argument: nothing of it can be judged
            }
            if (fields.size() != width) {
                throw new LogFormatException(start, width + " " + (separator == '\t' ? "tab" : "comma")
                        + "-separated fields (" + (header ? "as in the header row" : String.join(", ", COLUMNS))
                        + ")", fields.size() + " fields in " + LogFormatException.quote(line)
                        + (dropped > 0 ? " (a row longer than " + lines.maxLine() + " chars: raise --max-statement)" : ""));
            }
            long threadId;
            String t = fields.get(thread);
            try {
                threadId = Long.parseLong(t == null ? "" : t.trim());
            } catch (NumberFormatException e) {
                throw new LogFormatException(start, "a thread id (a number) in column thread_id",
                        LogFormatException.quote(t));
            }
            String c = fields.get(command);
            if (c == null || c.isBlank()) {
                throw new LogFormatException(start, "a command (Query, Connect, ...) in column command_type",
                        LogFormatException.quote(c));
            }
            LocalDateTime when = null;
            if (time >= 0 && fields.get(time) != null && !fields.get(time).isEmpty()) {
                try {
                    when = time(fields.get(time).trim());
                } catch (DateTimeParseException e) {
                    throw new LogFormatException(start, "a time like 2025-06-01 10:00:00.123456 in column event_time",
                            LogFormatException.quote(fields.get(time)));
                }
            }
            String arg = fields.get(argument);
            LogRow row = new LogRow(start, when, threadId, c.trim(), arg, userHost >= 0 ? fields.get(userHost) : null,
                    (arg == null ? 0 : arg.length()) + dropped, endMissing);
            cut += row.cut() ? 1 : 0;
            sink.accept(row);
            rows++;
        }
    }

    /** The file ended inside its last row. */
    boolean endMissing() {
        return endMissing;
    }

    /** Appends {@code c} unless {@code b} already holds the bound's worth, counting it as dropped then. */
    private void add(StringBuilder b, char c) {
        if (b.length() < lines.maxLine()) {
            b.append(c);
        } else {
            dropped++;
        }
    }

    /** The next line of a record that spans lines, or null (and the record's end missing) at the end of the file. */
    private String continuation() throws IOException {
        String more = lines.next();
        if (more == null) {
            endMissing = true;
        } else {
            dropped += lines.length() - more.length();
        }
        return more;
    }

    /**
     * {@code 2025-06-01 10:00:00.123456}: read by hand, it is on every row and a DateTimeFormatter costs more than the
     * rest of the row's parsing; anything else goes to the formatter (which also accepts the ISO 'T').
     */
    static LocalDateTime time(String s) {
        int n = s.length();
        if (n >= 19 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == ' ' && s.charAt(13) == ':'
                && s.charAt(16) == ':' && (n == 19 || (s.charAt(19) == '.' && n <= 29 && n > 20))) {
            try {
                int nanos = 0;
                if (n > 20) {
                    nanos = Integer.parseInt(s.substring(20));
                    for (int i = n - 20; i < 9; i++) {
                        nanos *= 10;
                    }
                }
                return LocalDateTime.of(Integer.parseInt(s, 0, 4, 10), Integer.parseInt(s, 5, 7, 10),
                        Integer.parseInt(s, 8, 10, 10), Integer.parseInt(s, 11, 13, 10), Integer.parseInt(s, 14, 16, 10),
                        Integer.parseInt(s, 17, 19, 10), nanos);
            } catch (NumberFormatException | java.time.DateTimeException e) {
                throw new DateTimeParseException("not a time", s, 0);
            }
        }
        return LocalDateTime.parse(s, TIME);
    }

    /**
     * Splits one record into fields; reads more lines when a record continues (a quoted CSV field with a line break,
     * a TSV line ending in an escaping backslash). Null stands for SQL NULL ({@code \N}, or {@code NULL} in a TSV).
     */
    private List<String> split(String line, long start, boolean data) throws IOException, LogFormatException {
        return separator == '\t' ? splitTabs(line, start) : splitCommas(line, start, data);
    }

    private List<String> splitTabs(String line, long start) throws IOException, LogFormatException {
        // SELECT ... INTO OUTFILE escapes a line break in a value as a backslash before the real line break. A line
        // cut at the bound ends its record: what it ended in was not read.
        StringBuilder joined = new StringBuilder(line);
        String physical = line;
        while (!lines.cut() && endsInEscape(physical)) {
            physical = continuation();
            if (physical == null) {
                break;
            }
            if (joined.length() + 1 + physical.length() <= lines.maxLine()) {
                joined.setLength(joined.length() - 1);
                joined.append("\\n").append(physical);
            } else {
                dropped += physical.length() + 1;
            }
        }
        String record = joined.toString();
        List<String> out = new ArrayList<>(COLUMNS.size());
        StringBuilder f = new StringBuilder();
        boolean escaped = false;
        for (int i = 0; i < record.length(); i++) {
            char c = record.charAt(i);
            if (c == '\\' && i + 1 < record.length()) {
                char n = record.charAt(++i);
                if (n == 'N' && f.isEmpty() && (i + 1 == record.length() || record.charAt(i + 1) == '\t')) {
                    escaped = true; // \N: SQL NULL
                    continue;
                }
                f.append(unescape(n));
            } else if (c == '\t') {
                out.add(field(f, escaped));
                f.setLength(0);
                escaped = false;
            } else if (c == '\r' && i == record.length() - 1) {
                break; // CRLF line end
            } else {
                f.append(c);
            }
        }
        out.add(field(f, escaped));
        return out;
    }

    private static String field(StringBuilder f, boolean nullMarker) {
        if (nullMarker) {
            return null;
        }
        String s = f.toString();
        return s.equals("NULL") ? null : s;
    }

    private static boolean endsInEscape(String s) {
        int n = 0;
        for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }

    private static char unescape(char n) {
        return switch (n) {
            case '0' -> '\0';
            case 'b' -> '\b';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'Z' -> (char) 26;
            default -> n;
        };
    }

    /**
     * Without a header the file is the server's own CSV (the CSV engine's data file, INTO OUTFILE): backslash escapes
     * inside quotes. With a header it comes from another tool: RFC 4180, a quote inside a quoted field is doubled.
     */
    private List<String> splitCommas(String line, long start, boolean data) throws IOException, LogFormatException {
        boolean backslash = !header || !data;
        List<String> out = new ArrayList<>(COLUMNS.size());
        StringBuilder f = new StringBuilder();
        String rec = line;
        int i = 0;
        while (true) {
            if (i < rec.length() && rec.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= rec.length()) {
                        String more = continuation();
                        if (more == null) {
                            out.add(f.toString()); // the file ends inside this quoted field
                            return out;
                        }
                        add(f, '\n');
                        rec = more;
                        i = 0;
                        continue;
                    }
                    char c = rec.charAt(i);
                    if (c == '\\' && backslash && i + 1 < rec.length()) {
                        add(f, unescape(rec.charAt(i + 1)));
                        i += 2;
                    } else if (c == '"') {
                        if (i + 1 < rec.length() && rec.charAt(i + 1) == '"') {
                            add(f, '"');
                            i += 2;
                        } else {
                            i++;
                            break;
                        }
                    } else {
                        add(f, c);
                        i++;
                    }
                }
                out.add(f.toString());
                f.setLength(0);
                if (i < rec.length() && rec.charAt(i) == '\r' && i == rec.length() - 1) {
                    i++;
                }
                if (i >= rec.length()) {
                    return out;
                }
                if (rec.charAt(i) != ',') {
                    throw new LogFormatException(lines.lineNumber(), "',' after the closing quote of field "
                            + out.size(), LogFormatException.quote(rec.substring(i)));
                }
                i++;
                if (i == rec.length()) {
                    out.add("");
                    return out;
                }
            } else {
                int end = rec.indexOf(',', i);
                String raw = end < 0 ? rec.substring(i) : rec.substring(i, end);
                if (raw.endsWith("\r") && end < 0) {
                    raw = raw.substring(0, raw.length() - 1);
                }
                out.add(raw.equals("\\N") || (data && raw.equals("NULL")) ? null : raw);
                if (end < 0) {
                    return out;
                }
                i = end + 1;
                if (i == rec.length()) {
                    out.add("");
                    return out;
                }
            }
        }
    }
}
