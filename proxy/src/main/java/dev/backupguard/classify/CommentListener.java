package dev.backupguard.classify;

/**
 * The comments the {@link Lexer} skips, told to the redactor ({@link RedactedSql}), which shows a statement's tokens
 * but not its comments. Positions are indexes into the text.
 */
interface CommentListener {

    /** A comment {@code [from, to)}, delimiters included; an unterminated one runs to the end of the text. */
    void comment(int from, int to);

    /** An executable comment opens: {@code [from, to)} is its opener and version ({@code /*!40101}). */
    void executableCommentOpened(int from, int to);

    /** The {@code *}{@code /} at {@code at} closes the executable comment. */
    void executableCommentClosed(int at);
}
