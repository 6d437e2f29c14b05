package dev.backupguard.harness;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.IsolationLevel;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.Statement;
import dev.backupguard.classify.TableName;
import dev.backupguard.protocol.ImplicitCommit;
import dev.backupguard.protocol.ServerFacts;

import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetMetaDataImpl;
import javax.sql.rowset.RowSetProvider;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One connection's session on the {@link FakeServer}: its state (autocommit, isolation, database, transaction and
 * snapshot) and the answers to its statements. Result sets are {@link CachedRowSet}s, the JDK's in-memory result
 * sets, so every getter and conversion works as on a driver's.
 */
final class FakeSession {

    /** What a statement returned: rows, or an update count. */
    record Outcome(ResultSet rows, long updateCount) {
    }

    private static final Set<String> MODIFIERS = Set.of("SQL_NO_CACHE", "SQL_CACHE", "DISTINCT", "ALL",
            "HIGH_PRIORITY", "STRAIGHT_JOIN", "SQL_SMALL_RESULT", "SQL_BIG_RESULT", "SQL_BUFFER_RESULT",
            "SQL_CALC_FOUND_ROWS", "DISTINCTROW");
    private static final Pattern SCHEMA_FILTER = Pattern.compile("table_schema\\s*=\\s*'([^']*)'", Pattern.CASE_INSENSITIVE);
    private static final Pattern TABLE_FILTER = Pattern.compile("table_name\\s*=\\s*'([^']*)'", Pattern.CASE_INSENSITIVE);

    private final FakeServer server;
    private final long id;
    private String database;
    private boolean autoCommit = true;
    private IsolationLevel isolation = IsolationLevel.REPEATABLE_READ;
    private IsolationLevel nextIsolation;
    private boolean inTransaction;
    private String snapshotFile;
    private long snapshotPosition;
    private boolean readOnly;
    private boolean closed;

    FakeSession(FakeServer server, long id, String database) {
        this.server = server;
        this.id = id;
        this.database = database;
    }

    FakeServer server() {
        return server;
    }

    long id() {
        return id;
    }

    String database() {
        return database;
    }

    boolean autoCommit() {
        return autoCommit;
    }

    IsolationLevel isolation() {
        return isolation;
    }

    boolean readOnly() {
        return readOnly;
    }

    boolean closed() {
        return closed;
    }

    void close() {
        closed = true;
        endTransaction();
    }

    void check() throws SQLException {
        if (closed) {
            throw new SQLException("connection is closed", "08003");
        }
    }

    // ------------------------------------------------------------------------------------------------ JDBC calls

    void setAutoCommit(boolean on) throws SQLException {
        execute(on ? "SET autocommit=1" : "SET autocommit=0");
    }

    void setIsolation(IsolationLevel level) throws SQLException {
        execute("SET SESSION TRANSACTION ISOLATION LEVEL " + level.sql());
    }

    void setDatabase(String db) throws SQLException {
        execute("USE `" + db.replace("`", "``") + "`");
    }

    void setReadOnly(boolean on) {
        readOnly = on;
    }

    // ------------------------------------------------------------------------------------------------ statements

    Outcome execute(String sql) throws SQLException {
        check();
        FakeServer.Answer scripted = server.answerFor(sql);
        if (scripted != null) {
            if (scripted.errorCode() != 0) {
                throw new SQLException(scripted.message(), "HY000", scripted.errorCode());
            }
            return new Outcome(rows(scripted.columns(), scripted.rows()), -1);
        }
        Outcome last = new Outcome(null, 0);
        Outcome firstRows = null;
        for (Statement st : Classifier.classifyAll(sql)) {
            last = one(st);
            if (firstRows == null && last.rows() != null) {
                firstRows = last;
            }
        }
        return firstRows != null ? firstRows : last;
    }

