package dev.backupguard.jdbc;

import dev.backupguard.testserver.GeneralLogEntry;
import dev.backupguard.testserver.MariaDbServer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What one connection sent, read from {@code mysql.general_log} and filtered to the statements that matter for the
 * protocol. How the filter works (docs/server-facts.md, fact 7):
 * <ul>
 *   <li>the connect-time chatter of each driver (Connector/J's {@code SELECT @@session.auto_increment_increment ...},
 *       {@code SET character_set_results}, {@code SET autocommit=1}; MariaDB Connector/J's {@code set sql_mode=...})
 *       is cut off by position: {@link #mark} counts the thread's rows right after the connection opened, and only
 *       later rows are read;</li>
 *   <li>only {@code Query} rows are kept ({@code Connect}, {@code Quit} are not statements);</li>
 *   <li>backup-guard's own server-facts probe queries start with {@code /* backup-guard probe *}{@code /} and the lock
 *       guard's lock_wait_timeout statements with {@code /* backup-guard lock guard *}{@code /}: both are dropped, as is Connector/J's {@code SELECT @@session.transaction_read_only} before a non-SELECT
 *       {@code execute()} and the {@code SET net_write_timeout=600} / {@code =60} it sends around every streaming
 *       query (its {@code netTimeoutForStreamingResults}, found by these tests);</li>
 *   <li>the GTID translation {@code SELECT BINLOG_GTID_POS('binlog.000001', 123)} carries the values of the moment;
 *       it is normalised to {@code SELECT BINLOG_GTID_POS(file, pos)} (the values are checked against the
 *       captured coordinates separately).</li>
 * </ul>
 */
final class ServerLog {

    static final String PROBE_MARK = "/* backup-guard probe */";

    private final MariaDbServer server;
    private final long threadId;
    private final int skip;

    private ServerLog(MariaDbServer server, long threadId, int skip) {
        this.server = server;
        this.threadId = threadId;
        this.skip = skip;
    }

    /** Marks the current end of {@code connection}'s log: {@link #statements()} returns only what follows. */
    static ServerLog mark(MariaDbServer server, Connection connection) throws SQLException {
        long id = MariaDbServer.threadId(connection);
        return new ServerLog(server, id, server.generalLog(id).size());
    }

    long threadId() {
        return threadId;
    }

    /** The statements that reached the server since the mark, filtered as the class comment says. */
    List<String> statements() {
        List<GeneralLogEntry> all = server.generalLog(threadId);
        return all.subList(Math.min(skip, all.size()), all.size()).stream()
                .filter(GeneralLogEntry::isQuery)
                .map(GeneralLogEntry::argument)
                .filter(ServerLog::isProtocolStatement)
                .map(ServerLog::normalise)
                .toList();
    }

    /** Also the probes: to prove they ran on this connection and nowhere else. */
    List<String> probes() {
        return server.generalLog(threadId).stream().filter(GeneralLogEntry::isQuery).map(GeneralLogEntry::argument)
                .filter(a -> a.startsWith(PROBE_MARK)).toList();
    }

    static boolean isProtocolStatement(String sql) {
        return !sql.startsWith(PROBE_MARK) && !sql.startsWith(BackupGuard.LOCK_GUARD_MARK)
                && !sql.equalsIgnoreCase("SELECT @@session.transaction_read_only")
                && !sql.startsWith("SET net_write_timeout=");
    }

    static String normalise(String sql) {
        return sql.startsWith("SELECT BINLOG_GTID_POS(") ? "SELECT BINLOG_GTID_POS(file, pos)" : sql;
    }
}
