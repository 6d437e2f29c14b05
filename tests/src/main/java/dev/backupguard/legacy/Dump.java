package dev.backupguard.legacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a legacy backup job read: the rows of each table, and the binlog coordinates it recorded (if it asked for
 * them; null otherwise).
 *
 * @param tables      rows per table, in dump order; each row is its column values
 * @param binlogFile  the File the job read from SHOW MASTER STATUS, or null
 * @param binlogPos   the Position it read, or -1
 */
public record Dump(Map<String, List<List<Object>>> tables, String binlogFile, long binlogPos) {

    public List<List<Object>> rows(String table) {
        List<List<Object>> rows = tables.get(table);
        return rows == null ? List.of() : rows;
    }

    /** The highest transfer sequence number the dump saw: which transfers its snapshot includes. */
    public long lastTransfer() {
        long max = 0;
        for (List<Object> row : rows("transfers")) {
            max = Math.max(max, ((Number) row.get(0)).longValue());
        }
        return max;
    }

    public boolean hasCoordinates() {
        return binlogFile != null;
    }

    /** One line of JSON, for jobs run in a separate JVM (the agent tests). */
    public String toJson() {
        StringBuilder b = new StringBuilder("{\"binlogFile\":");
        b.append(binlogFile == null ? "null" : "\"" + binlogFile + "\"").append(",\"binlogPos\":").append(binlogPos)
                .append(",\"tables\":{");
        boolean firstTable = true;
        for (Map.Entry<String, List<List<Object>>> e : tables.entrySet()) {
            b.append(firstTable ? "" : ",").append('"').append(e.getKey()).append("\":[");
            firstTable = false;
            boolean firstRow = true;
            for (List<Object> row : e.getValue()) {
                b.append(firstRow ? "" : ",").append('[');
                firstRow = false;
                for (int i = 0; i < row.size(); i++) {
                    Object v = row.get(i);
                    b.append(i == 0 ? "" : ",").append(v instanceof Number ? v.toString() : "\"" + v + "\"");
                }
                b.append(']');
            }
            b.append(']');
        }
        return b.append("}}").toString();
    }

    /** Parses {@link #toJson()} output (numbers and plain strings only: what the bank tables hold). */
    public static Dump fromJson(String json) {
        Parser p = new Parser(json);
        return p.dump();
    }

    /** A minimal reader for the JSON written by {@link #toJson()}. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s.trim();
        }

        Dump dump() {
            expect('{');
            String file = null;
            long pos = -1;
            Map<String, List<List<Object>>> tables = new LinkedHashMap<>();
            while (peek() != '}') {
                String key = string();
                expect(':');
                switch (key) {
                    case "binlogFile" -> file = peek() == 'n' ? nul() : string();
                    case "binlogPos" -> pos = ((Number) value()).longValue();
                    case "tables" -> {
                        expect('{');
                        while (peek() != '}') {
                            String table = string();
                            expect(':');
                            tables.put(table, rows());
                            if (peek() == ',') {
                                i++;
                            }
                        }
                        expect('}');
                    }
                    default -> throw new IllegalArgumentException("unexpected key " + key);
                }
                if (peek() == ',') {
                    i++;
                }
            }
            return new Dump(tables, file, pos);
        }

        private List<List<Object>> rows() {
            List<List<Object>> rows = new ArrayList<>();
            expect('[');
            while (peek() != ']') {
                List<Object> row = new ArrayList<>();
                expect('[');
                while (peek() != ']') {
                    row.add(value());
                    if (peek() == ',') {
                        i++;
                    }
                }
                expect(']');
                rows.add(row);
                if (peek() == ',') {
                    i++;
                }
            }
            expect(']');
            return rows;
        }

        private Object value() {
            if (peek() == '"') {
                return string();
            }
            int start = i;
            while (i < s.length() && "-0123456789".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            return Long.parseLong(s.substring(start, i));
        }

        private String nul() {
            i += 4;
            return null;
        }

        private String string() {
            expect('"');
            int start = i;
            while (s.charAt(i) != '"') {
                i++;
            }
            return s.substring(start, i++);
        }

        private char peek() {
            while (Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i + " in " + s);
            }
            i++;
        }
    }
}
