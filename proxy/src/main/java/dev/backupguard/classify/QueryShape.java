package dev.backupguard.classify;

import static dev.backupguard.classify.Statement.F_GTID_READ;
import static dev.backupguard.classify.Statement.F_LOCKING_READ;
import static dev.backupguard.classify.Statement.F_MALFORMED;
import static dev.backupguard.classify.Statement.F_SELECT_INTO;
import static dev.backupguard.classify.Statement.F_FROM;
import static dev.backupguard.classify.Statement.F_WHOLE_TABLE;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The shape of a query ({@code SELECT}, {@code TABLE t}, {@code VALUES}, {@code WITH ...}, parenthesised): which
 * single table it reads, whether it reads all of it, and whether it locks rows, writes a file or reads a GTID.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>The target is the table of {@code FROM t} when that is the only table the query reads: no comma or JOIN
 *       after it, no derived table or table function as the source, no UNION / EXCEPT / INTERSECT, no subquery
 *       anywhere, no CTE. {@code FROM DUAL} has no target. A partition list, an alias and index hints
 *       ({@code FORCE INDEX (PRIMARY)}) may follow the name.</li>
 *   <li>A single-table query reads the whole table unless it has WHERE, GROUP BY, HAVING, LIMIT, a PARTITION list,
 *       or DISTINCT (which returns fewer rows than the table has); ORDER BY, FOR UPDATE, INTO do not make it
 *       partial. Aggregates are not recognised: {@code SELECT COUNT(*) FROM t} counts as reading the whole table,
 *       which it does.</li>
 *   <li>FOR UPDATE, FOR SHARE and LOCK IN SHARE MODE make it a locking read; INTO OUTFILE|DUMPFILE|@var a
 *       SELECT INTO; {@code @@[global.]gtid_executed}, {@code @@gtid_binlog_pos}, {@code @@gtid_current_pos} and
 *       {@code BINLOG_GTID_POS(...)} a GTID read, at any depth.</li>
 * </ul>
 *
 * <h2>How far it reads</h2>
 * Everything up to the source and the clause keyword after it. Once a WHERE, GROUP BY, HAVING or LIMIT has made the
 * query partial, only the tail flags (FOR UPDATE, INTO, UNION) are left to find: the rest is read only when the
 * statement ends within the lexer's scan limit, so {@code SELECT * FROM t WHERE id IN (...10 MB...)} stops at WHERE.
 * Within that limit, a FOR UPDATE after a long IN list is still seen. A query cut short by the limit is never a
 * whole-table read, since its tail is unknown.
 *
 * <p>Nesting is tracked with a depth counter, never with recursion.
 */
final class QueryShape {

    /** Where the scan stands at the query's own level. */
    private static final int SELECT_LIST = 0;
    private static final int AFTER_SOURCE = 1;
    private static final int LATER_CLAUSES = 2;

    /** Reserved words that may follow a table name and so are never its alias (MySQL 8.4 keyword list). */
    private static final Set<Keyword> NOT_ALIASES = EnumSet.of(
            Keyword.WHERE, Keyword.GROUP, Keyword.HAVING, Keyword.ORDER, Keyword.LIMIT, Keyword.WINDOW, Keyword.UNION,
            Keyword.EXCEPT, Keyword.INTERSECT, Keyword.FOR, Keyword.LOCK, Keyword.INTO, Keyword.PROCEDURE, Keyword.JOIN,
            Keyword.INNER, Keyword.CROSS, Keyword.LEFT, Keyword.RIGHT, Keyword.NATURAL, Keyword.STRAIGHT_JOIN,
            Keyword.USE, Keyword.FORCE, Keyword.IGNORE, Keyword.PARTITION, Keyword.ON, Keyword.USING, Keyword.AS);

    private QueryShape() {
    }

    /** At a leading {@code (}: only a query may start with one (MySQL grammar), however deep. */
    static Statement parenthesized(Lexer lx) {
        int depth = 0;
        while (lx.isPunct('(')) {
            depth++;
            lx.next();
        }
        if (lx.is("SELECT") || lx.is("WITH") || lx.is("TABLE") || lx.is("VALUES")) {
            return query(lx, depth);
        }
        if (lx.type() == Lexer.END && lx.truncated()) {
            return lx.statement(Kind.SELECT, 0);
        }
        return lx.statement(Kind.OTHER, F_MALFORMED);
    }

