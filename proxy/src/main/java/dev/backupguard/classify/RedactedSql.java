package dev.backupguard.classify;

/**
 * SQL with its literals and comments taken out, read by the classifier's own {@link Lexer}: what the lexer calls a
 * string, a number or a comment is exactly what is hidden, so no second set of quoting rules can disagree with it.
 *
 * <p>What is shown: keywords, unquoted and backquoted names, punctuation, whitespace, and the opener, version and
 * closer of an executable comment ({@code /*!40101 ... *}{@code /}), whose content is SQL like any other. What becomes
 * {@code ?}: every string ({@code '...'}, {@code "..."}), number ({@code 42}, {@code -3.5e10}, {@code 0x1F}), the quoted
 * part of {@code X'..'}, {@code b'..'}, {@code N'..'} and {@code _charset'..'}, the content of every other comment
 * ({@code /*?*}{@code /}, {@code #?}, {@code -- ?}), and the word after {@code IDENTIFIED BY} and after
 * {@code PASSWORD =} / {@code PASSWORD(} even unquoted. Version digits other than five or six are a {@code ?} too:
 * MariaDB 11.4 reads no version in {@code /*!5}, and {@code 5} is a number of the content.
 *
 * <p>The session's sql_mode and the server's version are not known here, so where they would change what is a literal
 * everything from that point to the end of the text becomes {@code ?}:
 * <ul>
 *   <li>a string whose end moves when backslashes do not escape (NO_BACKSLASH_ESCAPES reads {@code 'C:\'} as a whole
 *       string; ANSI_QUOTES reads {@code "x\"} as a whole name), found by scanning it both ways;</li>
 *   <li>an executable comment that would end elsewhere if the server skipped it. A server skips a version above its
 *       own (MariaDB 11.4 also skips {@code /*!50700} to {@code /*!99999}) up to the first {@code *}{@code /}, but
 *       nests one comment opened before it, even inside quotes ({@code /*!99999 '/*' *}{@code / x *}{@code /} ends
 *       after {@code x}). So: a {@code /*} before the first closer, a token or comment that reaches past the first
 *       closer, a closer elsewhere, or no closer at all; from the executable comment's opener on.</li>
 * </ul>
 * Both ways agree on every other token, so the tokens shown are the same under every sql_mode and either reading of
 * each executable comment. {@code "x"} is hidden as a string even where ANSI_QUOTES makes it a name. Tokens inside an
 * executable comment do not end an {@code IDENTIFIED BY} or {@code PASSWORD =} before it: a server that skips the
 * comment does not see them.
 *
 * <p>Linear: the lexer reads each char once, each string is scanned for a backslash and, if it has one, for its end
 * without escapes, and each outermost executable comment is searched once for its first closer; past the first
 * uncertainty nothing more is read. Never longer than the text.
 */
final class RedactedSql implements CommentListener {

    private final String text;
    private final StringBuilder out;
    /** Everything before this index of the text has been written out (or hidden). */
    private int written;
    /** The rest of the text is hidden: stop. */
    private boolean hiddenToEnd;
    /**
     * Inside an executable comment: where its first closer is (the end a server that skips it would see), and where
     * its opener was written.
     */
    private boolean inExecutableComment;
    private int firstCloser;
    private int openerWritten;
    /** Extra chars read beyond the lexer's own pass (second string scans, closer searches): for the linearity test. */
    private long extraReads;

    // IDENTIFIED BY secret, PASSWORD = secret, PASSWORD(secret)
    private boolean identified;
    private boolean passwordWord;
    private boolean secretNext;

    // 3.5, 1e-5: the parts of one number are one ?
    private int numberStop = -1;
    private int joinAt = -1;
    private int joinOut = -1;

    private RedactedSql(String text) {
        this.text = text;
        this.out = new StringBuilder(text.length());
    }

    /** {@code text} redacted, in full (the caller cuts long text first). */
    static String of(String text) {
        return run(text).out.toString();
    }

    /** How many chars redacting {@code text} reads in all. */
    static long charsRead(String text) {
        RedactedSql r = run(text);
        return r.text.length() + r.extraReads;
    }

    private static RedactedSql run(String text) {
        RedactedSql r = new RedactedSql(text);
        Lexer lexer = new Lexer(text, false);
        lexer.listen(r);
        r.read(lexer);
        return r;
    }

