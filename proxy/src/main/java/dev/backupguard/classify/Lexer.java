package dev.backupguard.classify;

import static dev.backupguard.classify.Statement.F_HINT_BACKUP;
import static dev.backupguard.classify.Statement.F_HINT_NEVER;
import static dev.backupguard.classify.Statement.F_MALFORMED;

import java.util.ArrayList;
import java.util.List;

/**
 * The tokens of one MySQL/MariaDB statement, read on demand one at a time, plus the classifier's entry points.
 *
 * <p>No token objects: the current token is a type and a {@code [start, stop)} range of the text, and names are cut
 * out of the text only when a recognizer returns them. Keywords are compared in place, ignoring ASCII case (never
 * toUpperCase, which also maps U+017F and U+0131 onto ASCII letters the server's lexer does not); the query scan looks
 * each word up once in {@link Keyword}'s hash table, fed by a case-folded hash taken while the word is read.
 *
 * <h2>Lexical rules (MySQL 8.4 manual: "Comments", "String Literals", "Schema Object Names"; MariaDB "Comment Syntax")</h2>
 * <ul>
 *   <li>{@code /*!} and MariaDB's {@code /*M!} open an executable comment, lexed as SQL until the
 *       {@code *}{@code /} that closes it. With a {@link Dialect} that knows the server's version, a versioned comment
 *       above it is skipped as the server skips it (docs/server-facts.md, fact 10): MariaDB reads five digits, or six
 *       when a sixth follows, skips {@code /*!} versions 50700 to 99999 (MySQL-only syntax) but not {@code /*M!} ones,
 *       and takes fewer than five digits as SQL; MySQL (8.4 manual, "Comments") reads five digits, or six followed by
 *       whitespace from 8.1, and {@code /*M!} is an ordinary comment to it. A skipped comment may hold one nested
 *       comment. With an unknown version every executable comment is SQL (up to six digits skipped).</li>
 *   <li>Other comments are skipped: {@code /* ... *}{@code /}, {@code #} to end of line, and {@code --} to end of line
 *       only when a space or control character (or the end) follows, so {@code 5--1} is arithmetic. While skipping a
 *       comment the hints {@code backup-guard:backup} and {@code backup-guard:never} are recognised when they are the
 *       whole comment (whitespace around the words and the colon allowed, any case).</li>
 *   <li>{@code '...'} and {@code "..."} are strings with doubled-quote and backslash escapes ("String Literals");
 *       under the dialect's NO_BACKSLASH_ESCAPES a backslash is an ordinary character, under its ANSI_QUOTES
 *       {@code "..."} is a name. A double-quoted string is also accepted where a name is expected. Where a backslash
 *       inside quotes, a {@code "} token or a versioned comment would read differently under a part of the dialect
 *       that is unknown, {@link #sensitivity()} says so.</li>
 *   <li>{@code `...`} is a name with doubled-backtick escapes and no backslash escapes.</li>
 *   <li>Unquoted words are runs of ASCII letters, digits, {@code _}, {@code $} and characters U+0080 and above.
 *       Surrogates are marked malformed: MySQL identifiers are limited to U+0080..U+FFFF, and a lone surrogate
 *       cannot even be encoded for the server.</li>
 *   <li>A top-level {@code ;} ends the statement. Control characters outside quotes and comments are malformed.</li>
 * </ul>
 *
 * <h2>How much is read</h2>
 * Leading whitespace and comments are always skipped, however long (linear, no allocation). From the first token on,
 * a bounded lexer never reads past {@link #SCAN_LIMIT} characters: a token that would cross the limit ends the
 * statement as if it ended there, and {@link #truncated()} says so (it is not {@link Statement#F_MALFORMED}).
 * Recognizers read less: most decide from one to four keywords; see {@link QueryShape} for SELECT. The two
 * statements whose meaning is a list of tables, LOCK TABLES and FLUSH TABLES, lift the limit for their list
 * ({@link #liftScanLimit()}).
 */
final class Lexer {

    /** End of the statement: end of the text, a top-level {@code ;}, or the scan limit ({@link #truncated()}). */
    static final int END = 0;
    /** An unquoted word: keyword, identifier or number. */
    static final int WORD = 1;
    /** A backquoted name. */
    static final int QUOTED_NAME = 2;
    /** A {@code '...'} or {@code "..."} string. */
    static final int STRING = 3;
    /** Any other single character: {@code ( ) , . = @ *} and so on. */
    static final int PUNCT = 4;
    private static final int BEFORE_FIRST = -1;

