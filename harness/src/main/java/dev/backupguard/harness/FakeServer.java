package dev.backupguard.harness;

import dev.backupguard.classify.TableName;
import dev.backupguard.protocol.ServerFacts;
import dev.backupguard.protocol.ServerVersion;

import java.sql.Connection;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A scripted stand-in for a MariaDB or MySQL server, so a unit test of backup code needs no database. Its
 * connections answer what backup code and backup-guard send: binlog status ({@code SHOW MASTER STATUS},
 * {@code SHOW BINLOG STATUS}, MariaDB's {@code SHOW STATUS LIKE 'binlog_snapshot_%'} and {@code BINLOG_GTID_POS}),
 * isolation and other variables ({@code SELECT @@tx_isolation}, {@code VERSION()}, ...), {@code SHOW CREATE TABLE},
 * {@code SHOW TABLES}, {@code SHOW COLUMNS}, the guard's facts probe, and small result sets of the tables declared
 * here; everything else that does not return rows (locks, transactions, SET, DML) is accepted and does nothing,
 * except that it changes what the session reports (autocommit, isolation, database).
 *
 * <pre>{@code
 * FakeServer server = FakeServer.mariadb()
 *         .database("shop")
 *         .table("accounts", "id INT, owner VARCHAR(20)", FakeServer.row(1, "ann"), FakeServer.row(2, "bob"))
 *         .table("ledger", "id INT, amount INT", FakeServer.row(1, 10));
 * Connection c = server.connect(); // to database shop
 * }</pre>
 *
 * <p>It is no SQL engine: a SELECT of a declared table returns all its rows (the selected columns, or a count), a
 * WHERE clause is not evaluated; a query it cannot answer fails with an SQLException that says so, and can be
 * scripted with {@link #answer}. Server behaviour the protocol depends on is established on a real server
 * (docs/server-facts.md); this fake only needs to let backup code run.
 */
public final class FakeServer {

    /** A column of a fake table or answer. */
    record Column(String name, String typeName, int sqlType) {
    }

    /** A table of the fake server. */
    record Table(String schema, String name, List<Column> columns, List<Object[]> rows, String engine) {
        boolean transactional() {
            return engine.equalsIgnoreCase("InnoDB");
        }
    }

    /** A scripted answer: rows for a query, or an error. */
    record Answer(Predicate<String> matches, List<Column> columns, List<Object[]> rows, int errorCode, String message) {
    }

    private static final AtomicLong CONNECTION_IDS = new AtomicLong(100);

    private final ServerFacts.Flavor flavor;
    private String version;
    private String versionComment;
    private boolean binlog = true;
    private String binlogFile = "binlog.000001";
    private long binlogPosition = 4;
    private String gtid;
    private long serverId = 1;
    private String database;
    private final Map<TableName, Table> tables = new LinkedHashMap<>();
    private final List<Answer> answers = new ArrayList<>();

    private FakeServer(ServerFacts.Flavor flavor, String version, String versionComment, String gtid) {
        this.flavor = flavor;
        this.version = version;
        this.versionComment = versionComment;
        this.gtid = gtid;
    }

    /** A MariaDB 11.4.5 server with the binary log on, as the test fixture runs. */
    public static FakeServer mariadb() {
        return new FakeServer(ServerFacts.Flavor.MARIADB, "11.4.5-MariaDB-log", "MariaDB Server", "0-1-1");
    }

    /** A MySQL server of this version ({@code 8.0.36}, {@code 8.4.3}) with the binary log on. */
    public static FakeServer mysql(String version) {
        return new FakeServer(ServerFacts.Flavor.MYSQL, version, "MySQL Community Server - GPL",
                "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
    }

    /** One row of a table or an answer. */
    public static Object[] row(Object... values) {
        return values.clone();
    }

    /** The binary log's current file, position and GTID position. */
    public synchronized FakeServer binlog(String file, long position, String gtidPosition) {
        this.binlogFile = file;
        this.binlogPosition = position;
        this.gtid = gtidPosition;
        return this;
    }

    /** The binary log is off ({@code @@log_bin = 0}): binlog status reads return no row. */
    public synchronized FakeServer binlogOff() {
        this.binlog = false;
        return this;
    }

    /** The database that {@link #table} declares tables in and {@link #connect()} connects to. */
    public synchronized FakeServer database(String name) {
        this.database = name;
        return this;
    }

    /**
     * Declares an InnoDB table in the current {@link #database}.
     *
     * @param columns {@code id INT, owner VARCHAR(20)}: names and types, comma-separated
     */
    public synchronized FakeServer table(String name, String columns, Object[]... rows) {
        return table(name, "InnoDB", columns, rows);
    }

    /** Declares a table with another engine ({@code MyISAM}, {@code Aria}, {@code MEMORY}: not transactional). */
    public synchronized FakeServer table(String name, String engine, String columns, Object[]... rows) {
        if (database == null) {
            throw new IllegalStateException("declare the database first: database(\"shop\").table(...)");
        }
        List<Column> cols = columns(columns);
        for (Object[] r : rows) {
            if (r.length != cols.size()) {
                throw new IllegalArgumentException("table " + name + " has " + cols.size() + " columns, a row has "
                        + r.length);
            }
        }
        tables.put(key(database, name), new Table(database, name, cols, List.of(rows), engine));
        return this;
    }

    /**
     * Scripts the rows a query returns. The query is matched without regard to case and spacing; scripted answers
     * win over the built-in ones.
     */
    public synchronized FakeServer answer(String sql, String columns, Object[]... rows) {
        String wanted = normalize(sql);
        answers.add(new Answer(s -> normalize(s).equals(wanted), columns(columns), List.of(rows), 0, null));
        return this;
    }

    /** Scripts the rows of every query {@code matches} accepts. */
    public synchronized FakeServer answer(Predicate<String> matches, String columns, Object[]... rows) {
        answers.add(new Answer(matches, columns(columns), List.of(rows), 0, null));
        return this;
    }

    /** Scripts a failure: the statement fails with this server error code and message. */
    public synchronized FakeServer fail(String sql, int errorCode, String message) {
        String wanted = normalize(sql);
        answers.add(new Answer(s -> normalize(s).equals(wanted), List.of(), List.of(), errorCode, message));
        return this;
    }

    /** A new connection to the current {@link #database}, autocommit on, REPEATABLE READ. */
    public Connection connect() {
        return connect(database);
    }

    /** A new connection to {@code db} (null: no database). */
    public Connection connect(String db) {
        FakeSession session = new FakeSession(this, CONNECTION_IDS.incrementAndGet(), db);
        return FakeJdbc.connection(session);
    }

    /** The fake server behind {@code c} (also beneath wrappers that implement unwrap), or null. */
    public static FakeServer of(Connection c) {
        FakeSession s = FakeJdbc.session(c);
        return s == null ? null : s.server();
    }

    /** The facts backup-guard's probe would learn from this server. */
    public synchronized ServerFacts facts() {
        Set<TableName> nonTransactional = new HashSet<>();
        for (Table t : tables.values()) {
            if (!t.transactional()) {
                nonTransactional.add(new TableName(t.schema().toLowerCase(Locale.ROOT), t.name().toLowerCase(Locale.ROOT)));
            }
        }
        return new ServerFacts(flavor, ServerVersion.parse(version), binlog, flavor != ServerFacts.Flavor.MYSQL,
                gtid != null && !gtid.isEmpty(),
                serverId, 0, Set.of(), true, nonTransactional);
    }

    // ------------------------------------------------------------------------------------------------ for sessions

    ServerFacts.Flavor flavor() {
        return flavor;
    }

    synchronized String version() {
        return version;
    }

    synchronized String versionComment() {
        return versionComment;
    }

    synchronized boolean binlogOn() {
        return binlog;
    }

    synchronized String binlogFile() {
        return binlogFile;
    }

    synchronized long binlogPosition() {
        return binlogPosition;
    }

    synchronized String gtid() {
        return gtid == null ? "" : gtid;
    }

    synchronized long serverId() {
        return serverId;
    }

    /** A write was committed: the binary log grows. */
    synchronized void logged(int bytes) {
        binlogPosition += bytes;
    }

    /** FLUSH LOGS: the binary log moves to its next file. */
    synchronized void rotate() {
        int dot = binlogFile.lastIndexOf('.');
        if (dot > 0) {
            String digits = binlogFile.substring(dot + 1);
            try {
                long n = Long.parseLong(digits) + 1;
                binlogFile = binlogFile.substring(0, dot + 1) + String.format("%0" + digits.length() + "d", n);
            } catch (NumberFormatException e) {
                binlogFile = binlogFile + ".1";
            }
        }
        binlogPosition = 4;
    }

    synchronized Table lookup(String schema, String name) {
        return schema == null ? null : tables.get(key(schema, name));
    }

    synchronized List<Table> tables(String schema) {
        return tables.values().stream().filter(t -> schema == null || t.schema().equalsIgnoreCase(schema)).toList();
    }

    synchronized boolean hasDatabase(String schema) {
        return schema != null && (schema.equalsIgnoreCase(database)
                || tables.values().stream().anyMatch(t -> t.schema().equalsIgnoreCase(schema)));
    }

    synchronized Answer answerFor(String sql) {
        for (int i = answers.size() - 1; i >= 0; i--) {
            if (answers.get(i).matches().test(sql)) {
                return answers.get(i);
            }
        }
        return null;
    }

    private static TableName key(String schema, String table) {
        return new TableName(schema.toLowerCase(Locale.ROOT), table.toLowerCase(Locale.ROOT));
    }

    static String normalize(String sql) {
        return sql.strip().replaceAll("\\s+", " ").replaceAll(";$", "").toLowerCase(Locale.ROOT);
    }

    /** {@code id INT, owner VARCHAR(20)} into columns. */
    static List<Column> columns(String spec) {
        List<Column> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= spec.length(); i++) {
            char c = i < spec.length() ? spec.charAt(i) : ',';
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                String part = spec.substring(start, i).trim();
                start = i + 1;
                if (part.isEmpty()) {
                    continue;
                }
                int sp = part.indexOf(' ');
                String name = (sp < 0 ? part : part.substring(0, sp)).replace("`", "");
                String type = sp < 0 ? "VARCHAR(255)" : part.substring(sp + 1).trim();
                out.add(new Column(name, type, sqlType(type)));
            }
        }
        return out;
    }

    static int sqlType(String type) {
        String t = type.toUpperCase(Locale.ROOT);
        if (t.startsWith("BIGINT")) {
            return Types.BIGINT;
        }
        if (t.startsWith("INT") || t.startsWith("SMALLINT") || t.startsWith("MEDIUMINT") || t.startsWith("TINYINT")) {
            return Types.INTEGER;
        }
        if (t.startsWith("DECIMAL") || t.startsWith("NUMERIC")) {
            return Types.DECIMAL;
        }
        if (t.startsWith("DOUBLE") || t.startsWith("FLOAT") || t.startsWith("REAL")) {
            return Types.DOUBLE;
        }
        if (t.startsWith("DATETIME") || t.startsWith("TIMESTAMP")) {
            return Types.TIMESTAMP;
        }
        if (t.startsWith("DATE")) {
            return Types.DATE;
        }
        if (t.startsWith("BLOB") || t.contains("BINARY")) {
            return Types.VARBINARY;
        }
        return Types.VARCHAR;
    }
}