    private void read(Lexer lexer) {
        while (!hiddenToEnd) {
            int type = lexer.next();
            if (hiddenToEnd) {
                break; // a comment told while skipping to the token already hid the rest
            }
            if (type != Lexer.END) {
                token(lexer, type);
            } else if (lexer.atSemicolon()) {
                semicolon(lexer.tokenStart());
                lexer.resumeAfterSemicolon();
            } else {
                break;
            }
        }
        if (inExecutableComment && !hiddenToEnd) {
            hideRest(written); // the text ended inside it: in a token that ran past its first closer
        }
        gap(text.length());
    }

    // ---------------------------------------------------------------- tokens

    private void token(Lexer lexer, int type) {
        int start = lexer.tokenStart();
        int stop = lexer.tokenStop();
        if (leavesExecutableComment(start, stop)) {
            return;
        }
        gap(start);
        boolean secretWasNext = secretNext;
        boolean passwordWasSeen = passwordWord;
        boolean armed = false;
        switch (type) {
            case Lexer.WORD -> armed = word(start, stop);
            case Lexer.STRING -> string(start, stop);
            case Lexer.QUOTED_NAME -> {
                if (text.charAt(start) == '"') {
                    string(start, stop);
                } else {
                    out.append(secretNext ? "?" : text.substring(start, stop));
                }
            }
            default -> armed = punct(start, text.charAt(start));
        }
        secretNext = armed;
        if (inExecutableComment) {
            // A server that skips the comment never sees this token: it does not end IDENTIFIED BY / PASSWORD =.
            secretNext |= secretWasNext;
            passwordWord |= passwordWasSeen;
        }
        written = Math.max(written, stop);
    }

    /** Returns whether the secret word is still to come. */
    private boolean word(int start, int stop) {
        passwordWord = false;
        char first = text.charAt(start);
        if (first >= '0' && first <= '9') {
            number(start, stop);
            return false;
        }
        boolean password = stop - start == 8 && Lexer.sameLetters(text, start, "PASSWORD");
        if (secretNext && !password) {
            // IDENTIFIED BY secret (unquoted): a syntax error on the server, still a secret in a log.
            out.append('?');
            return false;
        }
        out.append(text, start, stop);
        if (stop - start == 10 && Lexer.sameLetters(text, start, "IDENTIFIED")) {
            identified = true;
        } else if (identified && stop - start == 2 && Lexer.sameLetters(text, start, "BY")) {
            identified = false;
            return true;
        } else if (isPasswordWord(start, stop)) {
            passwordWord = true;
        }
        return false;
    }

    private void number(int start, int stop) {
        if (start == joinAt && out.length() == joinOut + 1) {
            out.setLength(joinOut); // 3.5 or 1e-5: the '.' or sign and this part join the ? already written
        } else {
            out.append('?');
        }
        numberStop = stop;
    }

    /** Returns whether the secret word is still to come. */
    private boolean punct(int start, char c) {
        if (start == numberStop && (c == '.' || ((c == '-' || c == '+') && endsInExponent(start)))) {
            joinAt = start + 1;
            joinOut = out.length();
        }
        out.append(c);
        boolean assigns = c == '=' || c == '(';
        boolean armed = assigns && (secretNext || passwordWord);
        passwordWord = false;
        return armed;
    }

    private boolean endsInExponent(int numberEnd) {
        char e = text.charAt(numberEnd - 1);
        return e == 'e' || e == 'E';
    }

    private void string(int start, int stop) {
        passwordWord = false;
        if (hasBackslash(start + 1, stop)) { // without one, the string ends at the same quote under every sql_mode
            int withoutEscapes = Lexer.quotedEndWithoutBackslashEscapes(text, start);
            extraReads += (withoutEscapes < 0 ? text.length() : withoutEscapes) - start;
            if (withoutEscapes != stop) {
                hideRest(start); // the sql_mode decides where this string ends, and so what follows it
                return;
            }
        }
        out.append('?');
    }

