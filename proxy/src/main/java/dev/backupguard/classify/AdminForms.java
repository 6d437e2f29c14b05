package dev.backupguard.classify;

import static dev.backupguard.classify.Statement.F_TEMPORARY;

/**
 * The leading keywords that decide whether a statement commits implicitly, beyond the transaction-control, lock and
 * FLUSH forms: the {@link Kind#ADMIN} commands, and the TEMPORARY forms of CREATE and DROP, which do not commit.
 *
 * <p>The commands are those of the lists in the MySQL 8.4 Reference Manual, 15.3.3 "Statements That Cause an Implicit
 * Commit" (account management, administrative and replication control statements) and in the MariaDB documentation,
 * "SQL statements That Cause an Implicit Commit", with the forms MariaDB 11.4 was found to commit although its list
 * leaves them out (docs/server-facts.md, fact 12). Their names are the constants below; which of them commit on
 * which server is {@code dev.backupguard.protocol.ImplicitCommit}'s to say. Only leading keywords are read.
 */
public final class AdminForms {

    /** {@code ANALYZE [NO_WRITE_TO_BINLOG | LOCAL] TABLE ...} (not MariaDB's {@code ANALYZE SELECT ...}). */
    public static final String ANALYZE_TABLE = "ANALYZE TABLE";
    /** {@code OPTIMIZE [NO_WRITE_TO_BINLOG | LOCAL] TABLE ...}. */
    public static final String OPTIMIZE_TABLE = "OPTIMIZE TABLE";
    /** {@code REPAIR [NO_WRITE_TO_BINLOG | LOCAL] TABLE | VIEW ...}. */
    public static final String REPAIR_TABLE = "REPAIR TABLE";
    /** {@code CHECK TABLE | VIEW ...} (not CHECKSUM TABLE, which does not commit). */
    public static final String CHECK_TABLE = "CHECK TABLE";
    public static final String GRANT = "GRANT";
    public static final String REVOKE = "REVOKE";
    /** {@code SET PASSWORD [FOR user] = ...}. */
    public static final String SET_PASSWORD = "SET PASSWORD";
    /** {@code SET DEFAULT ROLE ...} (not SET ROLE, which does not commit). */
    public static final String SET_DEFAULT_ROLE = "SET DEFAULT ROLE";
    /** {@code INSTALL PLUGIN | SONAME | COMPONENT ...}. */
    public static final String INSTALL = "INSTALL";
    /** {@code UNINSTALL PLUGIN | SONAME | COMPONENT ...}. */
    public static final String UNINSTALL = "UNINSTALL";
    /** {@code CACHE INDEX ...}. */
    public static final String CACHE_INDEX = "CACHE INDEX";
    /** {@code LOAD INDEX INTO CACHE ...}. */
    public static final String LOAD_INDEX = "LOAD INDEX INTO CACHE";
    /** {@code RESET MASTER | SLAVE | REPLICA | QUERY CACHE | BINARY LOGS AND GTIDS ...} (not MySQL's RESET PERSIST). */
    public static final String RESET = "RESET";
    /** {@code CHANGE MASTER TO ...}, {@code CHANGE REPLICATION SOURCE TO ...} (MySQL 8.0.23+). */
    public static final String CHANGE_MASTER = "CHANGE MASTER";
    /** MySQL's {@code CHANGE REPLICATION FILTER ...}. */
    public static final String CHANGE_REPLICATION_FILTER = "CHANGE REPLICATION FILTER";
    /** {@code START SLAVE | REPLICA | ALL SLAVES | ALL REPLICAS ...}. */
    public static final String START_REPLICA = "START REPLICA";
    /** {@code STOP SLAVE | REPLICA | ALL SLAVES | ALL REPLICAS ...}. */
    public static final String STOP_REPLICA = "STOP REPLICA";
    /** MySQL's {@code STOP GROUP_REPLICATION}: it commits after it runs. */
    public static final String STOP_GROUP_REPLICATION = "STOP GROUP_REPLICATION";
    /** MariaDB's {@code BACKUP LOCK t}. */
    public static final String BACKUP_LOCK = "BACKUP LOCK";
    /** MariaDB's {@code BACKUP UNLOCK}. */
    public static final String BACKUP_UNLOCK = "BACKUP UNLOCK";
    /** MySQL's {@code CLONE ...}. */
    public static final String CLONE = "CLONE";
    /** MySQL's {@code IMPORT TABLE FROM ...}. */
    public static final String IMPORT_TABLE = "IMPORT TABLE";

