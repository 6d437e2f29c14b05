package dev.backupguard.harness.generallog;

import java.io.IOException;
import java.io.Reader;

/**
 * Physical lines of a text file, split at {@code \n} only: a statement in the general log file may contain a bare
 * {@code \r}, which {@link java.io.BufferedReader#readLine()} would take for a line end.
 */
final class LineSource {

    private final Reader in;
    private final char[] buf = new char[64 * 1024];
    private int pos;
    private int limit;
    private long lineNumber;
    private String peeked;
    private boolean eof;

    LineSource(Reader in) {
        this.in = in;
    }

    /** The number of the line last returned by {@link #next()}. */
    long lineNumber() {
        return lineNumber;
    }

    /** The next line without its {@code \n}, or null at the end. */
    String next() throws IOException {
        if (peeked != null) {
            String s = peeked;
            peeked = null;
            lineNumber++;
            return s;
        }
        String s = read();
        if (s != null) {
            lineNumber++;
        }
        return s;
    }

    /** The line {@link #next()} will return, or null at the end. */
    String peek() throws IOException {
        if (peeked == null) {
            peeked = read();
        }
        return peeked;
    }

    private String read() throws IOException {
        if (eof) {
            return null;
        }
        StringBuilder line = null;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    eof = true;
                    return line == null ? null : line.toString();
                }
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            if (pos < limit) {
                String chunk = new String(buf, start, pos - start);
                pos++; // the \n
                return line == null ? chunk : line.append(chunk).toString();
            }
            if (line == null) {
                line = new StringBuilder(Math.max(16, limit - start));
            }
            line.append(buf, start, limit - start);
        }
    }
}
