package dev.backupguard.protocol;

import dev.backupguard.classify.AdminForms;
import dev.backupguard.classify.Statement;

import java.util.Set;

/**
 * Which statements end the session's open transaction without a COMMIT: the one fact the planner (what to refuse
 * inside a snapshot, what shows a finished backup is over) and the judge (what the server did) both ask.
 *
 * <p>Sources: the MySQL 8.4 Reference Manual, 15.3.3 "Statements That Cause an Implicit Commit", for MySQL and Percona
 * Server; the MariaDB documentation, "SQL statements That Cause an Implicit Commit", for MariaDB, corrected by what
 * MariaDB 11.4.5 was found to do statement by statement (docs/server-facts.md, fact 12, asserted by
 * {@code ImplicitCommitFactsIT}):
 * <ul>
 *   <li>DDL of every object commits, except {@code CREATE TEMPORARY TABLE} and {@code DROP TEMPORARY TABLE} (both
 *       manuals); ALTER, TRUNCATE, RENAME or DROP TABLE of a temporary table without the keyword commit (MariaDB
 *       11.4.5; the MySQL manual says the same of ALTER TABLE and CREATE INDEX);</li>
 *   <li>account statements (GRANT, REVOKE, CREATE/ALTER/DROP/RENAME USER, CREATE/DROP ROLE, SET PASSWORD, SET DEFAULT
 *       ROLE), table maintenance (ANALYZE, OPTIMIZE, REPAIR, CHECK TABLE), INSTALL/UNINSTALL, RESET, FLUSH,
 *       LOCK TABLES, BEGIN/START TRANSACTION commit on both servers; MariaDB 11.4.5 also commits at every BACKUP STAGE
 *       and at BACKUP LOCK/UNLOCK;</li>
 *   <li>CACHE INDEX, LOAD INDEX INTO CACHE, CHANGE MASTER/REPLICATION SOURCE and START/STOP SLAVE/REPLICA commit on
 *       MySQL (its manual: "administrative" and "replication control" statements) but not on MariaDB 11.4.5, although
 *       MariaDB's list names them (STOP SLAVE is refused inside a transaction there, error 1192). Older MariaDB
 *       versions are taken at their list's word;</li>
 *   <li>SET autocommit = 1 commits when autocommit was 0 (both manuals); when it was 1 already it changes nothing
 *       (MariaDB 11.4.5, fact 3);</li>
 *   <li>UNLOCK TABLES commits only when LOCK TABLES locks are held;</li>
 *   <li>PURGE BINARY LOGS, LOCK/UNLOCK INSTANCE, CHECKSUM TABLE, SET ROLE, XA, CALL, SHUTDOWN (refused), ANALYZE of
 *       a query do not commit by themselves (neither list names them; MariaDB 11.4.5 confirms).</li>
 * </ul>
 *
 * <p>The commit happens before the statement runs ("as if you had done a COMMIT before executing the statement",
 * MySQL manual; "even if the statement fails with an error, the transaction is committed", MariaDB): a statement the
 * server refuses (no privilege, no such table) has still committed, unless the server could not parse it.
 */
public final class ImplicitCommit {

    /** ER_PARSE_ERROR and ER_SYNTAX_ERROR: the statement never ran. */
    private static final int PARSE_ERROR = 1064;
    private static final int SYNTAX_ERROR = 1149;
    /**
     * XAER_RMFAIL and XAER_OUTSIDE: inside an XA transaction these statements fail instead of committing (MariaDB,
     * "SQL statements That Cause an Implicit Commit").
     */
    private static final int XA_RMFAIL = 1399;
    private static final int XA_OUTSIDE = 1400;

    /** Listed by MariaDB's documentation, but MariaDB 11.4.5 keeps the transaction open (fact 12). */
    private static final Set<String> KEPT_BY_MARIADB_11_4 = Set.of(AdminForms.CACHE_INDEX, AdminForms.LOAD_INDEX,
            AdminForms.CHANGE_MASTER, AdminForms.START_REPLICA, AdminForms.STOP_REPLICA);

    private ImplicitCommit() {
    }

