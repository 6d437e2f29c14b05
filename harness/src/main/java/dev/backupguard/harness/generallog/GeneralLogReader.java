package dev.backupguard.harness.generallog;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads a general log in any of the {@link LogFormat}s, row by row (a log can be far larger than memory), and says
 * what it found. Gzipped files ({@code general.log.1.gz} from logrotate) are read as they are.
 */
public final class GeneralLogReader {

    /** A CSV engine row starts with the quoted event_time. */
    private static final Pattern CSV_ROW = Pattern.compile("^\"\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}.*");
    private static final Pattern TSV_ROW = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}[^\\t]*\\t.*");

    /**
     * The longest statement (and line) read whole, in chars, unless told otherwise: far above any statement a backup
     * session sends, and a few MB of heap. A longer one is kept to this length and marked ({@link LogRow#cut()}).
     */
    public static final int MAX_STATEMENT = 1 << 20;

    /**
     * What the reader found.
     *
     * @param format        the format read
     * @param header        for the log file: the program, version and version comment of its header, else null
     * @param wholeSeconds  the times have whole-second resolution (MariaDB's log file)
     * @param rows          entries read
     * @param lines         physical lines read
     * @param columnHeader  an export had a header row
     * @param cutEntries    entries longer than the bound, of which only the start was read
     * @param maxStatement  the bound, in chars
     * @param endMissing    the file ends inside an entry (no line end after its last line): it was cut
     */
    public record Info(LogFormat format, LogHeader header, boolean wholeSeconds, long rows, long lines,
                       boolean columnHeader, long cutEntries, int maxStatement, boolean endMissing) {

        /** The server version of the log file's header, e.g. {@code 11.4.5-MariaDB-log}, or null. */
        public String serverVersion() {
            return header == null ? null : header.version();
        }

        /** The version comment of the header, e.g. {@code MariaDB Server}, or null. */
        public String serverComment() {
            return header == null ? null : header.comment();
        }

        public String describe() {
            String what = switch (format) {
                case FILE -> (header != null && header.version().toLowerCase(java.util.Locale.ROOT).contains("mariadb")
                        ? "MariaDB " : wholeSeconds ? "MariaDB " : "") + "general log file (log_output=FILE)";
                case TSV -> "mysql.general_log, tab-separated" + (columnHeader ? " with a header row" : "");
                case CSV -> "mysql.general_log, comma-separated" + (columnHeader ? " with a header row"
                        : " (the CSV engine's file or INTO OUTFILE)");
                case AUTO -> "general log";
            };
            return what + ", " + rows + " entries on " + lines + " lines"
                    + (wholeSeconds ? ", times in whole seconds" : "")
                    + (cutEntries == 0 ? "" : "; " + cutEntries + (cutEntries == 1 ? " entry" : " entries")
                    + " longer than " + maxStatement + " chars, judged on " + (cutEntries == 1 ? "its" : "their")
                    + " first " + maxStatement + " (--max-statement)")
                    + (endMissing ? "; THE LOG IS CUT: it ends in the middle of line " + lines
                    + ", so the sessions still connected then are missing their end" : "");
        }
    }

    private GeneralLogReader() {
    }

    /**
     * The header of a general log file (its first line), or null when the file does not start with one (an export of
     * the table, a log whose head was cut off). Read before the entries, so the audit knows the server first.
     */
    public static LogHeader header(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            InputStream in = raw;
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                in = new BufferedInputStream(new GZIPInputStream(in, 64 * 1024));
            }
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            String first = firstLine(new LineSource(new InputStreamReader(in, decoder), MAX_STATEMENT));
            return first == null ? null : FileLogParser.header(first);
        }
    }

    /** Reads {@code file}, handing each entry to {@code sink} in file order. */
    public static Info read(Path file, LogFormat format, Consumer<LogRow> sink) throws IOException, LogFormatException {
        return read(file, format, sink, MAX_STATEMENT);
    }

    /** The same, keeping at most {@code maxStatement} chars of each entry (and of each line). */
    public static Info read(Path file, LogFormat format, Consumer<LogRow> sink, int maxStatement)
            throws IOException, LogFormatException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            return read(raw, format, sink, maxStatement);
        }
    }

    public static Info read(InputStream input, LogFormat format, Consumer<LogRow> sink)
            throws IOException, LogFormatException {
        return read(input, format, sink, MAX_STATEMENT);
    }

    public static Info read(InputStream input, LogFormat format, Consumer<LogRow> sink, int maxStatement)
            throws IOException, LogFormatException {
        InputStream in = input.markSupported() ? input : new BufferedInputStream(input);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            in = new BufferedInputStream(new GZIPInputStream(in, 64 * 1024));
        }
        checkText(in);
        // The server writes the log in its character set; undecodable bytes (a binary blob in a statement) must not
        // stop the audit.
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        LineSource lines = new LineSource(new InputStreamReader(in, decoder), maxStatement);
        String first = firstLine(lines);
        if (first == null) {
            throw new LogFormatException(1, "a general log (the log file, or an export of mysql.general_log)",
                    "an empty file");
        }
        LogFormat f = format == LogFormat.AUTO ? detect(first) : format;
        switch (f) {
            case FILE -> {
                FileLogParser p = new FileLogParser(lines, sink);
                p.parse();
                return new Info(f, p.header(), p.wholeSeconds(), p.rows(), lines.lineNumber(), false, p.cut(),
                        maxStatement, lines.unterminated());
            }
            case TSV, CSV -> {
                DelimitedLogParser p = new DelimitedLogParser(lines, sink, f == LogFormat.TSV ? '\t' : ',');
                p.parse();
                return new Info(f, null, false, p.rows(), lines.lineNumber(), p.hadHeader(), p.cut(), maxStatement,
                        p.endMissing());
            }
            default -> throw new LogFormatException(1, "a general log file header or entry, or a mysql.general_log "
                    + "export (a header row with thread_id and command_type, or rows starting with an event_time)",
                    LogFormatException.quote(first));
        }
    }

    private static LogFormat detect(String first) {
        if (FileLogParser.recognizes(first)) {
            return LogFormat.FILE;
        }
        if (DelimitedLogParser.isHeader(first)) {
            int tabs = count(first, '\t');
            int commas = count(first, ',');
            return tabs >= commas ? LogFormat.TSV : LogFormat.CSV;
        }
        if (CSV_ROW.matcher(first).matches()) {
            return LogFormat.CSV;
        }
        if (TSV_ROW.matcher(first).matches()) {
            return LogFormat.TSV;
        }
        return LogFormat.AUTO;
    }

    private static String firstLine(LineSource lines) throws IOException {
        String p;
        while ((p = lines.peek()) != null && p.isBlank()) {
            lines.next();
        }
        return p;
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }

    /** A general log is text: NUL bytes at the start mean another kind of file (a binlog, an InnoDB file). */
    private static void checkText(InputStream in) throws IOException, LogFormatException {
        in.mark(4096);
        byte[] head = in.readNBytes(4096);
        in.reset();
        for (byte b : head) {
            if (b == 0) {
                throw new LogFormatException(1, "a text file (a general log)", "binary data (a NUL byte)");
            }
        }
    }
}
