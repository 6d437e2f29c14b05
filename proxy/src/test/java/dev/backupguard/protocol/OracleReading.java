package dev.backupguard.protocol;

import java.util.List;
import java.util.Set;

/**
 * The fuzz oracle's own reading of a statement's text, written apart from the classifier's lexer, {@code SessionText}
 * and {@link ImplicitCommit}, from the servers' manuals and docs/server-facts.md: which part of the text the server
 * runs, whether that flavour parses it at all, and whether it commits the session's open transaction implicitly. Kept
 * to what the fuzz test generates; the texts it reads are {@link #effective} ones (lower case, one space between
 * words, comments resolved).
 */
final class OracleReading {

    /** What a statement does to the open transaction before it runs. */
    enum Commit {
        COMMITS,
        KEEPS,
        /** Not established for this server: the simulated server does either, at random. */
        EITHER
    }

    /**
     * One statement form of the implicit-commit lists, by its leading words: its effect on MySQL (MySQL 8.4 Reference
     * Manual, 15.3.3 "Statements That Cause an Implicit Commit", which also covers the synonyms), on MariaDB 11.4.5
     * (docs/server-facts.md, fact 12, statement by statement), and on other MariaDB versions, for which only MariaDB's
     * page "SQL statements That Cause an Implicit Commit" speaks: where 11.4.5 was found to differ from it, either.
     */
    private record Form(String words, Commit mysql, Commit mariadb11, Commit mariadbOther) {
        Form(String words, Commit all) {
            this(words, all, all, all);
        }
    }

    private static final Commit C = Commit.COMMITS;
    private static final Commit K = Commit.KEEPS;
    private static final Commit E = Commit.EITHER;

    /** First match wins: the narrower forms come before the broader ones. */
    private static final List<Form> FORMS = List.of(
            // Both manuals: CREATE and DROP TABLE with TEMPORARY commit nothing; fact 12 confirms, OR REPLACE too.
            new Form("create temporary table", K), new Form("create or replace temporary table", K),
            new Form("drop temporary table", K),
            // DEALLOCATE PREPARE under another name (fact 12: keeps).
            new Form("drop prepare", K),
            // DDL of every object, temporary tables named without the keyword included (fact 12), account DDL too.
            new Form("create ", C), new Form("alter ", C), new Form("drop ", C), new Form("rename ", C),
            new Form("truncate ", C),
            // Account statements ("statements that implicitly use or modify tables in the mysql database").
            new Form("grant ", C), new Form("revoke ", C), new Form("set password", C),
            // MySQL: a synonym of ALTER USER ... DEFAULT ROLE; MariaDB 11.4.5 commits, its list does not name it.
            new Form("set default role", C, C, E),
            new Form("set role", K),
            // Administrative statements; CHECKSUM TABLE and MariaDB's ANALYZE of a query are not among them.
            new Form("checksum ", K), new Form("analyze select", K), new Form("analyze format", K),
            new Form("analyze ", C), new Form("optimize ", C), new Form("repair ", C), new Form("check ", C),
            new Form("install ", C), new Form("uninstall ", C),
            // The key cache and replication control: MySQL commits, MariaDB 11.4.5 keeps although its list names them.
            new Form("cache index", C, K, E), new Form("load index into cache", C, K, E),
            new Form("change master", C, K, E), new Form("change replication", C, K, E),
            new Form("start slave", C, K, E), new Form("start replica", C, K, E), new Form("start all ", C, K, E),
            new Form("stop slave", C, K, E), new Form("stop replica", C, K, E), new Form("stop all ", C, K, E),
            new Form("reset persist", K), new Form("reset ", C),
            new Form("purge ", K),
            // MariaDB's backup locks commit on 11.4.5 (fact 12: every stage, BACKUP LOCK too); neither list names them.
            new Form("backup ", K, C, E),
            new Form("lock instance", K), new Form("unlock instance", K),
            // Transaction-control and locking statements (UNLOCK TABLES and SET autocommit depend on the session).
            new Form("lock tables", C), new Form("lock table", C), new Form("flush", C), new Form("begin", C), new Form("start transaction", C));