    /**
     * Whether the server commits the session's open transaction when it executes {@code st}.
     *
     * @param facts          the server's facts; null when not learned yet: what commits on any server counts
     * @param tableLocksHeld the session holds LOCK TABLES locks (UNLOCK TABLES commits only then)
     * @param autocommitOn   the session's autocommit before {@code st} (SET autocommit = 1 commits only when it was off)
     */
    public static boolean commits(Statement st, ServerFacts facts, boolean tableLocksHeld, boolean autocommitOn) {
        return switch (st.kind()) {
            case DDL -> !st.has(Statement.F_TEMPORARY);
            case ADMIN -> !(keptByMariaDb(facts) && KEPT_BY_MARIADB_11_4.contains(st.name()));
            case LOCK_TABLES, FLUSH_TABLES, FLUSH_TABLES_WITH_READ_LOCK, FLUSH_TABLES_FOR_EXPORT, FLUSH_LOGS,
                 FLUSH_OTHER, BACKUP_STAGE, START_TRANSACTION, BEGIN -> true;
            case SET_AUTOCOMMIT -> st.isAutocommitOn() && !autocommitOn;
            case UNLOCK_TABLES -> tableLocksHeld;
            default -> false;
        };
    }

    /**
     * Whether {@code st}, which the server answered with error {@code vendorCode}, committed the open transaction
     * all the same: the commit comes before the statement runs, so privilege and execution errors do not prevent it
     * (MariaDB 11.4.5: a refused GRANT, FLUSH, LOCK TABLES or BACKUP STAGE commits, fact 12); a statement the server
     * could not parse, or one refused inside an XA transaction, never ran.
     */
    public static boolean commitsWhenFailed(Statement st, int vendorCode, ServerFacts facts, boolean tableLocksHeld,
                                            boolean autocommitOn) {
        return vendorCode != PARSE_ERROR && vendorCode != SYNTAX_ERROR && vendorCode != XA_RMFAIL
                && vendorCode != XA_OUTSIDE && commits(st, facts, tableLocksHeld, autocommitOn);
    }

    /**
     * Whether this server may refuse {@code st} as a syntax error: MariaDB's BACKUP STAGE elsewhere, a command the
     * other flavour has, a name MySQL 8.4 removed ({@link AdminForms.Syntax}); unknown facts: any of them. Such a
     * statement commits nothing and changes nothing. {@link #commits} still errs towards the commit (the snapshot is
     * taken as ended); what an implicit commit would reset, a weaker next-transaction isolation level, is kept.
     */
    public static boolean maySyntaxError(Statement st, ServerFacts facts) {
        boolean mariadb = facts != null && facts.flavor() == ServerFacts.Flavor.MARIADB;
        boolean mysql = facts != null && !mariadb;
        return switch (st.kind()) {
            case BACKUP_STAGE -> !mariadb;
            case ADMIN -> switch (AdminForms.syntax(st)) {
                case EVERY_SERVER -> false;
                case MARIADB -> !mariadb;
                case MYSQL -> !mysql;
                case NOT_MYSQL_8_4 -> !mariadb && (facts == null || facts.version().atLeast(8, 4, 0));
            };
            default -> false;
        };
    }

    /** The command as the manuals name it, for messages: {@code ANALYZE TABLE}, {@code DDL}, {@code FLUSH}. */
    public static String command(Statement st) {
        return switch (st.kind()) {
            case ADMIN -> st.name();
            case DDL -> "DDL";
            case BACKUP_STAGE -> "BACKUP STAGE" + (st.name() == null ? "" : " " + st.name());
            case FLUSH_TABLES, FLUSH_TABLES_WITH_READ_LOCK, FLUSH_TABLES_FOR_EXPORT, FLUSH_LOGS, FLUSH_OTHER -> "FLUSH";
            default -> st.kind().name().replace('_', ' ');
        };
    }

    private static boolean keptByMariaDb(ServerFacts facts) {
        return facts != null && facts.flavor() == ServerFacts.Flavor.MARIADB && facts.version().atLeast(11, 4, 0);
    }
}