    private AdminForms() {
    }

    /** Which servers have an ADMIN command's syntax; on the others it is a syntax error that runs nothing. */
    public enum Syntax {
        /** Both flavours. */
        EVERY_SERVER,
        /**
         * MariaDB's only: BACKUP LOCK and UNLOCK, START and STOP ALL SLAVES | REPLICAS, INSTALL and UNINSTALL SONAME,
         * RESET QUERY CACHE (MySQL 8.0 removed the query cache).
         */
        MARIADB,
        /** MySQL's only: CHANGE REPLICATION SOURCE | FILTER, STOP GROUP_REPLICATION, CLONE, IMPORT TABLE, COMPONENTs. */
        MYSQL,
        /**
         * Both, but not MySQL 8.4, which removed CHANGE MASTER TO, START, STOP and RESET SLAVE and RESET MASTER (MySQL
         * 8.4 Reference Manual, "What Is New in MySQL 8.4 since MySQL 8.0", features removed).
         */
        NOT_MYSQL_8_4
    }

    /** Which servers have the syntax of {@code st}, an {@link Kind#ADMIN} statement: its leading words, read again. */
    public static Syntax syntax(Statement st) {
        Lexer lx = new Lexer(st.sql(), true);
        lx.next();
        if (lx.accept("BACKUP")) {
            return Syntax.MARIADB;
        }
        if (lx.accept("START") || lx.accept("STOP")) {
            return lx.is("ALL") ? Syntax.MARIADB : lx.is("SLAVE") ? Syntax.NOT_MYSQL_8_4
                    : lx.is("GROUP_REPLICATION") ? Syntax.MYSQL : Syntax.EVERY_SERVER;
        }
        if (lx.accept("INSTALL") || lx.accept("UNINSTALL")) {
            return lx.is("SONAME") ? Syntax.MARIADB : lx.is("COMPONENT") ? Syntax.MYSQL : Syntax.EVERY_SERVER;
        }
        if (lx.accept("RESET")) {
            return lx.is("QUERY") ? Syntax.MARIADB : lx.is("SLAVE") || lx.is("MASTER") ? Syntax.NOT_MYSQL_8_4
                    : Syntax.EVERY_SERVER;
        }
        if (lx.accept("CHANGE")) {
            return lx.is("MASTER") ? Syntax.NOT_MYSQL_8_4 : Syntax.MYSQL;
        }
        return lx.is("CLONE") || lx.is("IMPORT") ? Syntax.MYSQL : Syntax.EVERY_SERVER;
    }


