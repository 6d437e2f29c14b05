package dev.backupguard.classify;

import java.util.Locale;

/**
 * Takes data and secrets out of text that users see (logs, traces, JFR, JMX, exception messages).
 *
 * <p>{@link #redact(String)}: SQL with its literals replaced by {@code ?}: quoted strings, numbers, hex and bit
 * literals. Secrets that a server would reject unquoted are still secrets once they are in a log, so the word after
 * {@code IDENTIFIED BY} and after {@code PASSWORD =} / {@code PASSWORD(} ({@code MASTER_PASSWORD=...} too) is replaced
 * even when it is not quoted. Identifiers (backticks), keywords and comments are kept, so the statement's shape stays
 * readable. One pass, never throws, idempotent (redacted text redacts to itself).
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
        int n = Math.min(sql.length(), MAX);
        StringBuilder out = new StringBuilder(n);
        int i = 0;
        boolean identified = false; // inside an IDENTIFIED ... clause: its BY introduces a secret
        boolean secretNext = false; // the next word is a secret
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipQuoted(sql, i, n, c);
                out.append('?');
                secretNext = false;
            } else if (c == '/' && i + 2 < n && sql.charAt(i + 1) == '*'
                    && (sql.charAt(i + 2) == '!' || sql.charAt(i + 2) == 'M')) {
                // Keep the version of an executable comment (/*!40101 or /*M!100101): it is not data.
                int j = i + 2;
                while (j < n && (sql.charAt(j) == '!' || sql.charAt(j) == 'M' || Character.isDigit(sql.charAt(j)))) {
                    j++;
                }
                out.append(sql, i, j);
                i = j;
            } else if (c == '`') {
                int end = skipQuoted(sql, i, n, '`');
                if (secretNext) {
                    out.append('?');
                    secretNext = false;
                } else {
                    out.append(sql, i, end);
                }
                i = end;
            } else if (Character.isDigit(c) && !identifierBefore(sql, i)) {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
                out.append('?');
                secretNext = false;
            } else if (isWordStart(c) && !identifierBefore(sql, i)) {
                int end = i + 1;
                while (end < n && isWordPart(sql.charAt(end))) {
                    end++;
                }
                String word = sql.substring(i, end);
                if (secretNext && !word.equalsIgnoreCase("PASSWORD")) {
                    // IDENTIFIED BY secret (unquoted): a syntax error on the server, still a secret in a log.
                    out.append('?');
                    secretNext = false;
                } else {
                    out.append(word);
                    secretNext = false;
                    if (word.equalsIgnoreCase("IDENTIFIED")) {
                        identified = true;
                    } else if (identified && word.equalsIgnoreCase("BY")) {
                        identified = false;
                        secretNext = true;
                    } else if (isPasswordWord(word) && assignedOrCalled(sql, end, n)) {
                        secretNext = true;
                    }
                }
                i = end;
            } else {
                if (c == ';') {
                    identified = false;
                }
                if (!Character.isWhitespace(c) && c != '=' && c != '(') {
                    secretNext = false; // the secret is the word right after IDENTIFIED BY / PASSWORD = / PASSWORD(
                }
                out.append(c);
                i++;
            }
        }
        if (sql.length() > MAX) {
            out.append("...");
        }
        return out.toString();
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

    /** PASSWORD, MASTER_PASSWORD, PRIMARY_PASSWORD, SOURCE_PASSWORD, ... */
    private static boolean isPasswordWord(String word) {
        int n = word.length();
        return n >= 8 && word.regionMatches(true, n - 8, "PASSWORD", 0, 8) && (n == 8 || word.charAt(n - 9) == '_');
    }

    /** After PASSWORD: {@code =} or {@code (} follows (whitespace allowed), so what comes next is the value. */
    private static boolean assignedOrCalled(String s, int from, int n) {
        int i = from;
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i < n && (s.charAt(i) == '=' || s.charAt(i) == '(');
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '$';
    }

    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static int skipQuoted(String s, int start, int n, char quote) {
        int i = start + 1;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < n && s.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** A digit inside an identifier (t1, binlog_000002) is not a number. */
    private static boolean identifierBefore(String s, int i) {
        if (i == 0) {
            return false;
        }
        char p = s.charAt(i - 1);
        return Character.isLetterOrDigit(p) || p == '_' || p == '$' || p == '@';
    }
}
