package dev.backupguard.harness.generallog;

/**
 * The header the server writes at the top of its general log file (and again whenever it reopens it):
 * {@code /usr/sbin/mariadbd, Version: 11.4.5-MariaDB-log (MariaDB Server). started with:}.
 *
 * @param program the server program
 * @param version the server version, e.g. {@code 11.4.5-MariaDB-log}
 * @param comment the version comment, e.g. {@code MariaDB Server}
 */
public record LogHeader(String program, String version, String comment) {
}