    private Outcome one(Statement st) throws SQLException {
        switch (st.kind()) {
            case SELECT:
                return new Outcome(select(st), -1);
            case SHOW_BINLOG_STATUS:
                return new Outcome(binlogStatus(st), -1);
            case SHOW_STATUS:
                return new Outcome(st.isSnapshotStatusRead() ? snapshotStatus()
                        : rows(FakeServer.columns("Variable_name, Value"), List.of()), -1);
            case SHOW_CREATE_TABLE:
                return new Outcome(showCreateTable(st), -1);
            case SHOW_CREATE_DATABASE: {
                String db = st.name() == null ? database : st.name();
                return new Outcome(rows(FakeServer.columns("Database, `Create Database`"), List.<Object[]>of(
                        new Object[]{db, "CREATE DATABASE `" + db + "` /*!40100 DEFAULT CHARACTER SET utf8mb4 */"})), -1);
            }
            case SHOW_TABLES:
                return new Outcome(showTables(st), -1);
            case SHOW_TABLE_STATUS:
                return new Outcome(showTableStatus(st), -1);
            case SHOW_COLUMNS:
                return new Outcome(showColumns(st), -1);
            case SHOW_REPLICA_STATUS:
                return new Outcome(rows(FakeServer.columns("Slave_IO_State, Master_Host"), List.of()), -1);
            case SHOW_OTHER:
                return new Outcome(showOther(st), -1);
            case SET_AUTOCOMMIT:
                if (st.isAutocommitOn() && !autoCommit) {
                    endTransaction();
                }
                autoCommit = st.isAutocommitOn();
                return new Outcome(null, 0);
            case SET_TRANSACTION_ISOLATION:
                if (st.isolation() != null && !st.isGlobal()) {
                    if (st.has(Statement.F_NEXT_TRANSACTION)) {
                        if (inTransaction) {
                            throw new SQLException("Transaction characteristics can't be changed while a transaction "
                                    + "is in progress", "25001", 1568);
                        }
                        nextIsolation = st.isolation();
                    } else {
                        isolation = st.isolation();
                    }
                }
                return new Outcome(null, 0);
            case START_TRANSACTION:
            case BEGIN: {
                endTransaction();
                inTransaction = true;
                IsolationLevel level = nextIsolation != null ? nextIsolation : isolation;
                nextIsolation = null;
                if (st.isConsistentSnapshot() && level == IsolationLevel.REPEATABLE_READ) {
                    snapshotFile = server.binlogFile();
                    snapshotPosition = server.binlogPosition();
                }
                return new Outcome(null, 0);
            }
            case COMMIT:
            case ROLLBACK:
                endTransaction();
                return new Outcome(null, 0);
            case USE:
                if (!server.hasDatabase(st.name())) {
                    throw new SQLSyntaxErrorException("Unknown database '" + st.name() + "'", "42000", 1049);
                }
                database = st.name();
                return new Outcome(null, 0);
            case FLUSH_LOGS:
                endTransaction();
                server.rotate();
                return new Outcome(null, 0);
            case DML:
                if (autoCommit && !inTransaction) {
                    server.logged(100);
                } else {
                    inTransaction = true;
                }
                return new Outcome(null, 1);
            default:
                if (ImplicitCommit.commits(st, server.facts(), false, autoCommit)) {
                    endTransaction(); // DDL, LOCK TABLES, FLUSH, GRANT, ... (docs/server-facts.md, facts 3 and 12)
                }
                return new Outcome(null, 0);
        }
    }

    private void endTransaction() {
        inTransaction = false;
        snapshotFile = null;
    }

    // ------------------------------------------------------------------------------------------------ answers

