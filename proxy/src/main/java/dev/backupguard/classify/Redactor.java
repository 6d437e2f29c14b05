package dev.backupguard.classify;

import java.util.Locale;

/**
 * Takes data and secrets out of text that users see (logs, traces, JFR, JMX, exception messages).
 *
 * <p>{@link #redact(String)}: SQL with its literals replaced by {@code ?}: quoted strings, numbers, hex and bit
 * literals, and the content of comments. Secrets that a server would reject unquoted are still secrets once they are
 * in a log, so the word after {@code IDENTIFIED BY} and after {@code PASSWORD =} / {@code PASSWORD(}
 * ({@code MASTER_PASSWORD=...} too) is replaced even when it is not quoted. Keywords, names and executable comments'
 * SQL are kept, so the statement's shape stays readable. The text is read by the classifier's lexer, and where the
 * session's sql_mode or the server's version would decide what is a literal, the rest of the text is hidden (see
 * {@link RedactedSql}). Linear, never throws, idempotent (redacted text redacts to itself); at most the first
 * {@value #MAX} chars are shown.
 *
 * <p>{@link #url(String)}: a JDBC URL without credentials.
 */
public final class Redactor {

    private static final int MAX = 4096;
    private static final String MASK = "***";

    private Redactor() {
    }

    public static String redact(String sql) {
        if (sql == null) {
            return null;
        }
        if (sql.length() <= MAX) {
            return RedactedSql.of(sql);
        }
        // What was cut off is not shown; a literal or comment cut in two is hidden to the cut.
        return RedactedSql.of(sql.substring(0, MAX)) + "...";
    }

    /**
     * A JDBC (or any {@code scheme://}) URL without credentials: the user-info part ({@code user:password@}) is
     * removed, and the value of every parameter whose name contains {@code password}, {@code passwd}, {@code pwd} or
     * {@code secret} is replaced by {@code ***}, wherever it appears ({@code ?password=}, {@code &password=},
     * {@code ;password=}, MySQL's {@code (host=h,password=p)} and {@code address=(password=p)} forms).
     */
    public static String url(String url) {
        if (url == null) {
            return null;
        }
        String u = url;
        int scheme = u.indexOf("://");
        if (scheme >= 0) {
            int hostStart = scheme + 3;
            // Up to the parameters: a password may hold '/', so the path is no bound; '@' in a path is rare.
            int paramsStart = firstOf(u, hostStart, "?;#");
            int at = u.lastIndexOf('@', paramsStart < 0 ? u.length() - 1 : paramsStart - 1);
            if (at >= hostStart) {
                u = u.substring(0, hostStart) + u.substring(at + 1);
            }
        }
        StringBuilder out = new StringBuilder(u.length());
        int i = 0;
        int n = u.length();
        while (i < n) {
            int eq = u.indexOf('=', i);
            if (eq < 0) {
                out.append(u, i, n);
                break;
            }
            int keyStart = eq;
            while (keyStart > i && !isKeyDelimiter(u.charAt(keyStart - 1))) {
                keyStart--;
            }
            String key = u.substring(keyStart, eq).toLowerCase(Locale.ROOT);
            out.append(u, i, eq + 1);
            int valueEnd = eq + 1;
            while (valueEnd < n && !isValueDelimiter(u.charAt(valueEnd))) {
                valueEnd++;
            }
            if (isSecretKey(key)) {
                out.append(MASK);
            } else {
                out.append(u, eq + 1, valueEnd);
            }
            i = valueEnd;
        }
        return out.toString();
    }

    private static boolean isSecretKey(String key) {
        return key.contains("password") || key.contains("passwd") || key.contains("pwd") || key.contains("secret");
    }

    private static boolean isKeyDelimiter(char c) {
        return isValueDelimiter(c) || c == '?' || c == '(' || c == '/';
    }

    /** A value ends at the next parameter; it may hold '/', '?' and '(' (a password may). */
    private static boolean isValueDelimiter(char c) {
        return c == '&' || c == ';' || c == ',' || c == ')' || c == '#' || Character.isWhitespace(c);
    }

    private static int firstOf(String s, int from, String chars) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