    /**
     * Syntax the flavour does not have: the server refuses it with a parse error, before any implicit commit. MySQL
     * 8.4 removed the replication statements' old names (MySQL 8.4 Reference Manual, "What Is New in MySQL 8.4 since
     * MySQL 8.0": CHANGE MASTER TO, START/STOP/RESET SLAVE, RESET MASTER, SHOW MASTER STATUS).
     */
    private static final List<String> MARIADB_ONLY = List.of("backup ", "execute immediate", "begin not atomic",
            "if ", "create or replace temporary", "create or replace table", "install soname", "uninstall soname", "start all ", "stop all ",
            "reset query cache", "set statement", "analyze select", "analyze format", "show binlog status");
    private static final List<String> MYSQL_ONLY = List.of("lock instance", "unlock instance",
            "change replication source", "show binary log status");
    private static final List<String> REMOVED_IN_MYSQL_8_4 = List.of("change master", "start slave", "stop slave",
            "reset slave", "reset master", "show master status");
    /** Statements that stop short of what they need (a name, a table list, a value): syntax errors everywhere. */
    private static final Set<String> INCOMPLETE = Set.of("select", "select * from", "lock tables", "use",
            "start transaction with", "set", "savepoint", "rollback to", "rollback work to", "release savepoint");

    private OracleReading() {
    }

    // ------------------------------------------------------------------ the text the server runs