    private ResultSet binlogStatus(Statement st) throws SQLException {
        boolean mariadb = server.flavor() == ServerFacts.Flavor.MARIADB;
        String sql = st.sql().toUpperCase(Locale.ROOT);
        // MariaDB 11.4 has no SHOW BINARY LOG STATUS (docs/server-facts.md, fact 1); MySQL 8.4 removed SHOW MASTER STATUS.
        if (mariadb && sql.contains("BINARY")) {
            throw syntaxError("SHOW BINARY LOG STATUS");
        }
        if (!mariadb && sql.contains("MASTER") && versionAtLeast(8, 4)) {
            throw syntaxError("SHOW MASTER STATUS");
        }
        List<FakeServer.Column> cols = new ArrayList<>(FakeServer.columns(
                "File VARCHAR, Position BIGINT, Binlog_Do_DB VARCHAR, Binlog_Ignore_DB VARCHAR"));
        if (!mariadb) {
            cols.addAll(FakeServer.columns("Executed_Gtid_Set VARCHAR"));
        }
        if (!server.binlogOn()) {
            return rows(cols, List.of());
        }
        Object[] row = mariadb ? new Object[]{server.binlogFile(), server.binlogPosition(), "", ""}
                : new Object[]{server.binlogFile(), server.binlogPosition(), "", "", server.gtid()};
        return rows(cols, List.<Object[]>of(row));
    }

    /** MariaDB and Percona report the snapshot's own binlog position inside a WITH CONSISTENT SNAPSHOT transaction. */
    private ResultSet snapshotStatus() throws SQLException {
        List<FakeServer.Column> cols = FakeServer.columns("Variable_name, Value");
        if (server.flavor() == ServerFacts.Flavor.MYSQL || !server.binlogOn()) {
            return rows(cols, List.of());
        }
        String file = snapshotFile != null ? snapshotFile : server.binlogFile();
        long pos = snapshotFile != null ? snapshotPosition : server.binlogPosition();
        return rows(cols, List.of(new Object[]{"Binlog_snapshot_file", file},
                new Object[]{"Binlog_snapshot_position", Long.toString(pos)}));
    }

    private ResultSet showCreateTable(Statement st) throws SQLException {
        FakeServer.Table t = table(st.target());
        StringBuilder ddl = new StringBuilder("CREATE TABLE `").append(t.name()).append("` (\n");
        for (int i = 0; i < t.columns().size(); i++) {
            FakeServer.Column c = t.columns().get(i);
            ddl.append("  `").append(c.name()).append("` ").append(c.typeName().toLowerCase(Locale.ROOT))
                    .append(i + 1 < t.columns().size() ? ",\n" : "\n");
        }
        ddl.append(") ENGINE=").append(t.engine()).append(" DEFAULT CHARSET=utf8mb4");
        return rows(FakeServer.columns("Table, `Create Table`"), List.<Object[]>of(new Object[]{t.name(), ddl.toString()}));
    }

    private ResultSet showTables(Statement st) throws SQLException {
        String db = st.name() != null ? st.name() : database;
        boolean full = st.sql().toUpperCase(Locale.ROOT).contains("FULL");
        List<Object[]> out = new ArrayList<>();
        for (FakeServer.Table t : server.tables(db)) {
            out.add(full ? new Object[]{t.name(), "BASE TABLE"} : new Object[]{t.name()});
        }
        return rows(FakeServer.columns("`Tables_in_" + db + "`" + (full ? ", Table_type" : "")), out);
    }

    private ResultSet showTableStatus(Statement st) throws SQLException {
        String db = st.name() != null ? st.name() : database;
        List<Object[]> out = new ArrayList<>();
        for (FakeServer.Table t : server.tables(db)) {
            out.add(new Object[]{t.name(), t.engine(), (long) t.rows().size()});
        }
        return rows(FakeServer.columns("Name, Engine, Rows BIGINT"), out);
    }

    private ResultSet showColumns(Statement st) throws SQLException {
        FakeServer.Table t = table(st.target());
        List<Object[]> out = new ArrayList<>();
        for (FakeServer.Column c : t.columns()) {
            out.add(new Object[]{c.name(), c.typeName().toLowerCase(Locale.ROOT), "YES", "", null, ""});
        }
        return rows(FakeServer.columns("Field, Type, `Null`, `Key`, `Default`, Extra"), out);
    }