    /**
     * At SELECT, TABLE, VALUES or WITH, inside {@code depth} leading parentheses. A WITH that introduces UPDATE or
     * DELETE (MySQL 8.0) is DML.
     */
    static Statement query(Lexer lx, int depth) {
        int flags = 0;
        TableName target = null;
        boolean several = false;
        boolean partial = false;
        boolean stoppedEarly = false;
        int clause = SELECT_LIST;
        int queryDepth = depth;

        if (lx.accept("WITH")) {
            skipCommonTableExpressions(lx);
            if (lx.is("UPDATE") || lx.is("DELETE") || lx.is("INSERT") || lx.is("REPLACE")) {
                return lx.statement(Kind.DML, 0);
            }
            several = true; // the tables it reads are in the CTE bodies
        }
        if (lx.accept("TABLE")) {
            target = lx.tableName();
            clause = AFTER_SOURCE;
        } else if (lx.accept("VALUES")) {
            clause = LATER_CLAUSES;
        } else {
            lx.accept("SELECT");
        }

        scan:
        while (true) {
            int type = lx.type();
            if (type == Lexer.END) {
                break;
            }
            if (type == Lexer.PUNCT) {
                if (lx.isPunct('(')) {
                    depth++;
                } else if (lx.isPunct(')')) {
                    depth--;
                    if (depth < queryDepth) {
                        // Closing a leading parenthesis: what follows applies to the whole query.
                        if (depth < 0) {
                            lx.malformed();
                            depth = 0;
                        }
                        queryDepth = depth;
                    }
                } else if (lx.isPunct('@')) {
                    if (gtidVariable(lx)) {
                        flags |= F_GTID_READ;
                    }
                    continue; // gtidVariable moved on
                } else if (lx.isPunct(',') && depth == queryDepth && clause == AFTER_SOURCE) {
                    several = true; // FROM t1, t2
                }
                lx.next();
                continue;
            }
            Keyword keyword = lx.keyword();
            if (keyword == null) {
                lx.next(); // a name, a number, a function: nothing to note
                continue;
            }
            if (keyword == Keyword.BINLOG_GTID_POS) {
                lx.next();
                if (lx.isPunct('(')) {
                    flags |= F_GTID_READ;
                }
                continue;
            }
            if (depth > queryDepth) {
                if (keyword == Keyword.SELECT || keyword == Keyword.WITH) {
                    several = true; // a subquery reads another table (or the same one twice)
                }
                lx.next();
                continue;
            }
            // At the query's own level.
            switch (keyword) {
                case FROM:
                    lx.next();
                    if (clause == SELECT_LIST) {
                        if (target != null) {
                            several = true;
                        }
                        TableName source = source(lx);
                        if (source == null) {
                            boolean derived = lx.isPunct('(') || lx.is("LATERAL");
                            several |= derived;
                            if (derived) {
                                flags |= F_FROM;
                            }
                        } else if (lx.isPunct('(')) {
                            flags |= F_FROM;
                            several = true; // a table function, JSON_TABLE(...)
                        } else {
                            flags |= F_FROM;
                            target = source;
                            partial |= skipTableDecorations(lx);
                        }
                        clause = AFTER_SOURCE;
                    }
                    continue;
                case FOR:
                    lx.next();
                    if (lx.keyword() == Keyword.UPDATE || lx.is("SHARE")) {
                        flags |= F_LOCKING_READ;
                    }
                    continue; // FOR SYSTEM_TIME (MariaDB) and the like: nothing to note
                case LOCK:
                    lx.next();
                    if (lx.accept("IN") && lx.accept("SHARE") && lx.is("MODE")) {
                        flags |= F_LOCKING_READ;
                    }
                    continue;
                case INTO:
                    flags |= F_SELECT_INTO;
                    break;
                case UNION:
                case EXCEPT:
                case INTERSECT:
                    several = true;
                    clause = SELECT_LIST;
                    break;
                case SELECT:
                    clause = SELECT_LIST;
                    break;
                case DISTINCT:
                case DISTINCTROW:
                    if (clause == SELECT_LIST) {
                        partial = true;
                    }
                    break;
                case WHERE:
                case GROUP:
                case HAVING:
                case LIMIT:
                    if (clause != SELECT_LIST) {
                        partial = true;
                        clause = LATER_CLAUSES;
                        if (!lx.seesWholeStatement()) {
                            stoppedEarly = true; // only tail flags are left to find, and the tail is out of reach
                            break scan;
                        }
                    }
                    break;
                case ORDER:
                case WINDOW:
                    if (clause != SELECT_LIST) {
                        clause = LATER_CLAUSES;
                    }
                    break;
                case JOIN:
                case INNER:
                case CROSS:
                case LEFT:
                case RIGHT:
                case NATURAL:
                case STRAIGHT_JOIN:
                case FULL:
                    if (clause == AFTER_SOURCE) {
                        several = true;
                    }
                    break;
                default:
                    break;
            }
            lx.next();
        }

        if (depth > 0 && !lx.truncated() && !stoppedEarly) {
            lx.malformed(); // unbalanced parentheses at the real end
        }
        boolean single = target != null && !several;
        if (single && !partial && !stoppedEarly && !lx.truncated()) {
            flags |= F_WHOLE_TABLE;
        }
        return lx.statement(Kind.SELECT, single ? target : null, List.of(), null, null, flags);
    }

