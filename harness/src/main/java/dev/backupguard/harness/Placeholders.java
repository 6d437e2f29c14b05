package dev.backupguard.harness;

import java.math.BigDecimal;
import java.util.HexFormat;
import java.util.Map;

/**
 * Puts a prepared statement's parameter values into its text, as both MariaDB and MySQL Connector/J do by default
 * (they prepare on the client: the server receives, and the general log shows, the text with the values in it;
 * docs/server-facts.md, fact 7).
 */
final class Placeholders {

    private Placeholders() {
    }

    /** The SQL literal for a parameter value set with {@code setXxx}. */
    static String literal(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Boolean b) {
            return b ? "1" : "0";
        }
        if (value instanceof Number n) {
            return n instanceof BigDecimal d ? d.toPlainString() : n.toString();
        }
        if (value instanceof byte[] bytes) {
            return "X'" + HexFormat.of().formatHex(bytes) + "'";
        }
        String s = value.toString();
        StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\'' -> b.append("''");
                case '\\' -> b.append("\\\\");
                case '\0' -> b.append("\\0");
                default -> b.append(c);
            }
        }
        return b.append('\'').toString();
    }

    /** {@code sql} with each {@code ?} outside quotes and comments replaced by its parameter's literal. */
    static String inline(String sql, Map<Integer, String> params) {
        if (params.isEmpty() || sql.indexOf('?') < 0) {
            return sql;
        }
        StringBuilder out = new StringBuilder(sql.length() + 16 * params.size());
        int index = 0;
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = skipQuoted(sql, i, c);
                out.append(sql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*' && (i + 2 >= n || sql.charAt(i + 2) != '!')) {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                out.append(sql, i, end);
                i = end;
            } else if (c == '#' || (c == '-' && i + 2 < n && sql.charAt(i + 1) == '-'
                    && Character.isWhitespace(sql.charAt(i + 2)))) {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                out.append(sql, i, end);
                i = end;
            } else if (c == '?') {
                index++;
                out.append(params.getOrDefault(index, "?"));
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int skipQuoted(String s, int start, char quote) {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && quote != '`') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }
}
