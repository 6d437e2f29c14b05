package dev.backupguard.protocol;

/**
 * The column label the server gives the single expression of a {@code SELECT expr [AS alias]}: the alias, or the
 * expression as written (MySQL and MariaDB label an unaliased column with its text).
 */
final class SelectLabel {

    private SelectLabel() {
    }

    static String of(String sql) {
        if (sql == null) {
            return "";
        }
        String s = sql.strip();
        int start = indexOfWord(s, "SELECT", 0);
        if (start < 0) {
            return s;
        }
        start += 6;
        int end = indexOfWord(s, "FROM", start);
        String expr = (end < 0 ? s.substring(start) : s.substring(start, end)).strip();
        if (expr.endsWith(";")) {
            expr = expr.substring(0, expr.length() - 1).strip();
        }
        int as = lastIndexOfWord(expr, "AS");
        if (as >= 0) {
            return unquote(expr.substring(as + 2).strip());
        }
        return expr;
    }

    private static String unquote(String alias) {
        if (alias.length() >= 2) {
            char q = alias.charAt(0);
            if ((q == '`' || q == '"' || q == '\'') && alias.charAt(alias.length() - 1) == q) {
                return alias.substring(1, alias.length() - 1);
            }
        }
        return alias;
    }

    private static int indexOfWord(String s, String word, int from) {
        for (int i = from; i + word.length() <= s.length(); i++) {
            if (s.regionMatches(true, i, word, 0, word.length()) && boundary(s, i - 1)
                    && boundary(s, i + word.length())) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOfWord(String s, String word) {
        for (int i = s.length() - word.length(); i >= 0; i--) {
            if (s.regionMatches(true, i, word, 0, word.length()) && boundary(s, i - 1)
                    && boundary(s, i + word.length())) {
                return i;
            }
        }
        return -1;
    }

    private static boolean boundary(String s, int i) {
        return i < 0 || i >= s.length() || !(Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_'
                || s.charAt(i) == '@' || s.charAt(i) == '.');
    }
}
