package dev.backupguard.classify;

import java.util.List;

/**
 * Classifies SQL text for the backup protocol in one pass over the characters: no regex, no parser library.
 *
 * <ul>
 *   <li>MySQL executable comments {@code /*!NNNNN ... *}{@code /} and MariaDB's {@code /*M!NNNNNN ... *}{@code /}
 *       are SQL (their content is lexed, whatever the version number); other comments, {@code -- } and {@code #}
 *       comments are not.</li>
 *   <li>Quotes {@code '...'}, {@code "..."} and backticks are respected, with doubled quotes and backslash escapes.</li>
 *   <li>Case and whitespace never matter.</li>
 *   <li>Bad input never throws: null, empty, unterminated quotes or comments, binary garbage.</li>
 *   <li>Only what is needed is read: the leading keywords, and for a SELECT the text up to just past its table
 *       reference, so a 10 MB INSERT is classified after a few tokens.</li>
 * </ul>
 *
 * Thread-safe and stateless: the text is read under the default sql_mode, and every executable comment is SQL. A
 * connection reads its statements under what its server session knows (sql_mode, server version, prepared
 * statements) with a {@link SessionText}.
 */
public final class Classifier {

    private Classifier() {
    }

    /**
     * The first statement of {@code sql}. Text after a top-level {@code ;} is not looked at: use
     * {@link #classifyAll(String)} where the connection allows multi-statement text.
     *
     * <p>The result's {@link Statement#sql()} is {@code sql} itself (the same String), since the end of the first
     * statement is not looked for; null is read as the empty text and gives {@link Kind#EMPTY} with sql {@code ""}.
     *
     * <p>How much is read: leading whitespace and comments always; from the first keyword on, at most 16 KiB
     * (Lexer.SCAN_LIMIT), and usually a few words. A SELECT is read up to its table reference and the clause after
     * it; its tail (FOR UPDATE, INTO, UNION) is read only when the statement ends within the 16 KiB, so a longer query
     * is never {@link Statement#F_WHOLE_TABLE} and may miss a trailing FOR UPDATE. LOCK TABLES and FLUSH TABLES read
     * their whole table list. Hints and {@link Statement#F_MALFORMED} are noticed only in the part read (always for
     * leading comments).
     */
    public static Statement classify(String sql) {
        return Lexer.classifyFirst(sql);
    }

    /**
     * Like {@link #classify(String)}, but a query starting with SELECT, TABLE or VALUES is classified by that keyword
     * only: kind SELECT with {@link Statement#F_SHALLOW}, no target, no shape flags, and a hint comment is seen only
     * before the keyword. Everything else (WITH and parenthesised text, which may hold an UPDATE or DELETE, too) is
     * classified as fully as by {@code classify}. For
     * connections where no query can matter (the guardrail role outside a backup session): ordinary reads then cost
     * a few keyword comparisons.
     */
    public static Statement classifyLeading(String sql) {
        return Lexer.classifyLeading(sql);
    }

    /**
     * Every statement of multi-statement text, split at top-level {@code ;} (outside quotes and comments).
     * Empty parts are dropped; an all-empty text gives one {@link Kind#EMPTY} statement. Scans the whole text.
     *
     * <p>Each part's {@link Statement#sql()} is its text without the {@code ;} and trimmed of whitespace (the caller's
     * String when the text is one statement with nothing to trim). A part holding only comments is dropped unless it
     * carries a hint, which is then kept as an EMPTY statement with the hint flag. Compound statement bodies
     * ({@code BEGIN ... END} without a client-side DELIMITER) are not recognised: their inner semicolons split too.
     */
    public static List<Statement> classifyAll(String sql) {
        return Lexer.classifyAll(sql);
    }
}
