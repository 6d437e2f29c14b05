/**
 * A real MariaDB 11.4 server for integration tests: {@link dev.backupguard.testserver.MariaDbServer} (the server,
 * its accounts, general-log and binlog helpers, the bundled {@code mariadb-dump}) and
 * {@link dev.backupguard.testserver.WithMariaDb} / {@link dev.backupguard.testserver.MariaDbExtension} (JUnit 5).
 */
package dev.backupguard.testserver;
