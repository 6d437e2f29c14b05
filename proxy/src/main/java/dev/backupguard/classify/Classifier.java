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
 * Thread-safe and stateless.
 */
public final class Classifier {

    private Classifier() {
    }

    /**
     * The first statement of {@code sql}. Text after a top-level {@code ;} is not looked at: use
     * {@link #classifyAll(String)} where the connection allows multi-statement text.
     */
    public static Statement classify(String sql) {
        return Lexer.classifyFirst(sql);
    }

    /**
     * Every statement of multi-statement text, split at top-level {@code ;} (outside quotes and comments).
     * Empty parts are dropped; an all-empty text gives one {@link Kind#EMPTY} statement. Scans the whole text.
     */
    public static List<Statement> classifyAll(String sql) {
        return Lexer.classifyAll(sql);
    }
}