    /**
     * How far past its first token a statement is ever read, in chars. Large enough for the tail of any ordinary
     * statement (a FOR UPDATE after a few hundred ids), small enough that a 10 MB statement costs microseconds.
     */
    static final int SCAN_LIMIT = 16 * 1024;

    private static final Statement NULL_TEXT = new Statement(Kind.EMPTY, "", null, List.of(), null, null, 0);

    /** ASCII characters that may appear in an unquoted word; every char from U+0080 up may too. */
    private static final boolean[] WORD_CHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            WORD_CHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            WORD_CHAR[c] = true;
            WORD_CHAR[c - 'a' + 'A'] = true;
        }
        WORD_CHAR['_'] = true;
        WORD_CHAR['$'] = true;
    }

    /** A backslash inside a string while NO_BACKSLASH_ESCAPES is unknown: under it the string would end elsewhere. */
    static final int BACKSLASH_IN_QUOTES = 1;
    /** A {@code "} token while ANSI_QUOTES is unknown: under it the token is a name (whose backslashes do not escape). */
    static final int DOUBLE_QUOTE = 1 << 1;
    /** A versioned executable comment read with an unknown server version. */
    static final int VERSIONED_COMMENT = 1 << 2;

    private final String sql;
    private final int end;
    private final boolean bounded;
    private Dialect dialect;
    private int sensitivity;
    /** Queries are classified by their leading keyword only ({@link Classifier#classifyLeading}). */
    private boolean shallow;
    private int limit;
    private int pos;
    private boolean started;
    private boolean inExecutableComment;

    private int type = BEFORE_FIRST;
    private int start;
    private int stop;
    /** The character of a PUNCT token, 0 for other tokens. */
    private char punct;
    /** Case-folded hash of the current word, taken while reading it (for {@link #keyword()}). */
    private int wordHash;
    /** {@link #keyword()}'s answer for the current token, once asked. */
    private Keyword keyword;
    private boolean keywordKnown;
    /** The current quoted token contains a doubled quote or a backslash escape: its text must be unescaped. */
    private boolean escaped;
    private boolean atSemicolon;
    private boolean truncated;
    /** A token began (even one cut short by the end of the text): the statement is not empty. */
    private boolean sawToken;
    private int flags;
    /** Told where the comments are, for the redactor; null for classification. */
    private CommentListener comments;

    /**
     * @param sql     the text, not null
     * @param bounded whether {@link #SCAN_LIMIT} applies (classification) or not (splitting multi-statement text)
     */
    Lexer(String sql, boolean bounded) {
        this(sql, bounded, Dialect.UNKNOWN);
    }

    Lexer(String sql, boolean bounded, Dialect dialect) {
        this.sql = sql;
        this.end = sql.length();
        this.limit = end;
        this.bounded = bounded;
        this.dialect = dialect;
    }

    /** How the rest of the text is read: a SET sql_mode part of multi-statement text changes it for the next parts. */
    void dialect(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Where the text read so far depends on an unknown part of the dialect: a bit set of the constants above. */
    int sensitivity() {
        return sensitivity;
    }

    // ---------------------------------------------------------------- entry points

    /** See {@link Classifier#classify(String)}. */
    static Statement classifyFirst(String sql) {
        if (sql == null) {
            return NULL_TEXT;
        }
        return LeadingKeywords.recognize(new Lexer(sql, true));
    }

    /** See {@link Classifier#classifyLeading(String)}. */
    static Statement classifyLeading(String sql) {
        if (sql == null) {
            return NULL_TEXT;
        }
        Lexer lx = new Lexer(sql, true);
        lx.shallow = true;
        return LeadingKeywords.recognize(lx);
    }

    /** Queries are to be classified by their leading keyword only ({@link Classifier#classifyLeading}). */
    Lexer leadingOnly() {
        shallow = true;
        return this;
    }

    /** Whether a query is to be classified by its leading keyword only. */
    boolean shallow() {
        return shallow;
    }

    /**
     * See {@link Classifier#classifyAll(String)}. A first, unbounded pass finds the top-level semicolons; each part is
     * then classified on its own, bounded like a single statement. Parts that are empty or hold only comments
     * without a hint are dropped.
     */
    static List<Statement> classifyAll(String sql) {
        if (sql == null) {
            return List.of(NULL_TEXT);
        }
        Lexer splitter = new Lexer(sql, false);
        List<Statement> parts = new ArrayList<>(2);
        int partStart = 0;
        while (true) {
            int partEnd = splitter.nextPartEnd();
            if (partEnd == sql.length() && partStart == 0) {
                // No ';' at all: one statement, which keeps the caller's String as its text.
                return List.of(classifyFirst(sql));
            }
            Statement part = classifyPart(sql, partStart, partEnd);
            if (part != null) {
                parts.add(part);
            }
            if (partEnd == sql.length()) {
                break;
            }
            partStart = partEnd + 1;
        }
        return parts.isEmpty() ? List.of(classifyFirst(sql)) : List.copyOf(parts);
    }

    /**
     * Splitting: the position of the next top-level {@code ;} (the text's length when there is none), after which
     * the lexer goes on from there. Unbounded lexers only.
     */
    int nextPartEnd() {
        if (atSemicolon) {
            resumeAfterSemicolon();
        }
        while (next() != END) {
            // only the position of the next top-level ';' matters here
        }
        return atSemicolon ? start : sql.length();
    }

    /** One part of multi-statement text, trimmed of whitespace; null when it is empty or a comment without hint. */
    private static Statement classifyPart(String sql, int from, int to) {
        String text = partText(sql, from, to);
        if (text == null) {
            return null;
        }
        Statement statement = classifyFirst(text);
        return statement.kind() == Kind.EMPTY && statement.flags() == 0 ? null : statement;
    }

    /** The text of one part, trimmed of whitespace; null when it is empty. */
    static String partText(String sql, int from, int to) {
        while (from < to && isSpace(sql.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(sql.charAt(to - 1))) {
            to--;
        }
        if (from == to) {
            return null;
        }
        return from == 0 && to == sql.length() ? sql : sql.substring(from, to);
    }

    // ---------------------------------------------------------------- tokens

    /** Moves to the next token and returns its type; stays at {@link #END} once there. */
    int next() {
        if (type == END) {
            return END;
        }
        keywordKnown = false;
        punct = 0;
        skipTrivia();
        if (pos >= limit) {
            return runOut(false);
        }
        if (!started) {
            started = true;
            if (bounded && end - pos > SCAN_LIMIT) {
                limit = pos + SCAN_LIMIT;
            }
        }
        start = pos;
        escaped = false;
        char c = sql.charAt(pos);
        sawToken |= c != ';';
        if (c >= 128 || WORD_CHAR[c]) {
            return word();
        }
        switch (c) {
            case '\'':
                return quoted(c, STRING, !dialect.noBackslashEscapes());
            case '"':
                if ((dialect.unknownModes() & Dialect.ANSI_QUOTES) != 0) {
                    sensitivity |= DOUBLE_QUOTE;
                }
                return dialect.ansiQuotes() ? quoted(c, QUOTED_NAME, false)
                        : quoted(c, STRING, !dialect.noBackslashEscapes());
            case '`':
                return quoted(c, QUOTED_NAME, false);
            case ';':
                atSemicolon = true; // the end of the statement, not a token of it
                pos++;
                stop = pos;
                return type = END;
            default:
                if (c < ' ' || c == 0x7F) {
                    flags |= F_MALFORMED; // a control character outside quotes and comments: binary garbage
                }
                punct = c;
                pos++;
                stop = pos;
                return type = PUNCT;
        }
    }

    private int word() {
        int i = pos;
        int hash = 0;
        while (i < limit) {
            char c = sql.charAt(i);
            if (c < 128) {
                if (!WORD_CHAR[c]) {
                    break;
                }
            } else if (Character.isSurrogate(c)) {
                flags |= F_MALFORMED;
            }
            hash = Keyword.hashStep(hash, c);
            i++;
        }
        wordHash = hash;
        if (i == limit && limit < end) {
            return runOut(false); // the word may go on past the scan limit: never act on half a word
        }
        pos = i;
        stop = i;
        return type = WORD;
    }

    private int quoted(char quote, int kind, boolean backslashEscapes) {
        int i = pos + 1;
        boolean esc = false;
        while (i < limit) {
            char c = sql.charAt(i);
            if (c == quote) {
                if (i + 1 < limit && sql.charAt(i + 1) == quote) {
                    esc = true;
                    i += 2;
                    continue;
                }
                if (i + 1 == limit && limit < end) {
                    break; // a doubled quote may straddle the scan limit
                }
                pos = i + 1;
                stop = pos;
                escaped = esc;
                return type = kind;
            }
            if (c == '\\' && kind == STRING) {
                if ((dialect.unknownModes() & Dialect.NO_BACKSLASH_ESCAPES) != 0) {
                    sensitivity |= BACKSLASH_IN_QUOTES;
                }
                if (backslashEscapes) {
                    esc = true;
                    i += 2;
                    continue;
                }
            }
            i++;
        }
        return runOut(true);
    }

    /** No more characters: the text ended (unterminated token or comment: malformed) or the scan limit was hit. */
    private int runOut(boolean insideToken) {
        if (limit < end) {
            truncated = true;
        } else if (insideToken || inExecutableComment) {
            flags |= F_MALFORMED;
        }
        pos = limit;
        start = limit;
        stop = limit;
        return type = END;
    }

    private void skipTrivia() {
        while (pos < limit) {
            char c = sql.charAt(pos);
            if (isSpace(c)) {
                pos++;
            } else if (c == '/' && charAt(pos + 1) == '*') {
                char third = charAt(pos + 2);
                if (third == '!') {
                    executableComment(pos + 3, false);
                } else if (third == 'M' && charAt(pos + 3) == '!') {
                    executableComment(pos + 4, true);
                } else {
                    skipBlockComment();
                }
            } else if (c == '*' && inExecutableComment && charAt(pos + 1) == '/') {
                inExecutableComment = false;
                if (comments != null) {
                    comments.executableCommentClosed(pos);
                }
                pos += 2;
            } else if (c == '#') {
                skipLineComment(pos + 1);
            } else if (c == '-' && charAt(pos + 1) == '-' && (pos + 2 >= end || isControlOrSpace(charAt(pos + 2)))) {
                skipLineComment(pos + 2);
            } else {
                return;
            }
        }
    }

    /**
     * At {@code /*!} or {@code /*M!} ({@code afterBang} just past the {@code !}): enters the comment as SQL, or skips it
     * when the dialect's server would (see the class comment for the rules; docs/server-facts.md, fact 10).
     */
    private void executableComment(int afterBang, boolean mariadbForm) {
        int digits = 0;
        while (digits < 6 && isDigit(charAt(afterBang + digits))) {
            digits++;
        }
        if (!dialect.versionKnown()) {
            if (digits >= 5) {
                sensitivity |= VERSIONED_COMMENT;
            }
            enterExecutableComment(afterBang + digits); // as before: SQL, whatever the version
            return;
        }
        if (mariadbForm && !dialect.mariadb()) {
            skipBlockComment(); // MySQL knows no /*M!: an ordinary comment
            return;
        }
        if (digits < 5) {
            enterExecutableComment(afterBang); // no version: the digits are SQL
            return;
        }
        int length = 5;
        if (digits == 6 && (dialect.mariadb() || (dialect.version() >= 80100 && isSpace(charAt(afterBang + 6))))) {
            length = 6;
        }
        int version = Integer.parseInt(sql, afterBang, afterBang + length, 10);
        boolean mysqlOnly = dialect.mariadb() && !mariadbForm && version >= 50700 && version <= 99999;
        if (version <= dialect.version() && !mysqlOnly) {
            enterExecutableComment(afterBang + length);
        } else {
            skipVersionedComment(afterBang + length);
        }
    }

    private void enterExecutableComment(int contentStart) {
        if (comments != null) {
            comments.executableCommentOpened(pos, contentStart);
        }
        pos = contentStart;
        inExecutableComment = true;
    }

    /** A versioned comment the server skips: up to its closing mark, one nested comment allowed inside. */
    private void skipVersionedComment(int from) {
        boolean nested = false;
        for (int i = from; i + 1 < limit; i++) {
            char c = sql.charAt(i);
            if (c == '/' && sql.charAt(i + 1) == '*' && !nested) {
                nested = true;
                i++;
            } else if (c == '*' && sql.charAt(i + 1) == '/') {
                if (!nested) {
                    if (comments != null) {
                        comments.comment(pos, i + 2);
                    }
                    pos = i + 2;
                    return;
                }
                nested = false;
                i++;
            }
        }
        if (comments != null) {
            comments.comment(pos, limit);
        }
        pos = limit;
        if (limit < end) {
            truncated = true;
        } else {
            flags |= F_MALFORMED;
        }
    }

    private void skipBlockComment() {
        int from = pos + 2;
        for (int i = from; i + 1 < limit; i++) {
            if (sql.charAt(i) == '*' && sql.charAt(i + 1) == '/') {
                noteHint(from, i);
                if (comments != null) {
                    comments.comment(pos, i + 2);
                }
                pos = i + 2;
                return;
            }
        }
        if (comments != null) {
            comments.comment(pos, limit);
        }
        pos = limit;
        if (limit < end) {
            truncated = true;
        } else {
            flags |= F_MALFORMED;
        }
    }

    private void skipLineComment(int from) {
        int i = from;
        while (i < limit && sql.charAt(i) != '\n') {
            i++;
        }
        if (i == limit && limit < end) {
            truncated = true;
            pos = limit;
            return;
        }
        noteHint(from, i);
        if (comments != null) {
            comments.comment(pos, i);
        }
        pos = i;
    }

    /** Sets a hint flag when the comment text {@code [from, to)} is exactly {@code backup-guard : backup|never}. */
    private void noteHint(int from, int to) {
        int i = skipSpaces(from, to);
        if (!regionIs(i, to, "BACKUP-GUARD")) {
            return;
        }
        i = skipSpaces(i + 12, to);
        if (i >= to || sql.charAt(i) != ':') {
            return;
        }
        i = skipSpaces(i + 1, to);
        if (regionIs(i, to, "BACKUP") && skipSpaces(i + 6, to) == to) {
            flags |= F_HINT_BACKUP;
        } else if (regionIs(i, to, "NEVER") && skipSpaces(i + 5, to) == to) {
            flags |= F_HINT_NEVER;
        }
    }

    private int skipSpaces(int from, int to) {
        int i = from;
        while (i < to && isSpace(sql.charAt(i))) {
            i++;
        }
        return i;
    }

    private boolean regionIs(int at, int to, String upper) {
        return at + upper.length() <= to && sameLetters(sql, at, upper);
    }

    /** {@code text} at {@code at} equals {@code upper}, ignoring ASCII case; no allocation, unlike toUpperCase. */
    static boolean sameLetters(String text, int at, String upper) {
        for (int k = 0; k < upper.length(); k++) {
            char c = text.charAt(at + k);
            char u = upper.charAt(k);
            if (c != u && (u < 'A' || u > 'Z' || (c & 0xFFDF) != u)) {
                return false;
            }
        }
        return true;
    }

    private char charAt(int i) {
        return i < limit ? sql.charAt(i) : '\0';
    }

    /** MySQL's whitespace: space, tab, newline, carriage return, form feed, vertical tab. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\u000B';
    }

    /**
     * What may follow {@code --} in a comment: a space or a control character (MySQL 8.4 manual, "Comments"), DEL
     * included, as MariaDB 11.4 reads it ({@code SELECT 1 --<DEL> x} returns 1).
     */
    private static boolean isControlOrSpace(char c) {
        return c <= ' ' || c == 0x7F;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Lets the lexer continue after a top-level {@code ;} (splitting and redaction). */
    void resumeAfterSemicolon() {
        atSemicolon = false;
        sawToken = false;
        type = BEFORE_FIRST;
    }

    // ---------------------------------------------------------------- what recognizers ask

    int type() {
        return type;
    }

    /** The current token is the unquoted keyword {@code upper} (given in upper case), in any case. */
    boolean is(String upper) {
        return type == WORD && stop - start == upper.length() && sameLetters(sql, start, upper);
    }

    /** If the current token is keyword {@code upper}, moves past it. */
    boolean accept(String upper) {
        if (is(upper)) {
            next();
            return true;
        }
        return false;
    }

    boolean isPunct(char c) {
        return type == PUNCT && punct == c;
    }

    /** The current word as one of the {@link Keyword}s, or null (a name, a number, not a word). */
    Keyword keyword() {
        if (!keywordKnown) {
            keyword = type == WORD ? Keyword.find(sql, start, stop - start, wordHash) : null;
            keywordKnown = true;
        }
        return keyword;
    }

    /** A name can stand here: an unquoted word, a backquoted name, or a double-quoted one (ANSI_QUOTES). */
    boolean isName() {
        return type == WORD || type == QUOTED_NAME || (type == STRING && sql.charAt(start) == '"');
    }

    /** Upper-case first letter of the current word (for dispatch on the leading keyword), or 0. */
    char upperFirst() {
        if (type != WORD) {
            return 0;
        }
        char c = sql.charAt(start);
        return c >= 'a' && c <= 'z' ? (char) (c - 32) : c;
    }

    boolean startsWithDigit() {
        return type == WORD && isDigit(sql.charAt(start));
    }

    /**
     * The current token's text: a word as written, a quoted token without its quotes and unescaped as the server reads
     * it (MySQL 8.4 manual, "String Literals": {@code \0 \b \n \r \t \Z} are control characters, {@code \%} and
     * {@code \_} keep their backslash, any other escaped character is itself; names have no backslash escapes).
     */
    String text() {
        if (type == WORD) {
            return sql.substring(start, stop);
        }
        if (type != STRING && type != QUOTED_NAME) {
            return "";
        }
        int from = start + 1;
        int to = stop - 1;
        if (!escaped) {
            return sql.substring(from, to);
        }
        char quote = sql.charAt(start);
        boolean backslashes = type == STRING && !dialect.noBackslashEscapes();
        StringBuilder text = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = sql.charAt(i);
            if (c == quote) {
                i++; // doubled quote: keep one
            } else if (c == '\\' && backslashes && i + 1 < to) {
                c = sql.charAt(++i);
                switch (c) {
                    case '0' -> c = '\0';
                    case 'b' -> c = '\b';
                    case 'n' -> c = '\n';
                    case 'r' -> c = '\r';
                    case 't' -> c = '\t';
                    case 'Z' -> c = '\u001A';
                    case '%', '_' -> text.append('\\');
                    default -> {
                        // the character itself
                    }
                }
            }
            text.append(c);
        }
        return text.toString();
    }

    /** Reads a name and moves past it; null (and malformed) when there is none or it is empty. */
    String requiredName() {
        if (isName()) {
            String name = text();
            next();
            if (!name.isEmpty()) {
                return name;
            }
        }
        flags |= F_MALFORMED;
        return null;
    }

    /**
     * Reads {@code name} or {@code schema.name} (each plain, backquoted or double-quoted) and moves past it; null when
     * no name stands here. An empty name ({@code ``}) is malformed and gives null.
     */
    TableName tableName() {
        if (!isName()) {
            return null;
        }
        String first = text();
        next();
        String second = null;
        if (isPunct('.')) {
            next();
            if (isName()) {
                second = text();
                next();
            } else {
                second = "";
            }
        }
        if (first.isEmpty() || (second != null && second.isEmpty())) {
            flags |= F_MALFORMED;
            return null;
        }
        return second == null ? TableName.of(first) : new TableName(first, second);
    }

    /**
     * The current word or quoted text equals {@code canonical} (upper case), ignoring case and treating {@code -},
     * {@code _} and space alike: for enumerated variable values such as {@code 'READ-COMMITTED'} or {@code ON}.
     */
    boolean textIs(String canonical) {
        if (type == WORD) {
            return stop - start == canonical.length() && sameValue(sql, start, canonical);
        }
        if (type != STRING && type != QUOTED_NAME) {
            return false;
        }
        if (escaped) {
            String text = text();
            return text.length() == canonical.length() && sameValue(text, 0, canonical);
        }
        return stop - start - 2 == canonical.length() && sameValue(sql, start + 1, canonical);
    }

    private static boolean sameValue(String s, int at, String canonical) {
        for (int k = 0; k < canonical.length(); k++) {
            char c = s.charAt(at + k);
            char u = canonical.charAt(k);
            if (c == u || (u >= 'A' && u <= 'Z' && (c & 0xFFDF) == u)) {
                continue;
            }
            if (isSeparator(c) && isSeparator(u)) {
                continue;
            }
            return false;
        }
        return true;
    }

    private static boolean isSeparator(char c) {
        return c == '-' || c == '_' || c == ' ';
    }

    /**
     * The current string (or word) contains {@code lower} (lower case ASCII), ignoring case and backslashes: a LIKE
     * pattern {@code 'binlog\_snapshot\_%'} mentions {@code binlog_snapshot}.
     */
    boolean textMentions(String lower) {
        int from;
        int to;
        if (type == WORD) {
            from = start;
            to = stop;
        } else if (type == STRING || type == QUOTED_NAME) {
            from = start + 1;
            to = stop - 1;
        } else {
            return false;
        }
        for (int i = from; i < to; i++) {
            int j = i;
            int k = 0;
            while (k < lower.length() && j < to) {
                char c = sql.charAt(j);
                if (c == '\\') {
                    j++;
                    continue;
                }
                char want = lower.charAt(k);
                if (c != want && (want < 'a' || want > 'z' || (c | 0x20) != want)) {
                    break;
                }
                j++;
                k++;
            }
            if (k == lower.length()) {
                return true;
            }
        }
        return false;
    }

    /**
     * At {@code (}: moves just past the matching {@code )}, or to the end. Nesting is a counter, never the call stack,
     * so 100,000 open parentheses cost nothing but time.
     */
    void skipParenthesized() {
        int depth = 0;
        do {
            if (isPunct('(')) {
                depth++;
            } else if (isPunct(')')) {
                depth--;
            }
            next();
        } while (depth > 0 && type != END);
    }

    /** Reads the rest of the statement, whatever its length (for table lists, whose every name matters). */
    void liftScanLimit() {
        limit = end;
    }

    /** Only whitespace and comments so far: no token has begun. */
    boolean onlyTrivia() {
        return !sawToken;
    }

    /** The scan limit cut the statement short: what was not read is unknown, not malformed. */
    boolean truncated() {
        return truncated;
    }

    /** The whole statement lies within the scan limit, so reading on will reach its real end. */
    boolean seesWholeStatement() {
        return limit == end;
    }

    /** How many chars of the text the lexer has consumed: for tests that prove a bounded prefix is read. */
    int charsRead() {
        return pos;
    }

    // ---------------------------------------------------------------- what the redactor asks

    /** Listens for the comments the lexer skips from now on ({@link RedactedSql}). */
    void listen(CommentListener listener) {
        comments = listener;
    }

    /** Where the current token starts; at {@link #END} after a {@code ;}, where that {@code ;} is. */
    int tokenStart() {
        return start;
    }

    /** Just past the current token (past the {@code ;} that ended the statement). */
    int tokenStop() {
        return stop;
    }

    /** The statement ended at a top-level {@code ;} (see {@link #resumeAfterSemicolon()}). */
    boolean atSemicolon() {
        return atSemicolon;
    }

    /**
     * Where the string or name quoted at {@code open} ends when backslashes do not escape, as under the sql_mode
     * NO_BACKSLASH_ESCAPES or for a name in double quotes under ANSI_QUOTES: just past its closing quote, or -1 when
     * the text ends first. The same scan as the lexer's own, with backslash escapes off.
     */
    static int quotedEndWithoutBackslashEscapes(String sql, int open) {
        Lexer lexer = new Lexer(sql, false);
        lexer.pos = open;
        return lexer.quoted(sql.charAt(open), STRING, false) == END ? -1 : lexer.stop;
    }

    /** Marks the statement malformed (a recognizer found something the grammar does not allow). */
    void malformed() {
        flags |= F_MALFORMED;
    }

    // ---------------------------------------------------------------- results

    Statement statement(Kind kind, int flags) {
        return statement(kind, null, List.of(), null, null, flags);
    }

    /**
     * The classified statement. Statements that are short by nature (everything but queries, DML, DDL and OTHER,
     * which may run to megabytes) are first read to their end, within the scan limit, so that a hint or an
     * unterminated quote anywhere in them is seen.
     */
    Statement statement(Kind kind, TableName target, List<TableName> tables, String name, IsolationLevel isolation,
                        int flags) {
        if (readsToEnd(kind)) {
            while (next() != END) {
                // hints and malformation are noted by the lexer as it goes
            }
        }
        return new Statement(kind, sql, target, tables, name, isolation, flags | this.flags);
    }

    private static boolean readsToEnd(Kind kind) {
        switch (kind) {
            case SELECT:
            case DML:
            case DDL:
            case OTHER:
            case EMPTY:
                return false;
            default:
                return true;
        }
    }
}