    private ResultSet showOther(Statement st) throws SQLException {
        String sql = st.sql().toUpperCase(Locale.ROOT);
        if (sql.contains("DATABASES") || sql.contains("SCHEMAS")) {
            List<Object[]> out = new ArrayList<>();
            server.tables(null).stream().map(FakeServer.Table::schema).distinct().forEach(s -> out.add(new Object[]{s}));
            return rows(FakeServer.columns("Database"), out);
        }
        if (sql.contains("VARIABLES")) {
            Matcher m = Pattern.compile("LIKE\\s+'([^']*)'", Pattern.CASE_INSENSITIVE).matcher(st.sql());
            List<Object[]> out = new ArrayList<>();
            if (m.find() && !m.group(1).contains("%")) {
                Object v = variable(m.group(1));
                if (v != null && v != UNKNOWN) {
                    out.add(new Object[]{m.group(1), String.valueOf(v)});
                }
            }
            return rows(FakeServer.columns("Variable_name, Value"), out);
        }
        if (sql.contains("WARNINGS") || sql.contains("ERRORS")) {
            return rows(FakeServer.columns("Level, Code INT, Message"), List.of());
        }
        return rows(FakeServer.columns("Value"), List.of());
    }

    private FakeServer.Table table(TableName name) throws SQLException {
        String schema = name.schema() != null ? name.schema() : database;
        FakeServer.Table t = server.lookup(schema, name.table());
        if (t == null) {
            throw new SQLException("Table '" + schema + "." + name.table() + "' doesn't exist", "42S02", 1146);
        }
        return t;
    }

    // ------------------------------------------------------------------------------------------------ SELECT

    private ResultSet select(Statement st) throws SQLException {
        String text = executableText(st.sql());
        String lower = text.toLowerCase(Locale.ROOT);
        int from = topLevel(text, "from");
        List<String> items = selectList(text, from);
        if (lower.contains("information_schema.")) {
            return informationSchema(lower, items);
        }
        if (st.target() != null) {
            return tableRows(table(st.target()), items);
        }
        if (from >= 0) {
            throw new SQLException("FakeServer cannot answer a query over several tables; script its rows with "
                    + "answer(sql, columns, rows...): " + st.sql(), "HY000", 1105);
        }
        List<FakeServer.Column> cols = new ArrayList<>();
        Object[] row = new Object[items.size()];
        for (int i = 0; i < items.size(); i++) {
            String[] item = alias(items.get(i));
            Object v = evaluate(item[0]);
            row[i] = v;
            cols.add(new FakeServer.Column(item[1], v instanceof Number ? "BIGINT" : "VARCHAR",
                    v instanceof Number ? Types.BIGINT : Types.VARCHAR));
        }
        return rows(cols, List.<Object[]>of(row));
    }

    private ResultSet tableRows(FakeServer.Table t, List<String> items) throws SQLException {
        List<FakeServer.Column> cols = new ArrayList<>();
        List<Integer> index = new ArrayList<>();
        boolean count = false;
        for (String raw : items) {
            String[] item = alias(raw);
            String e = item[0].replace("`", "").trim();
            String upper = e.toUpperCase(Locale.ROOT).replace(" ", "");
            if (e.equals("*") || e.endsWith(".*")) {
                for (int i = 0; i < t.columns().size(); i++) {
                    cols.add(t.columns().get(i));
                    index.add(i);
                }
            } else if (upper.startsWith("COUNT(")) {
                count = true;
                cols.add(new FakeServer.Column(item[1], "BIGINT", Types.BIGINT));
                index.add(-1);
            } else {
                String name = e.contains(".") ? e.substring(e.lastIndexOf('.') + 1) : e;
                int found = -1;
                for (int i = 0; i < t.columns().size(); i++) {
                    if (t.columns().get(i).name().equalsIgnoreCase(name)) {
                        found = i;
                    }
                }
                if (found < 0) {
                    throw new SQLSyntaxErrorException("Unknown column '" + name + "' in 'field list'", "42S22", 1054);
                }
                FakeServer.Column c = t.columns().get(found);
                cols.add(new FakeServer.Column(item[1].replace("`", ""), c.typeName(), c.sqlType()));
                index.add(found);
            }
        }
        List<Object[]> out = new ArrayList<>();
        if (count) {
            Object[] r = new Object[cols.size()];
            for (int i = 0; i < cols.size(); i++) {
                r[i] = index.get(i) < 0 ? (long) t.rows().size()
                        : t.rows().isEmpty() ? null : t.rows().get(0)[index.get(i)];
            }
            out.add(r);
        } else {
            for (Object[] source : t.rows()) {
                Object[] r = new Object[cols.size()];
                for (int i = 0; i < cols.size(); i++) {
                    r[i] = source[index.get(i)];
                }
                out.add(r);
            }
        }
        return rows(cols, out);
    }

