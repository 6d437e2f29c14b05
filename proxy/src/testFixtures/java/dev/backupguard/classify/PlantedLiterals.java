package dev.backupguard.classify;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * Statements with a marker planted in a literal, one for each way SQL text can hide a literal from a lexer that reads
 * it differently from the server: quotes inside comments, version comments, escapes, sql_mode, encodings. Each is a
 * query of table {@code data} whose result holds the marker (in some column of its first row), so an integration test
 * can prove on the real server that the marker is a literal there, under the case's {@code sql_mode}.
 *
 * <p>The unit tests redact the text; the integration test ({@code PlantedSecretsIT} in the harness) sends it through
 * the guard and greps every sink for the marker.
 *
 * @param name     what the case is about
 * @param sqlMode  the session's sql_mode the statement is written for ({@code ""}: the server's default)
 * @param template the statement, given the marker
 * @param numeric  the marker is a number (digits), not text
 */
public record PlantedLiterals(String name, String sqlMode, Function<String, String> template, boolean numeric) {

    public static final List<PlantedLiterals> CASES = List.of(
            text("a plain string", m -> "SELECT '" + m + "' FROM data"),
            text("a quote inside a block comment", m -> "SELECT /* don't */ '" + m + "' FROM data"),
            text("a quote inside a -- comment", m -> "SELECT -- don't\n'" + m + "' FROM data"),
            text("a quote inside a # comment", m -> "SELECT # don't\n'" + m + "' FROM data"),
            text("a double quote inside a block comment", m -> "SELECT /* say \"hi */ '" + m + "' FROM data"),
            text("a backtick inside a block comment", m -> "SELECT /* ` */ '" + m + "' FROM data"),
            text("a -- comment opened by a DEL character", m -> "SELECT 1 --\u007F don't\n, '" + m + "' FROM data"),
            text("a double-quoted string", m -> "SELECT \"" + m + "\" FROM data"),
            text("a doubled quote", m -> "SELECT 'it''s " + m + "' FROM data"),
            text("a backslash-escaped quote", m -> "SELECT 'it\\'s " + m + "' FROM data"),
            new PlantedLiterals("a backslash ending a string under NO_BACKSLASH_ESCAPES", "NO_BACKSLASH_ESCAPES",
                    m -> "SELECT CONCAT('C:\\', '" + m + "') FROM data", false),
            new PlantedLiterals("a backslash ending a double-quoted name under ANSI_QUOTES", "ANSI_QUOTES",
                    m -> "SELECT 1 AS \"x\\\", '" + m + "' FROM data", false),
            text("a hex literal", m -> "SELECT X'" + hex(m) + "' FROM data"),
            text("a 0x literal", m -> "SELECT 0x" + hex(m) + " FROM data"),
            text("a bit literal", m -> "SELECT b'" + bits(m) + "' FROM data"),
            text("a character set introducer", m -> "SELECT _utf8mb4'" + m + "' FROM data"),
            text("a national string", m -> "SELECT N'" + m + "' FROM data"),
            new PlantedLiterals("a number", "", m -> "SELECT " + m + " FROM data", true),
            text("a string inside an executed version comment", m -> "SELECT /*!40101 '" + m + "', */ 1 FROM data"),
            text("a quote inside a version comment the server skips",
                    m -> "SELECT /*!999999 don't */ '" + m + "' FROM data"),
            text("a quote inside a MariaDB version comment the server skips",
                    m -> "SELECT /*M!999999 don't */ '" + m + "' FROM data"),
            text("a comment opener inside a string of a version comment the server skips",
                    m -> "SELECT /*!99999 '/*' */ don't */ '" + m + "' FROM data"),
            text("a comment closer inside a string of an executed version comment",
                    m -> "SELECT /*!40101 '*/', */ '" + m + "' FROM data"),
            text("a second statement", m -> "SELECT 1 FROM data; SELECT '" + m + "' FROM data"));

    static PlantedLiterals text(String name, Function<String, String> template) {
        return new PlantedLiterals(name, "", template, false);
    }

    /** The statement with {@code marker} planted. */
    public String sql(String marker) {
        return template.apply(marker);
    }

    /** Every form of the marker that must not be shown: the marker, and its hex and bit spellings. */
    public List<String> forms(String marker) {
        return numeric ? List.of(marker) : List.of(marker, hex(marker), bits(marker));
    }

    /** A marker for this case, unique with {@code salt}: digits for a number, letters and digits otherwise. */
    public String marker(int index, long salt) {
        String digits = Long.toString(Math.abs(salt % 1_000_000_000_000L) + 1_000_000_000_000L);
        return numeric ? "9" + index + digits : "pl4nted" + index + "x" + digits;
    }

    static String hex(String s) {
        return HexFormat.of().withUpperCase().formatHex(s.getBytes(StandardCharsets.UTF_8));
    }

    static String bits(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            String one = Integer.toBinaryString(x & 0xFF);
            b.append("0".repeat(8 - one.length())).append(one);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return name;
    }
}
