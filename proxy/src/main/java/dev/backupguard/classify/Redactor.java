package dev.backupguard.classify;

/**
 * Replaces the literals of SQL text with {@code ?} so telemetry, logs and exception messages carry no data and no
 * secrets: quoted strings (also the value of IDENTIFIED BY / PASSWORD), numbers, hex and bit literals. Identifiers
 * (backticks), keywords and comments are kept, so the statement's shape stays readable. One pass, never throws.
 */
public final class Redactor {

    private static final int MAX = 4096;

    private Redactor() {
    }

    public static String redact(String sql) {
        if (sql == null) {
            return null;
        }
        int n = Math.min(sql.length(), MAX);
        StringBuilder out = new StringBuilder(n);
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipQuoted(sql, i, n, c);
                out.append('?');
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
                out.append(sql, i, end);
                i = end;
            } else if (Character.isDigit(c) && !identifierBefore(sql, i)) {
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
                out.append('?');
            } else {
                out.append(c);
                i++;
            }
        }
        if (sql.length() > MAX) {
            out.append("...");
        }
        return out.toString();
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
