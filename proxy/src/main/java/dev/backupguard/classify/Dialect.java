package dev.backupguard.classify;

import java.util.Locale;

/**
 * How the connected server reads SQL text, as far as it changes where statements, strings and executable comments
 * begin and end: the two sql_mode flags that change lexing, and the server version that decides which versioned
 * comments are SQL. Each part may be unknown; the lexer then reads the text the way the default sql_mode and an
 * up-to-date server would, and notes where the unknown part mattered ({@link SessionText} reads it again the other way).
 *
 * <ul>
 *   <li>{@code NO_BACKSLASH_ESCAPES}: a backslash is an ordinary character inside strings (MySQL 8.4 manual, "Server
 *       SQL Modes"; docs/server-facts.md, fact 10).</li>
 *   <li>{@code ANSI_QUOTES}: {@code "} delimits identifiers, which have no backslash escapes, not strings. The
 *       combination modes ANSI, ORACLE, DB2, MSSQL, POSTGRESQL and MAXDB include it (MariaDB 11.4 expands them so).</li>
 *   <li>The version: {@code /*!NNNNN} and MariaDB's {@code /*M!NNNNNN} comments above it are skipped, with MariaDB's
 *       and MySQL's own rules (fact 10; {@link Lexer}).</li>
 * </ul>
 *
 * @param version     the server version as MySQL writes it in comments, {@code major * 10000 + minor * 100 + patch}
 *                    (11.4.5 is 110405), or 0 when unknown
 * @param mariadb     whether the server is MariaDB (meaningful only with a known version)
 * @param sqlModes    the lexing flags set ({@link #NO_BACKSLASH_ESCAPES}, {@link #ANSI_QUOTES})
 * @param unknownModes the lexing flags whose state is not known
 */
public record Dialect(int version, boolean mariadb, int sqlModes, int unknownModes) {

    /** sql_mode NO_BACKSLASH_ESCAPES. */
    public static final int NO_BACKSLASH_ESCAPES = 1;
    /** sql_mode ANSI_QUOTES (also implied by the ANSI, ORACLE, DB2, MSSQL, POSTGRESQL and MAXDB combination modes). */
    public static final int ANSI_QUOTES = 1 << 1;
    private static final int ALL_MODES = NO_BACKSLASH_ESCAPES | ANSI_QUOTES;

    /** Nothing known: the stateless classifier's reading (default sql_mode, every executable comment is SQL). */
    public static final Dialect UNKNOWN = new Dialect(0, false, 0, ALL_MODES);

    public Dialect {
        sqlModes &= ALL_MODES & ~unknownModes;
        unknownModes &= ALL_MODES;
    }

    /**
     * The dialect of a server from its version string ({@code SELECT VERSION()}, or the handshake's, which both
     * Connector/Js hand out as {@code DatabaseMetaData.getDatabaseProductVersion()}: {@code 11.4.5-MariaDB-log},
     * {@code 8.4.3}); the sql_mode is unknown. An unreadable version gives {@link #UNKNOWN}.
     */
    public static Dialect ofServer(String versionText) {
        if (versionText == null) {
            return UNKNOWN;
        }
        String s = versionText.startsWith("5.5.5-") ? versionText.substring(6) : versionText;
        int[] parts = new int[3];
        int part = 0;
        int digits = 0;
        for (int i = 0; i < s.length() && part < 3; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9' && parts[part] < 100) {
                parts[part] = parts[part] * 10 + (c - '0');
                digits++;
            } else if (c == '.' && digits > 0) {
                part++;
                digits = 0;
            } else {
                break;
            }
        }
        int version = parts[0] * 10000 + parts[1] * 100 + parts[2];
        if (version <= 0 || parts[1] > 99 || parts[2] > 99) {
            return UNKNOWN;
        }
        return new Dialect(version, versionText.toLowerCase(Locale.ROOT).contains("mariadb"), 0, ALL_MODES);
    }

    /** Whether a versioned comment is judged against a known version. */
    public boolean versionKnown() {
        return version > 0;
    }

    public boolean noBackslashEscapes() {
        return (sqlModes & NO_BACKSLASH_ESCAPES) != 0;
    }

    public boolean ansiQuotes() {
        return (sqlModes & ANSI_QUOTES) != 0;
    }

    /** Both lexing flags are known. */
    public boolean sqlModeKnown() {
        return unknownModes == 0;
    }

    /**
     * This dialect with the session's sql_mode set to {@code value} as the server reports or accepts it: a
     * comma-separated list of mode names, any case ({@code SELECT @@SESSION.sql_mode},
     * {@code SET sql_mode = 'ANSI_QUOTES,STRICT_TRANS_TABLES'}). Null leaves both flags unknown.
     */
    public Dialect withSqlMode(String value) {
        if (value == null) {
            return withUnknownSqlMode();
        }
        int modes = 0;
        int from = 0;
        while (from <= value.length()) {
            int comma = value.indexOf(',', from);
            int to = comma < 0 ? value.length() : comma;
            modes |= modeOf(value.substring(from, to).trim().toUpperCase(Locale.ROOT));
            from = to + 1;
        }
        return new Dialect(version, mariadb, modes, 0);
    }

    /** This dialect with the sql_mode no longer known (set to an expression, DEFAULT, or by a statement not seen). */
    public Dialect withUnknownSqlMode() {
        return unknownModes == ALL_MODES ? this : new Dialect(version, mariadb, 0, ALL_MODES);
    }

    /** This dialect with the given flags set and known, the others as they were. */
    Dialect withModes(int set, int known) {
        return new Dialect(version, mariadb, (sqlModes & ~known) | (set & known), unknownModes & ~known);
    }

    /** This dialect with every versioned comment skipped (the other reading of text under an unknown version). */
    Dialect skippingVersionedComments() {
        return new Dialect(1, mariadb, sqlModes, unknownModes);
    }

    private static int modeOf(String name) {
        return switch (name) {
            case "NO_BACKSLASH_ESCAPES" -> NO_BACKSLASH_ESCAPES;
            case "ANSI_QUOTES", "ANSI", "ORACLE", "DB2", "MSSQL", "POSTGRESQL", "MAXDB" -> ANSI_QUOTES;
            default -> 0;
        };
    }
}