    /** A statement whose leading keyword no other reader claimed: an ADMIN command, or OTHER. */
    static Statement recognize(Lexer lx) {
        String command = null;
        switch (lx.upperFirst()) {
            case 'A':
                command = lx.is("ANALYZE") ? tableMaintenance(lx, ANALYZE_TABLE) : null;
                break;
            case 'C':
                command = lx.is("CHECK") ? tableMaintenance(lx, CHECK_TABLE)
                        : lx.accept("CACHE") ? (lx.is("INDEX") ? CACHE_INDEX : null)
                        : lx.accept("CHANGE") ? change(lx)
                        : lx.is("CLONE") ? CLONE : null;
                break;
            case 'G':
                command = lx.is("GRANT") ? GRANT : null;
                break;
            case 'I':
                command = lx.is("INSTALL") ? INSTALL : lx.accept("IMPORT") && lx.is("TABLE") ? IMPORT_TABLE : null;
                break;
            case 'O':
                command = lx.is("OPTIMIZE") ? tableMaintenance(lx, OPTIMIZE_TABLE) : null;
                break;
            case 'R':
                command = lx.is("REPAIR") ? tableMaintenance(lx, REPAIR_TABLE)
                        : lx.is("REVOKE") ? REVOKE
                        : lx.accept("RESET") ? (lx.is("PERSIST") ? null : RESET) : null;
                break;
            case 'S':
                if (lx.accept("STOP")) {
                    return lx.accept("GROUP_REPLICATION") ? admin(lx, STOP_GROUP_REPLICATION)
                            : replication(lx, STOP_REPLICA);
                }
                break;
            case 'U':
                command = lx.is("UNINSTALL") ? UNINSTALL : null;
                break;
            default:
                break;
        }
        return command == null ? lx.statement(Kind.OTHER, 0) : admin(lx, command);
    }

    /** After START (not START TRANSACTION) or STOP: {@code SLAVE}, {@code REPLICA} or {@code ALL ...} make it ADMIN. */
    static Statement replication(Lexer lx, String command) {
        return lx.is("SLAVE") || lx.is("REPLICA") || lx.is("ALL") ? admin(lx, command) : lx.statement(Kind.OTHER, 0);
    }

    /** After LOAD (not LOAD DATA or LOAD XML): {@code INDEX INTO CACHE} makes it ADMIN. */
    static Statement loadIndex(Lexer lx) {
        return lx.is("INDEX") ? admin(lx, LOAD_INDEX) : lx.statement(Kind.OTHER, 0);
    }

    /** After BACKUP (not BACKUP STAGE): MariaDB's {@code BACKUP LOCK t} and {@code BACKUP UNLOCK}. */
    static Statement backupLock(Lexer lx) {
        return lx.is("LOCK") ? admin(lx, BACKUP_LOCK) : lx.is("UNLOCK") ? admin(lx, BACKUP_UNLOCK)
                : lx.statement(Kind.OTHER, 0);
    }

    /**
     * CREATE or DROP: DDL, with {@link Statement#F_TEMPORARY} for {@code CREATE [OR REPLACE] TEMPORARY ...} and
     * {@code DROP TEMPORARY ...}. {@code DROP PREPARE s} is {@code DEALLOCATE PREPARE s}: no DDL, no commit (fact 12).
     */
    static Statement createOrDrop(Lexer lx) {
        boolean drop = lx.is("DROP");
        lx.next();
        if (drop && lx.is("PREPARE")) {
            return lx.statement(Kind.OTHER, 0);
        }
        if (!drop && lx.accept("OR")) {
            lx.accept("REPLACE");
        }
        return lx.statement(Kind.DDL, lx.is("TEMPORARY") ? F_TEMPORARY : 0);
    }

    /** {@code ANALYZE|OPTIMIZE|REPAIR|CHECK [NO_WRITE_TO_BINLOG | LOCAL] TABLE|TABLES|VIEW}: the command, or null. */
    private static String tableMaintenance(Lexer lx, String command) {
        lx.next();
        if (!lx.accept("NO_WRITE_TO_BINLOG")) {
            lx.accept("LOCAL");
        }
        return lx.is("TABLE") || lx.is("TABLES") || lx.is("VIEW") ? command : null;
    }

    /** After CHANGE: {@code MASTER}, {@code REPLICATION SOURCE}, {@code REPLICATION FILTER}. */
    private static String change(Lexer lx) {
        if (lx.is("MASTER")) {
            return CHANGE_MASTER;
        }
        if (lx.accept("REPLICATION")) {
            return lx.is("SOURCE") ? CHANGE_MASTER : lx.is("FILTER") ? CHANGE_REPLICATION_FILTER : null;
        }
        return null;
    }

    private static Statement admin(Lexer lx, String command) {
        return lx.statement(Kind.ADMIN, null, null, command, null, 0);
    }
}