    private boolean hasBackslash(int from, int to) {
        extraReads += to - from;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\\') {
                return true;
            }
        }
        return false;
    }

    private void semicolon(int at) {
        if (leavesExecutableComment(at, at + 1)) {
            return;
        }
        gap(at);
        out.append(';');
        written = at + 1;
        if (!inExecutableComment) { // see token(): a server that skips the comment does not see this ';'
            identified = false;
            secretNext = false;
            passwordWord = false;
        }
    }

    // ---------------------------------------------------------------- comments (told by the lexer)

    @Override
    public void comment(int from, int to) {
        if (hiddenToEnd || leavesExecutableComment(from, to)) {
            return;
        }
        gap(from);
        boolean block = text.startsWith("/*", from);
        int contentFrom = Math.min(to, from + (block ? 2 : text.charAt(from) == '#' ? 1 : 3));
        int contentTo = block && to - from >= 4 && text.startsWith("*/", to - 2) ? to - 2 : to;
        if (contentFrom >= contentTo) {
            out.append(text, from, to); // nothing to hide: /**/, a bare # or --
        } else {
            // The opener ("--" and the space or control char after it, written as a space), ?, and the closer.
            out.append(block ? "/*" : contentFrom - from == 1 ? "#" : "-- ").append('?').append(text, contentTo, to);
        }
        written = to;
    }

    @Override
    public void executableCommentOpened(int from, int to) {
        if (hiddenToEnd || leavesExecutableComment(from, to)) {
            return;
        }
        if (!inExecutableComment) {
            int closer = firstCloserUnnested(to);
            extraReads += (closer < 0 ? text.length() : closer + 2) - to;
            if (closer < 0) {
                // Unterminated: all of it is a comment where the server skips it. Or an opener before the first
                // closer, even in a string: a server that skips the comment nests it and reads on to a later closer.
                hideRest(from);
                return;
            }
            gap(from);
            inExecutableComment = true;
            firstCloser = closer;
            openerWritten = out.length();
        } else {
            gap(from);
        }
        int digitsFrom = text.charAt(from + 2) == 'M' ? from + 4 : from + 3;
        int digits = to - digitsFrom;
        out.append(text, from, digits == 0 || digits >= 5 ? to : digitsFrom);
        if (digits > 0 && digits < 5) {
            out.append('?'); // /*!5: MariaDB reads no version here, and 5 is a number of the content
        }
        written = to;
    }

    @Override
    public void executableCommentClosed(int at) {
        if (hiddenToEnd) {
            return;
        }
        if (at != firstCloser) {
            hideRest(at);
            return;
        }
        gap(at);
        out.append("*/");
        written = at + 2;
        inExecutableComment = false;
    }

    /** The first {@code *}{@code /} from {@code from} on; -1 if there is none, or a {@code /*} comes before it. */
    private int firstCloserUnnested(int from) {
        for (int i = from; i + 1 < text.length(); i++) {
            char c = text.charAt(i);
            char next = text.charAt(i + 1);
            if (c == '/' && next == '*') {
                return -1;
            }
            if (c == '*' && next == '/') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Inside an executable comment, {@code [from, to)} reaches past its first closer: a server that skips the comment
     * reads from there on differently. Hides the rest and says so.
     */
    private boolean leavesExecutableComment(int from, int to) {
        if (inExecutableComment && to > firstCloser) {
            hideRest(from);
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- writing

    /** Writes the text between the last token and {@code to}: whitespace as it is, anything else as one {@code ?}. */
    private void gap(int to) {
        for (int i = written; i < to; i++) {
            char c = text.charAt(i);
            if (!Lexer.isSpace(c)) {
                out.append('?'); // what the lexer passed over without a token: an unterminated string or name
                break;
            }
            out.append(c);
        }
        written = Math.max(written, to);
    }

    /**
     * From {@code from} on, nothing is shown. Inside an executable comment, nothing from its opener on: an opener
     * without its closer would hide all that follows when the redacted text is redacted again.
     */
    private void hideRest(int from) {
        if (inExecutableComment) {
            out.setLength(openerWritten);
            out.append('?');
        } else {
            gap(from);
            if (from < text.length()) {
                out.append('?');
            }
        }
        written = text.length();
        hiddenToEnd = true;
    }

    /** PASSWORD, MASTER_PASSWORD, PRIMARY_PASSWORD, SOURCE_PASSWORD, ... */
    private boolean isPasswordWord(int start, int stop) {
        int n = stop - start;
        return n >= 8 && Lexer.sameLetters(text, stop - 8, "PASSWORD") && (n == 8 || text.charAt(stop - 9) == '_');
    }
}
