package dev.backupguard.harness.generallog;

/** The input is not a general log this reader understands: says where, what was expected and what was found. */
public final class LogFormatException extends Exception {

    private final long line;

    /**
     * @param found what was there instead: a description ({@code the end of the file}), or text quoted with
     *              {@link #quote(String)}
     */
    public LogFormatException(long line, String expected, String found) {
        super("line " + line + ": expected " + expected + (found == null ? "" : ", found " + found));
        this.line = line;
    }

    public long line() {
        return line;
    }

    static String quote(String s) {
        if (s == null) {
            return "nothing";
        }
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02X", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('\'').toString();
    }
}
