package dev.backupguard.harness.generallog;

import java.util.Locale;

/** The general-log inputs the reader understands. */
public enum LogFormat {
    /** The general log file ({@code log_output=FILE}), MariaDB or MySQL, with its header lines. */
    FILE("general log file"),
    /**
     * Tab-separated rows of {@code mysql.general_log}: {@code mariadb --batch -e "SELECT * FROM mysql.general_log"}
     * (a header row, backslash escapes, {@code NULL}) or {@code SELECT ... INTO OUTFILE} with the default field
     * options (no header, {@code \N}).
     */
    TSV("mysql.general_log tab-separated export"),
    /**
     * Comma-separated rows of {@code mysql.general_log}: the CSV engine's own data file {@code general_log.CSV} or
     * {@code INTO OUTFILE ... FIELDS TERMINATED BY ',' ENCLOSED BY '"'} (no header, backslash escapes), or an export
     * with a header row (RFC 4180: quotes doubled).
     */
    CSV("mysql.general_log comma-separated export"),
    /** Decide from the first line. */
    AUTO("auto-detected");

    private final String description;

    LogFormat(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    public static LogFormat parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
