package dev.backupguard.protocol;

import dev.backupguard.classify.TableName;

import java.util.Locale;
import java.util.Set;

/**
 * What the server can do, learned once per backup session (never on ordinary connections). The protocol takes these
 * as input, so the MySQL paths are decided (and unit-tested) the same way as the MariaDB ones that run here.
 *
 * @param flavor                     MySQL, MariaDB or Percona Server
 * @param version                    the server version
 * @param binlogOn                   {@code @@log_bin}: without a binary log there are no coordinates to read
 * @param snapshotReportsCoordinates {@code SHOW STATUS LIKE 'binlog_snapshot_file'} answers inside a snapshot
 *                                   (MariaDB, Percona Server): coordinates without any global lock
 * @param gtidOn                     MySQL {@code @@gtid_mode=ON}; on MariaDB, a non-empty {@code @@gtid_binlog_pos}
 * @param serverId                   {@code @@server_id}
 * @param connectionId               {@code CONNECTION_ID()} of the backup connection (for the lock guard's KILL QUERY)
 * @param schemasChecked             the schemas whose table engines were checked; empty set with
 *                                   {@code allSchemasChecked} means every non-system schema
 * @param allSchemasChecked          every non-system schema was checked
 * @param nonTransactionalTables     tables in the checked schemas whose engine is not transactional (MyISAM, MEMORY,
 *                                   ARCHIVE, CSV, Aria, ...), schema-qualified
 */
public record ServerFacts(Flavor flavor, ServerVersion version, boolean binlogOn, boolean snapshotReportsCoordinates,
                          boolean gtidOn, long serverId, long connectionId, Set<String> schemasChecked,
                          boolean allSchemasChecked, Set<TableName> nonTransactionalTables) {

    /** The server families; they differ in facts the protocol takes as input. */
    public enum Flavor { MYSQL, MARIADB, PERCONA }

    public ServerFacts {
        schemasChecked = Set.copyOf(schemasChecked);
        nonTransactionalTables = Set.copyOf(nonTransactionalTables);
    }

    /**
     * The statement that reads the binlog position under the lock. MySQL 8.2 added SHOW BINARY LOG STATUS and 8.4
     * removed SHOW MASTER STATUS; MariaDB keeps SHOW MASTER STATUS (SHOW BINLOG STATUS since 10.5.2).
     */
    public String binlogStatusStatement() {
        if (flavor != Flavor.MARIADB && version.atLeast(8, 2, 0)) {
            return "SHOW BINARY LOG STATUS";
        }
        return "SHOW MASTER STATUS";
    }

    /**
     * MySQL's FTWRL waits for running SELECTs too; MariaDB's does not (it waits for running writes and for
     * transactions holding table locks), so a long SELECT stalls the server through FTWRL only on MySQL.
     */
    public boolean ftwrlWaitsForSelects() {
        return flavor != Flavor.MARIADB;
    }

    /** Whether the server offers a DDL-only backup lock: MySQL 8.0 LOCK INSTANCE FOR BACKUP, MariaDB 10.4.1+ BACKUP STAGE. */
    public boolean hasBackupLock() {
        return flavor == Flavor.MARIADB ? version.atLeast(10, 4, 1) : version.atLeast(8, 0, 0);
    }

    /** Whether the table is known to be non-transactional. */
    public boolean isNonTransactional(TableName qualified) {
        if (qualified == null || nonTransactionalTables.isEmpty()) {
            return false;
        }
        for (TableName t : nonTransactionalTables) {
            if (t.table().equalsIgnoreCase(qualified.table())
                    && (qualified.schema() == null || t.schema().equalsIgnoreCase(qualified.schema()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the engine check covered this schema. */
    public boolean checked(String schema) {
        return allSchemasChecked || (schema != null && schemasChecked.contains(schema.toLowerCase(Locale.ROOT)));
    }

    /** A server of the given flavor and version with binlog on and every table transactional: for tests and defaults. */
    public static ServerFacts of(Flavor flavor, String version) {
        return new ServerFacts(flavor, ServerVersion.parse(version), true, flavor != Flavor.MYSQL, false, 1, 0,
                Set.of(), true, Set.of());
    }

    public ServerFacts withBinlog(boolean on) {
        return new ServerFacts(flavor, version, on, snapshotReportsCoordinates, gtidOn, serverId, connectionId,
                schemasChecked, allSchemasChecked, nonTransactionalTables);
    }

    public ServerFacts withGtid(boolean on) {
        return new ServerFacts(flavor, version, binlogOn, snapshotReportsCoordinates, on, serverId, connectionId,
                schemasChecked, allSchemasChecked, nonTransactionalTables);
    }

    public ServerFacts withNonTransactional(Set<TableName> tables) {
        return new ServerFacts(flavor, version, binlogOn, snapshotReportsCoordinates, gtidOn, serverId, connectionId,
                schemasChecked, allSchemasChecked, tables);
    }

    /** These facts with the engines of one more schema checked. */
    public ServerFacts withSchemaChecked(String schema, Set<TableName> nonTransactionalThere) {
        Set<String> schemas = new java.util.HashSet<>(schemasChecked);
        schemas.add(schema.toLowerCase(Locale.ROOT));
        Set<TableName> tables = new java.util.HashSet<>(nonTransactionalTables);
        tables.addAll(nonTransactionalThere);
        return new ServerFacts(flavor, version, binlogOn, snapshotReportsCoordinates, gtidOn, serverId, connectionId,
                schemas, allSchemasChecked, tables);
    }

    public ServerFacts withConnectionId(long id) {
        return new ServerFacts(flavor, version, binlogOn, snapshotReportsCoordinates, gtidOn, serverId, id,
                schemasChecked, allSchemasChecked, nonTransactionalTables);
    }
}