    /** After FROM: the table name, or null for DUAL, a derived table {@code (...)}, LATERAL, or nothing. */
    private static TableName source(Lexer lx) {
        if (lx.accept("DUAL") || lx.is("LATERAL")) {
            return null;
        }
        return lx.tableName();
    }

    /**
     * After a table name: {@code [PARTITION (p, ...)] [[AS] alias] [{USE|FORCE|IGNORE} {INDEX|KEY} [FOR {JOIN|ORDER
     * BY|GROUP BY}] (...)] ...}. Returns whether a PARTITION list restricts the rows read.
     */
    private static boolean skipTableDecorations(Lexer lx) {
        boolean partition = false;
        if (lx.accept("PARTITION")) {
            partition = true;
            if (lx.isPunct('(')) {
                lx.skipParenthesized();
            }
        }
        if (lx.accept("AS")) {
            lx.next();
        } else if (isAlias(lx)) {
            lx.next();
        }
        while (lx.accept("USE") || lx.accept("FORCE") || lx.accept("IGNORE")) {
            if (!lx.accept("INDEX")) {
                lx.accept("KEY");
            }
            if (lx.accept("FOR")) {
                if (!lx.accept("JOIN") && (lx.accept("ORDER") || lx.accept("GROUP"))) {
                    lx.accept("BY");
                }
            }
            if (lx.isPunct('(')) {
                lx.skipParenthesized();
            }
        }
        return partition;
    }

    private static boolean isAlias(Lexer lx) {
        int type = lx.type();
        if (type == Lexer.QUOTED_NAME || type == Lexer.STRING) {
            return true;
        }
        return type == Lexer.WORD && !NOT_ALIASES.contains(lx.keyword());
    }

    /** At {@code @}: reads {@code @@[global.|session.|local.]name} and says whether name is a GTID position. */
    private static boolean gtidVariable(Lexer lx) {
        lx.next();
        if (!lx.isPunct('@')) {
            return false; // a user variable
        }
        lx.next();
        if (lx.accept("GLOBAL") || lx.accept("SESSION") || lx.accept("LOCAL")) {
            if (!lx.isPunct('.')) {
                return false;
            }
            lx.next();
        }
        if (lx.is("GTID_EXECUTED") || lx.is("GTID_BINLOG_POS") || lx.is("GTID_CURRENT_POS")) {
            lx.next();
            return true;
        }
        return false;
    }

    /** After WITH: {@code [RECURSIVE] name [(columns)] AS (query) [, ...]}. */
    private static void skipCommonTableExpressions(Lexer lx) {
        lx.accept("RECURSIVE");
        while (lx.isName()) {
            lx.next();
            if (lx.isPunct('(')) {
                lx.skipParenthesized();
            }
            lx.accept("AS");
            if (lx.isPunct('(')) {
                lx.skipParenthesized();
            }
            if (!lx.isPunct(',')) {
                return;
            }
            lx.next();
        }
    }
}
