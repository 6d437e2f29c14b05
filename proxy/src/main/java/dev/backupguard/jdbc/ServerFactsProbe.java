package dev.backupguard.jdbc;

import dev.backupguard.classify.IsolationLevel;
import dev.backupguard.classify.TableName;
import dev.backupguard.protocol.ServerFacts;
import dev.backupguard.protocol.ServerVersion;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Learns the {@link ServerFacts} once per backup session, on the backup connection at a statement boundary (never on
 * an ordinary connection): three short queries, each marked with a comment so a DBA reading the general log knows
 * what they are.
 */
final class ServerFactsProbe {

    static final String MARK = BackupGuard.PROBE_MARK + " ";

    /** Engines with MVCC reads that a consistent snapshot covers; every other engine is read as of its SELECT. */
    private static final String TRANSACTIONAL_ENGINES = "'INNODB', 'XTRADB', 'ROCKSDB', 'TOKUDB', 'NDBCLUSTER', 'NDB'";

    private ServerFactsProbe() {
    }

    /** What the probe learned about the server and about this session (its sql_mode: how its text reads). */
    record Learned(ServerFacts facts, IsolationLevel isolation, String database, String sqlMode) {
    }

    static Learned probe(Connection raw, List<String> scope) throws SQLException {
        String version;
        String comment;
        boolean binlog;
        long serverId;
        long connectionId;
        String database;
        try (Statement st = raw.createStatement();
             ResultSet rs = st.executeQuery(MARK + "SELECT VERSION(), @@version_comment, @@log_bin, @@server_id, "
                     + "CONNECTION_ID(), DATABASE()")) {
            rs.next();
            version = rs.getString(1);
            comment = rs.getString(2);
            binlog = rs.getLong(3) != 0;
            serverId = rs.getLong(4);
            connectionId = rs.getLong(5);
            database = rs.getString(6);
        }
        ServerFacts.Flavor flavor = flavor(version, comment);
        boolean mariadb = flavor == ServerFacts.Flavor.MARIADB;
        IsolationLevel isolation;
        boolean gtid;
        String sqlMode;
        // MariaDB has no gtid_mode (GTIDs are always on; gtid_binlog_pos is empty until one is logged); MySQL 8.0
        // removed tx_isolation; MariaDB keeps tx_isolation as an alias.
        String query = mariadb ? "SELECT @@SESSION.tx_isolation, @@GLOBAL.gtid_binlog_pos, @@SESSION.sql_mode"
                : "SELECT @@SESSION.transaction_isolation, @@GLOBAL.gtid_mode, @@SESSION.sql_mode";
        try (Statement st = raw.createStatement(); ResultSet rs = st.executeQuery(MARK + query)) {
            rs.next();
            isolation = isolation(rs.getString(1));
            String g = rs.getString(2);
            gtid = mariadb ? g != null && !g.isEmpty() : "ON".equalsIgnoreCase(g);
            sqlMode = rs.getString(3);
        }
        // The tables in scope: the configured schemas, else the connection's database (a job that dumps one
        // database connects to it; MyISAM tables of other databases on the server must not force a global lock on
        // it), else every schema. A read in a schema not checked yet has its engines learned then (LearnEngines).
        List<String> schemas = !scope.isEmpty() ? scope : database != null ? List.of(database) : List.of();
        Set<TableName> nonTransactional = nonTransactional(raw, schemas);
        Set<String> checked = new HashSet<>();
        for (String s : schemas) {
            checked.add(s.toLowerCase(Locale.ROOT));
        }
        ServerFacts facts = new ServerFacts(flavor, ServerVersion.parse(version), binlog,
                flavor != ServerFacts.Flavor.MYSQL, gtid, serverId, connectionId, checked, schemas.isEmpty(),
                nonTransactional);
        return new Learned(facts, isolation, database, sqlMode);
    }

    /** The non-transactional tables of these schemas (every non-system schema when empty). */
    static Set<TableName> nonTransactional(Connection raw, List<String> schemas) throws SQLException {
        Set<TableName> out = new HashSet<>();
        StringBuilder sql = new StringBuilder(MARK).append("SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE FROM ")
                .append("information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND ENGINE IS NOT NULL AND ")
                .append("UPPER(ENGINE) NOT IN (").append(TRANSACTIONAL_ENGINES).append(") AND TABLE_SCHEMA NOT IN ")
                .append("('mysql', 'information_schema', 'performance_schema', 'sys')");
        if (!schemas.isEmpty()) {
            sql.append(" AND TABLE_SCHEMA IN (").append("?, ".repeat(schemas.size() - 1)).append("?)");
        }
        try (PreparedStatement ps = raw.prepareStatement(sql.toString())) {
            for (int i = 0; i < schemas.size(); i++) {
                ps.setString(i + 1, schemas.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TableName(rs.getString(1).toLowerCase(Locale.ROOT),
                            rs.getString(2).toLowerCase(Locale.ROOT)));
                }
            }
        }
        return out;
    }

    static ServerFacts.Flavor flavor(String version, String comment) {
        String v = version == null ? "" : version.toLowerCase(Locale.ROOT);
        String c = comment == null ? "" : comment.toLowerCase(Locale.ROOT);
        if (v.contains("mariadb") || c.contains("mariadb")) {
            return ServerFacts.Flavor.MARIADB;
        }
        // Percona Server reports Binlog_snapshot_file/position like MariaDB (5.6+).
        if (c.contains("percona")) {
            return ServerFacts.Flavor.PERCONA;
        }
        return ServerFacts.Flavor.MYSQL;
    }

    static IsolationLevel isolation(String value) {
        if (value == null) {
            return null;
        }
        try {
            return IsolationLevel.valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_'));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
