package dev.backupguard.harness.generallog;

import java.io.IOException;
import java.io.Reader;

/**
 * Physical lines of a text file, split at {@code \n} only: a statement in the general log file may contain a bare
 * {@code \r}, which {@link java.io.BufferedReader#readLine()} would take for a line end.
 *
 * <p>Bounded: a line longer than {@code maxLine} chars is returned cut to its first {@code maxLine} chars (the rest is
 * read and dropped, so memory stays bounded whatever the file holds); {@link #cut()} says so and
 * {@link #length()} gives its whole length. A file whose first line ends in {@code \r\n} (a log copied through a
 * Windows tool) has that {@code \r} removed from every line. {@link #unterminated()} tells that the line just
 * returned is the file's last and no {@code \n} ends it: the file was cut in the middle of that line.
 */
final class LineSource {

    private final Reader in;
    private final int maxLine;
    private final char[] buf = new char[64 * 1024];
    private int pos;
    private int limit;
    private long lineNumber;
    private boolean eof;
    private boolean crlf;
    private boolean first = true;

    private Line peeked;
    private Line last;

    /** One line as read: its (possibly cut) text, its whole length, whether a {@code \n} ended it. */
    private record Line(String text, long length, boolean terminated) {
    }

    LineSource(Reader in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /** The number of the line last returned by {@link #next()}. */
    long lineNumber() {
        return lineNumber;
    }

    /** The longest line returned whole; longer lines are cut to this. */
    int maxLine() {
        return maxLine;
    }

    /** The next line without its {@code \n}, or null at the end. */
    String next() throws IOException {
        Line l = peeked != null ? peeked : read();
        peeked = null;
        if (l == null) {
            return null;
        }
        lineNumber++;
        last = l;
        return l.text;
    }

    /** The line {@link #next()} will return, or null at the end. */
    String peek() throws IOException {
        if (peeked == null) {
            peeked = read();
        }
        return peeked == null ? null : peeked.text;
    }

    /** The line last returned was longer than {@link #maxLine()}: only its start was returned. */
    boolean cut() {
        return last != null && last.length > last.text.length();
    }

    /** The whole length of the line last returned, in chars (also when it was cut). */
    long length() {
        return last == null ? 0 : last.length;
    }

    /** The line last returned is the last of the file and no line end follows it. */
    boolean unterminated() {
        return last != null && !last.terminated;
    }

    private Line read() throws IOException {
        if (eof) {
            return null;
        }
        StringBuilder line = null;
        long length = 0;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    eof = true;
                    return line == null ? null : finish(line, length, false);
                }
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            if (line == null) {
                line = new StringBuilder(Math.min(maxLine, Math.max(16, pos - start)));
            }
            length += pos - start;
            int room = maxLine - line.length();
            if (room > 0) {
                line.append(buf, start, Math.min(room, pos - start));
            }
            if (pos < limit) {
                pos++; // the \n
                return finish(line, length, true);
            }
        }
    }

    private Line finish(StringBuilder line, long length, boolean terminated) {
        if (first) {
            first = false;
            crlf = terminated && length <= maxLine && line.length() > 0 && line.charAt(line.length() - 1) == '\r';
        }
        if (crlf && terminated && length <= maxLine && line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
            line.setLength(line.length() - 1);
            length--;
        }
        return new Line(line.toString(), length, terminated);
    }
}
