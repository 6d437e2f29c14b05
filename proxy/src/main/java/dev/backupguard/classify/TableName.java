package dev.backupguard.classify;

/**
 * A table as named in a statement: quotes removed, case kept as written.
 *
 * @param schema the qualifying database, or {@code null} when the statement did not name one
 * @param table  the table name
 */
public record TableName(String schema, String table) {

    public TableName {
        if (table == null || table.isEmpty()) {
            throw new IllegalArgumentException("table name is empty");
        }
    }

    public static TableName of(String table) {
        return new TableName(null, table);
    }

    /** {@code schema.table} or {@code table}, unquoted: for messages and telemetry. */
    @Override
    public String toString() {
        return schema == null ? table : schema + '.' + table;
    }

    /** This name resolved against a default database (the connection's current one); unchanged when already qualified or {@code defaultSchema} is null. */
    public TableName qualify(String defaultSchema) {
        return schema != null || defaultSchema == null ? this : new TableName(defaultSchema, table);
    }
}