    /**
     * information_schema.TABLES from the declared tables; other information_schema tables are empty. The guard's
     * probe asks for the non-transactional tables ({@code ENGINE ... NOT IN (...)}).
     */
    private ResultSet informationSchema(String lower, List<String> items) throws SQLException {
        List<Map<String, Object>> source = new ArrayList<>();
        if (lower.contains("information_schema.tables")) {
            boolean onlyNonTransactional = lower.contains("engine") && lower.contains("not in");
            Matcher schema = SCHEMA_FILTER.matcher(lower);
            Matcher table = TABLE_FILTER.matcher(lower);
            String wantedSchema = schema.find() ? schema.group(1) : lower.contains("table_schema = database()")
                    || lower.contains("table_schema=database()") ? String.valueOf(database) : null;
            String wantedTable = table.find() ? table.group(1) : null;
            for (FakeServer.Table t : server.tables(null)) {
                if ((onlyNonTransactional && t.transactional())
                        || (wantedSchema != null && !t.schema().equalsIgnoreCase(wantedSchema))
                        || (wantedTable != null && !t.name().equalsIgnoreCase(wantedTable))) {
                    continue;
                }
                Map<String, Object> r = new HashMap<>();
                r.put("table_schema", t.schema());
                r.put("table_name", t.name());
                r.put("table_type", "BASE TABLE");
                r.put("engine", t.engine());
                r.put("table_rows", (long) t.rows().size());
                source.add(r);
            }
        }
        List<FakeServer.Column> cols = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (String raw : items) {
            String[] item = alias(raw);
            String key = item[0].replace("`", "").trim().toLowerCase(Locale.ROOT);
            key = key.contains(".") ? key.substring(key.lastIndexOf('.') + 1) : key;
            keys.add(key);
            cols.add(new FakeServer.Column(item[1], key.equals("table_rows") ? "BIGINT" : "VARCHAR",
                    key.equals("table_rows") ? Types.BIGINT : Types.VARCHAR));
        }
        List<Object[]> out = new ArrayList<>();
        for (Map<String, Object> r : source) {
            Object[] row = new Object[keys.size()];
            for (int i = 0; i < keys.size(); i++) {
                row[i] = r.get(keys.get(i));
            }
            out.add(row);
        }
        return rows(cols, out);
    }

    /** The value of a select-list expression without FROM: literals, functions and variables backup code reads. */
    private Object evaluate(String expression) throws SQLException {
        String e = expression.trim();
        String upper = e.toUpperCase(Locale.ROOT);
        if (e.startsWith("'") && e.endsWith("'") && e.length() >= 2) {
            return e.substring(1, e.length() - 1).replace("''", "'");
        }
        if (e.matches("-?\\d+")) {
            return Long.parseLong(e);
        }
        if (e.matches("-?\\d+\\.\\d+")) {
            return new BigDecimal(e);
        }
        if (upper.equals("NULL")) {
            return null;
        }
        if (upper.startsWith("@@")) {
            String name = e.substring(2);
            for (String scope : new String[]{"GLOBAL.", "SESSION.", "LOCAL."}) {
                if (name.toUpperCase(Locale.ROOT).startsWith(scope)) {
                    name = name.substring(scope.length());
                }
            }
            Object v = variable(name);
            if (v == UNKNOWN) {
                throw new SQLException("Unknown system variable '" + name + "'", "HY000", 1193);
            }
            return v;
        }
        String fn = upper.replace(" ", "");
        if (fn.equals("VERSION()")) {
            return server.version();
        }
        if (fn.equals("DATABASE()") || fn.equals("SCHEMA()")) {
            return database;
        }
        if (fn.equals("CONNECTION_ID()")) {
            return id;
        }
        if (fn.equals("USER()") || fn.equals("CURRENT_USER()") || fn.equals("CURRENT_USER")) {
            return "fake@localhost";
        }
        if (fn.startsWith("BINLOG_GTID_POS(")) {
            return server.gtid();
        }
        if (fn.equals("NOW()") || fn.equals("CURRENT_TIMESTAMP()") || fn.equals("CURRENT_TIMESTAMP")) {
            return java.time.LocalDateTime.now().withNano(0).toString().replace('T', ' ');
        }
        return null;
    }