    /**
     * The text the server runs: ordinary comments dropped, executable comments resolved for this server (MariaDB:
     * {@code /*!NNNNN} and {@code /*M!NNNNNN}, six digits when a sixth follows, the 50700-99999 MySQL-only range
     * skipped; MySQL: five digits, six when followed by whitespace from 8.1, {@code /*M!} an ordinary comment;
     * docs/server-facts.md, fact 10, and the MySQL 8.4 Reference Manual, "Comments"), then folded to lower case with
     * one space between words, with no trailing semicolon. Quoted text is copied as it is, in lower case.
     */
    static String effective(String sql, ServerFacts facts) {
        StringBuilder b = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"' || c == '`') {
                int end = closingQuote(sql, i);
                b.append(sql.substring(i, end).toLowerCase(java.util.Locale.ROOT));
                i = end;
            } else if (c == '/' && sql.startsWith("/*", i)) {
                int close = sql.indexOf("*/", i + 2);
                String run = versioned(sql.substring(i + 2, close < 0 ? n : close), facts);
                b.append(' ');
                if (run != null) {
                    b.append(effective(run, facts)).append(' ');
                }
                i = close < 0 ? n : close + 2;
            } else if (c == '#' || sql.startsWith("-- ", i)) {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol;
            } else {
                b.append(Character.isWhitespace(c) ? ' ' : Character.toLowerCase(c));
                i++;
            }
        }
        String s = b.toString().trim().replaceAll(" +", " ");
        while (s.endsWith(";")) {
            s = s.substring(0, s.length() - 1).trim();
        }
        return s;
    }

    /** The SQL inside a comment body (after its opening slash and star) this server runs, or null: a comment. */
    private static String versioned(String body, ServerFacts facts) {
        boolean mariadb = facts.flavor() == ServerFacts.Flavor.MARIADB;
        boolean mariaMark = body.startsWith("M!");
        if (!body.startsWith("!") && !mariaMark || mariaMark && !mariadb) {
            return null;
        }
        int s = mariaMark ? 2 : 1;
        int digits = 0;
        while (s + digits < body.length() && Character.isDigit(body.charAt(s + digits))) {
            digits++;
        }
        if (digits < 5) {
            return body.substring(s); // no version: the digits are SQL
        }
        int take = 5;
        if (digits >= 6) {
            boolean spaceAfter = s + 6 == body.length() || Character.isWhitespace(body.charAt(s + 6));
            boolean mysqlSix = facts.version().atLeast(8, 1, 0) && spaceAfter;
            take = mariadb || mysqlSix ? 6 : 5;
        }
        int version = Integer.parseInt(body.substring(s, s + take));
        ServerVersion v = facts.version();
        int server = v.major() * 10000 + v.minor() * 100 + v.patch();
        boolean mysqlOnly = mariadb && !mariaMark && take == 5 && version >= 50700;
        return version > server || mysqlOnly ? null : body.substring(s + take);
    }

    /** The index just past the quoted text opened at {@code start} (doubled quotes and backslash escapes inside). */
    static int closingQuote(String sql, int start) {
        char q = sql.charAt(start);
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\\' && q != '`') {
                i += 2;
            } else if (c == q && i + 1 < sql.length() && sql.charAt(i + 1) == q) {
                i += 2;
            } else if (c == q) {
                return i + 1;
            } else {
                i++;
            }
        }
        return sql.length();
    }

    // ------------------------------------------------------------------ what the server does with it

    /** Whether this flavour and version can parse {@code text} (an {@link #effective} text). */
    static boolean parses(String text, ServerFacts facts) {
        if (INCOMPLETE.contains(text) || text.startsWith("savepoint '") || text.startsWith("rollback to savepoint '")
                || text.startsWith("release savepoint '")) {
            return false;
        }
        boolean mariadb = facts.flavor() == ServerFacts.Flavor.MARIADB;
        List<String> foreign = mariadb ? MYSQL_ONLY : MARIADB_ONLY;
        if (startsWithAny(text, foreign)) {
            return false;
        }
        return mariadb || !facts.version().atLeast(8, 4, 0) || !startsWithAny(text, REMOVED_IN_MYSQL_8_4);
    }

    /**
     * What {@code text} does to the open transaction on this server, before it runs, also when the server then
     * refuses it (both manuals: "as if you had done a COMMIT before executing the statement"; MariaDB: "even if the
     * statement fails with an error"; fact 12), unless it does not parse. UNLOCK TABLES and SET autocommit = 1 are
     * the session's to decide (they commit only with table locks held, or when autocommit was 0).
     */
    static Commit implicitCommit(String text, ServerFacts facts) {
        String statement = withoutSetStatement(text);
        if (isLoadableFunction(statement)) {
            // MySQL: "not with loadable functions"; MariaDB 11.4.5 commits (fact 12) although its page exempts them.
            return facts.flavor() != ServerFacts.Flavor.MARIADB ? Commit.KEEPS : mariadb11(facts) ? Commit.COMMITS
                    : Commit.EITHER;
        }
        for (Form f : FORMS) {
            if (statement.startsWith(f.words()) && (f.words().endsWith(" ") || wordEnds(statement, f.words()))) {
                return facts.flavor() != ServerFacts.Flavor.MARIADB ? f.mysql()
                        : mariadb11(facts) ? f.mariadb11() : f.mariadbOther();
            }
        }
        return Commit.KEEPS;
    }

    /** MariaDB's {@code SET STATEMENT var = value FOR statement}: the statement it runs. */
    static String withoutSetStatement(String text) {
        if (!text.startsWith("set statement ")) {
            return text;
        }
        int at = text.indexOf(" for ");
        return at < 0 ? text : text.substring(at + 5);
    }

    private static boolean isLoadableFunction(String text) {
        return (text.startsWith("create function ") || text.startsWith("create aggregate function "))
                && text.contains(" soname ");
    }

    /** The server fact 12 was established on. */
    private static boolean mariadb11(ServerFacts facts) {
        ServerVersion v = facts.version();
        return v.major() == 11 && v.minor() == 4 && v.patch() == 5;
    }

    private static boolean wordEnds(String text, String words) {
        return text.length() == words.length() || !Character.isLetterOrDigit(text.charAt(words.length()))
                && text.charAt(words.length()) != '_';
    }

    static boolean startsWithAny(String text, List<String> prefixes) {
        for (String p : prefixes) {
            if (text.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
