package dev.backupguard.protocol;

import java.sql.Types;
import java.util.List;

/** What an absorbed statement answers the job, in place of the server. */
public sealed interface Result {

    /** An update count (0 for statements such as UNLOCK TABLES or START TRANSACTION). */
    record UpdateCount(long count) implements Result {
    }

    /** A small result set, shaped like the server's own answer to the statement it replaces. */
    record Rows(List<Column> columns, List<List<Object>> rows) implements Result {
        public Rows {
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }
    }

    /** A column of {@link Rows}: label, {@link java.sql.Types} constant and the server's type name. */
    record Column(String label, int sqlType, String typeName) {
        public static Column varchar(String label) {
            return new Column(label, Types.VARCHAR, "VARCHAR");
        }

        public static Column bigint(String label) {
            return new Column(label, Types.BIGINT, "BIGINT UNSIGNED");
        }
    }

    UpdateCount OK = new UpdateCount(0);
}