    private static final Object UNKNOWN = new Object();

    /** A system variable as the flavor has it; {@link #UNKNOWN} where the server would answer 1193. */
    private Object variable(String name) {
        boolean mariadb = server.flavor() == ServerFacts.Flavor.MARIADB;
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "version" -> server.version();
            case "version_comment" -> server.versionComment();
            case "log_bin" -> server.binlogOn() ? 1L : 0L;
            case "server_id" -> server.serverId();
            case "tx_isolation", "transaction_isolation" -> isolation.sql().replace(' ', '-');
            case "autocommit" -> autoCommit ? 1L : 0L;
            case "in_transaction" -> mariadb ? (inTransaction ? 1L : 0L) : UNKNOWN;
            case "gtid_binlog_pos", "gtid_current_pos", "gtid_slave_pos" -> mariadb ? server.gtid() : UNKNOWN;
            case "gtid_executed", "gtid_mode", "gtid_purged" -> mariadb ? UNKNOWN
                    : name.equalsIgnoreCase("gtid_mode") ? (server.gtid().isEmpty() ? "OFF" : "ON") : server.gtid();
            case "lock_wait_timeout" -> 86_400L;
            case "innodb_lock_wait_timeout" -> 50L;
            case "sql_log_bin" -> 1L;
            case "transaction_read_only", "tx_read_only" -> readOnly ? 1L : 0L;
            case "auto_increment_increment", "auto_increment_offset" -> 1L;
            case "collation_database", "collation_connection", "collation_server" -> "utf8mb4_general_ci";
            case "character_set_database", "character_set_client", "character_set_connection",
                 "character_set_results", "character_set_server" -> "utf8mb4";
            case "max_allowed_packet" -> 67_108_864L;
            case "sql_mode" -> "STRICT_TRANS_TABLES";
            case "time_zone", "system_time_zone" -> "SYSTEM";
            default -> null;
        };
    }

    // ------------------------------------------------------------------------------------------------ text

    /** The statement without comments, executable comments opened ({@code /*!40001 SQL_NO_CACHE *}{@code /}). */
    static String executableText(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int j = i + 1;
                while (j < n && sql.charAt(j) != c) {
                    j += sql.charAt(j) == '\\' && c != '`' ? 2 : 1;
                }
                j = Math.min(n, j + 1);
                out.append(sql, i, j);
                i = j;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end;
                if (i + 2 < n && (sql.charAt(i + 2) == '!' || (sql.charAt(i + 2) == 'M' && i + 3 < n
                        && sql.charAt(i + 3) == '!'))) {
                    int k = i + 2;
                    while (k < end && (sql.charAt(k) == '!' || sql.charAt(k) == 'M' || Character.isDigit(sql.charAt(k)))) {
                        k++;
                    }
                    out.append(' ').append(sql, k, end).append(' ');
                } else {
                    out.append(' ');
                }
                i = Math.min(n, end + 2);
            } else if (c == '#' || (c == '-' && i + 2 < n && sql.charAt(i + 1) == '-' && Character.isWhitespace(sql.charAt(i + 2)))) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString().strip();
    }

    /** The position of a keyword at nesting depth 0 outside quotes, or -1. */
    static int topLevel(String text, String keyword) {
        int depth = 0;
        int n = text.length();
        int k = keyword.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int j = i + 1;
                while (j < n && text.charAt(j) != c) {
                    j += text.charAt(j) == '\\' && c != '`' ? 2 : 1;
                }
                i = j;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (depth == 0 && i + k <= n && text.regionMatches(true, i, keyword, 0, k)
                    && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)) && text.charAt(i - 1) != '_')
                    && (i + k == n || !Character.isLetterOrDigit(text.charAt(i + k)) && text.charAt(i + k) != '_')) {
                return i;
            }
        }
        return -1;
    }

    /** The items of the select list, modifiers removed. */
    static List<String> selectList(String text, int from) {
        int start = topLevel(text, "select");
        start = start < 0 ? 0 : start + 6;
        int end = from >= 0 ? from : text.length();
        for (String stop : new String[]{"limit", "into", "for", "order", "group", "where"}) {
            int p = topLevel(text, stop);
            if (from < 0 && p > start && p < end) {
                end = p;
            }
        }
        String list = text.substring(start, Math.max(start, end)).strip();
        boolean stripped = true;
        while (stripped) {
            stripped = false;
            int sp = list.indexOf(' ');
            if (sp > 0 && MODIFIERS.contains(list.substring(0, sp).toUpperCase(Locale.ROOT))) {
                list = list.substring(sp + 1).strip();
                stripped = true;
            }
        }
        List<String> items = new ArrayList<>();
        int depth = 0;
        int s = 0;
        for (int i = 0; i <= list.length(); i++) {
            char c = i < list.length() ? list.charAt(i) : ',';
            if (c == '\'' || c == '"' || c == '`') {
                int j = i + 1;
                while (j < list.length() && list.charAt(j) != c) {
                    j++;
                }
                i = j;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                String item = list.substring(s, i).strip();
                if (!item.isEmpty()) {
                    items.add(item);
                }
                s = i + 1;
            }
        }
        return items;
    }

    /** {@code expr AS label} into {expr, label}; without AS the label is the expression as written. */
    static String[] alias(String item) {
        int as = topLevel(item, "as");
        if (as > 0) {
            return new String[]{item.substring(0, as).strip(), item.substring(as + 2).strip().replace("`", "")
                    .replace("'", "").replace("\"", "")};
        }
        return new String[]{item, item};
    }

    // ------------------------------------------------------------------------------------------------ result sets

    static ResultSet rows(List<FakeServer.Column> columns, List<Object[]> rows) throws SQLException {
        CachedRowSet rs = RowSetProvider.newFactory().createCachedRowSet();
        RowSetMetaDataImpl md = new RowSetMetaDataImpl();
        md.setColumnCount(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            FakeServer.Column c = columns.get(i);
            String label = c.name().replace("`", "");
            md.setColumnName(i + 1, label);
            md.setColumnLabel(i + 1, label);
            md.setColumnType(i + 1, c.sqlType());
            md.setColumnTypeName(i + 1, c.typeName().replaceAll("\\(.*", "").toUpperCase(Locale.ROOT));
            md.setNullable(i + 1, ResultSetMetaData.columnNullable);
        }
        rs.setMetaData(md);
        for (Object[] r : rows) {
            rs.moveToInsertRow();
            for (int i = 0; i < columns.size(); i++) {
                if (r[i] == null) {
                    rs.updateNull(i + 1);
                } else {
                    rs.updateObject(i + 1, r[i]);
                }
            }
            rs.insertRow();
        }
        if (!rows.isEmpty()) {
            rs.moveToCurrentRow();
        }
        rs.beforeFirst();
        return rs;
    }

    private boolean versionAtLeast(int major, int minor) {
        dev.backupguard.protocol.ServerVersion v = dev.backupguard.protocol.ServerVersion.parse(server.version());
        return v.atLeast(major, minor, 0);
    }

    private static SQLException syntaxError(String near) {
        return new SQLSyntaxErrorException("You have an error in your SQL syntax; check the manual that corresponds "
                + "to your server version for the right syntax to use near '" + near + "'", "42000", 1064);
    }
}
