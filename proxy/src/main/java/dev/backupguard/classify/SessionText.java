package dev.backupguard.classify;

import static dev.backupguard.classify.Statement.F_AMBIGUOUS;
import static dev.backupguard.classify.Statement.F_HINT_BACKUP;
import static dev.backupguard.classify.Statement.F_HINT_NEVER;
import static dev.backupguard.classify.Statement.F_MALFORMED;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What one server session knows that changes how its next statements read, and the classification under it: the
 * {@link Dialect} (sql_mode lexing flags and server version), the prepared statements and the user variables the
 * session set. One per connection, fed with every statement the server executed ({@link #executed}); not thread-safe.
 *
 * <ul>
 *   <li>{@code SET [SESSION] sql_mode = ...} (also {@code @@sql_mode}, {@code @@SESSION.sql_mode}, {@code LOCAL}) with
 *       a literal value changes the dialect for the next statements, and for the next parts of the same
 *       multi-statement text, which the server parses one after the other; any other value (an expression, DEFAULT,
 *       a number) makes the sql_mode unknown. GLOBAL and PERSIST leave the session's alone.</li>
 *   <li>{@code EXECUTE IMMEDIATE 'text'}, {@code EXECUTE IMMEDIATE @v} and {@code EXECUTE s} are classified as the
 *       statement they run, whose text comes from the literal, from {@code SET @v = 'text'} or from
 *       {@code PREPARE s FROM 'text' | @v} on this connection; {@code DEALLOCATE | DROP PREPARE s} forgets it. A user
 *       variable is trusted only until a statement that may assign one (a query, a write, CALL, anything not a SET
 *       this class reads); every OPAQUE statement forgets the prepared statements (a procedure may prepare its own).</li>
 *   <li>CALL, compound statements, EXECUTE of anything not known, and text whose reading depends on an unknown part
 *       of the dialect are {@link Kind#OPAQUE}.</li>
 * </ul>
 *
 * <p>When the dialect is not fully known, a text is read the default way, and read again the other ways only where
 * the lexer met what the unknown part changes (a backslash in a string, a {@code "} token, a versioned comment): if
 * the readings differ, the text is OPAQUE with {@link Statement#F_AMBIGUOUS}, and the caller may learn the dialect
 * ({@link #learned}) and classify again. Ordinary text is read once, as by {@link Classifier}, within the same 16 KiB
 * bound; the text of a literal run by EXECUTE IMMEDIATE or PREPARE is read within that bound too (a longer one is
 * OPAQUE).
 */
public final class SessionText {

    /** Prepared statements and user variables remembered per connection, at most this many of each. */
    static final int MAX_REMEMBERED = 64;
    private static final int HINTS = F_HINT_BACKUP | F_HINT_NEVER;

    private State current;
    /** Where the last reading depended on an unknown part of the dialect ({@link Lexer#sensitivity()}). */
    private int sensed;

    public SessionText(Dialect dialect) {
        this.current = new State(dialect);
    }

    public Dialect dialect() {
        return current.dialect;
    }

    /** The server's version and the session's sql_mode, as read from the server (either may be null: unchanged). */
    public void learned(String version, String sqlMode) {
        Dialect d = current.dialect;
        if (version != null) {
            Dialect v = Dialect.ofServer(version);
            d = new Dialect(v.version(), v.mariadb(), d.sqlModes(), d.unknownModes());
        }
        if (sqlMode != null) {
            d = d.withSqlMode(sqlMode);
        }
        current.dialect = d;
    }

    // ---------------------------------------------------------------- classification

    /**
     * The first statement of {@code sql}, as {@link Classifier#classify} (or {@link Classifier#classifyLeading} when
     * {@code details} is false) reads it under this session's dialect, with EXECUTE resolved and opaque statements
     * marked. Never throws.
     */
    public Statement classify(String sql, boolean details) {
        if (sql == null) {
            return Classifier.classify(null);
        }
        sensed = 0;
        Statement st = read(sql, current, current.dialect, details);
        for (Dialect other : otherReadings(current.dialect, sensed)) {
            if (!same(st, read(sql, current, other, details))) {
                return ambiguous(sql, st);
            }
        }
        return st;
    }

    /**
     * Every statement of multi-statement text, as {@link Classifier#classifyAll} splits it, but under this session's
     * dialect as it evolves from part to part (a SET sql_mode, SET @v or PREPARE part acts on the parts after it;
     * the session itself changes only at {@link #executed}).
     */
    public List<Statement> classifyAll(String sql) {
        if (sql == null) {
            return Classifier.classifyAll(null);
        }
        sensed = 0;
        List<Statement> parts = split(sql, current.dialect);
        for (Dialect other : otherReadings(current.dialect, sensed)) {
            List<Statement> alt = split(sql, other);
            boolean same = alt.size() == parts.size();
            for (int i = 0; same && i < alt.size(); i++) {
                same = same(parts.get(i), alt.get(i));
            }
            if (!same) {
                return List.of(ambiguous(sql, parts.get(0)));
            }
        }
        return parts;
    }

    private List<Statement> split(String sql, Dialect dialect) {
        State scratch = current.fork(dialect);
        Lexer splitter = new Lexer(sql, false, dialect);
        List<Statement> parts = new ArrayList<>(2);
        int partStart = 0;
        while (true) {
            int partEnd = splitter.nextPartEnd();
            sensed |= splitter.sensitivity();
            if (partEnd == sql.length() && partStart == 0) {
                return List.of(read(sql, scratch, scratch.dialect, true));
            }
            String text = Lexer.partText(sql, partStart, partEnd);
            Statement part = text == null ? null : read(text, scratch, scratch.dialect, true);
            if (part != null && part.kind() == Kind.OPAQUE && opensCompound(text, scratch.dialect)) {
                // The server reads a compound statement to its END, across the ';' inside it: from here on the text
                // is one opaque statement (what follows its END included).
                String rest = Lexer.partText(sql, partStart, sql.length());
                parts.add(as(Kind.OPAQUE, new Statement(Kind.OPAQUE, rest, null, null, null, null, part.flags())));
                break;
            }
            if (part != null && (part.kind() != Kind.EMPTY || part.flags() != 0)) {
                parts.add(part);
                apply(scratch, part);
                splitter.dialect(scratch.dialect);
            }
            if (partEnd == sql.length()) {
                break;
            }
            partStart = partEnd + 1;
        }
        return parts.isEmpty() ? List.of(read(sql, scratch, scratch.dialect, true)) : List.copyOf(parts);
    }

    /** One statement under {@code dialect}: the stateless classification, then EXECUTE and opaque forms. */
    private Statement read(String sql, State state, Dialect dialect, boolean details) {
        return read(sql, state, dialect, details, 0);
    }

    private Statement read(String sql, State state, Dialect dialect, boolean details, int depth) {
        Lexer lx = new Lexer(sql, true, dialect);
        if (!details) {
            lx.leadingOnly();
        }
        Statement st = LeadingKeywords.recognize(lx);
        sensed |= lx.sensitivity();
        return st.kind() == Kind.OTHER || st.kind() == Kind.DDL ? resolve(st, state, dialect, details, depth) : st;
    }

    /**
     * A statement the stateless classifier calls OTHER (or DDL, for DROP PREPARE): CALL and compound statements are
     * OPAQUE, EXECUTE is the statement it runs, DROP PREPARE is no DDL. {@code depth} 1 is the text EXECUTE runs,
     * where the server refuses EXECUTE and PREPARE (error 1295): they stay OPAQUE.
     */
    private Statement resolve(Statement st, State state, Dialect dialect, boolean details, int depth) {
        Lexer lx = leadingWord(st.sql(), dialect);
        if (st.kind() == Kind.DDL) {
            return lx.accept("DROP") && lx.is("PREPARE") ? as(Kind.OTHER, st) : st;
        }
        if (lx.isPunct('{')) {
            // JDBC escape syntax {call p(?)} / {? = call f(?)}, which the drivers turn into CALL.
            lx.next();
            if (lx.isPunct('?')) {
                lx.next();
                lx.next();
            }
            return lx.is("CALL") ? as(Kind.OPAQUE, st) : st;
        }
        if (lx.type() != Lexer.WORD) {
            return st;
        }
        if (lx.is("CALL") || lx.is("BEGIN") || lx.is("IF") || lx.is("CASE") || lx.is("LOOP") || lx.is("REPEAT")
                || lx.is("WHILE") || lx.is("FOR") || lx.is("DECLARE")) {
            // BEGIN and BEGIN WORK are Kind.BEGIN: any other BEGIN opens a compound statement (BEGIN NOT ATOMIC, or
            // an anonymous block under sql_mode=ORACLE, which DECLARE may open too).
            return as(Kind.OPAQUE, st);
        }
        if (lx.is("EXECUTE")) {
            if (depth > 0) {
                return as(Kind.OPAQUE, st);
            }
            lx.next();
            if (lx.is("IMMEDIATE") && dialect.versionKnown() && !dialect.mariadb()) {
                // MySQL has no EXECUTE IMMEDIATE (MySQL 8.4 Reference Manual, "Prepared Statements"): a syntax error
                // that runs nothing.
                return st;
            }
            Statement inner = lx.accept("IMMEDIATE") ? readInner(operand(lx, state), dialect, details, state)
                    : preparedStatement(lx, state);
            return inner == null ? as(Kind.OPAQUE, st) : new Statement(inner.kind(), st.sql(), inner.target(),
                    inner.tables(), inner.name(), inner.isolation(), inner.flags() | (st.flags() & (HINTS | F_MALFORMED)));
        }
        if (depth > 0 && (lx.is("PREPARE") || lx.is("DEALLOCATE") || lx.is("DROP"))) {
            return as(Kind.OPAQUE, st);
        }
        lx.next();
        return lx.isPunct(':') ? as(Kind.OPAQUE, st) : st; // a label opens a compound statement
    }

    /** MariaDB's {@code SET STATEMENT var = value [, ...] FOR statement}: moves to the statement. */
    private static void skipSetStatementPrefix(Lexer lx) {
        if (lx.is("SET")) {
            lx.next();
            if (lx.accept("STATEMENT")) {
                SetForms.skipPastFor(lx);
            }
        }
    }

    /** The text run by EXECUTE IMMEDIATE, classified with {@code details}; null when it is not known. */
    private Statement readInner(String text, Dialect dialect, boolean details, State state) {
        if (text == null) {
            return null;
        }
        Statement inner = read(text, state, dialect, details, 1);
        return inner.kind() == Kind.OPAQUE ? null : inner;
    }

    /** {@code EXECUTE s [USING ...]}: the statement prepared as s, or null. */
    private static Statement preparedStatement(Lexer lx, State state) {
        if (!lx.isName()) {
            return null;
        }
        Statement inner = state.prepared.get(lx.text().toLowerCase(Locale.ROOT));
        lx.next();
        return lx.type() == Lexer.END || lx.is("USING") ? inner : null;
    }

    /**
     * The text of a dynamic-SQL operand: one string literal, or a user variable set to one; null for anything else
     * (an expression, concatenated literals, a character set introducer, a system variable, a literal cut by the scan
     * bound, a double-quoted name under ANSI_QUOTES).
     */
    private static String operand(Lexer lx, State state) {
        String text = null;
        if (lx.type() == Lexer.STRING) {
            text = lx.text();
            lx.next();
        } else if (lx.isPunct('@')) {
            lx.next();
            if (lx.isName() || lx.type() == Lexer.STRING) {
                text = state.variables.get(lx.text().toLowerCase(Locale.ROOT));
                lx.next();
            }
        }
        return lx.type() == Lexer.END || lx.is("USING") ? text : null;
    }

    private static Statement as(Kind kind, Statement st) {
        int keep = kind == Kind.OPAQUE ? HINTS | F_MALFORMED : ~0;
        return new Statement(kind, st.sql(), kind == Kind.OPAQUE ? null : st.target(), st.tables(), st.name(),
                st.isolation(), st.flags() & keep);
    }

    private static Statement ambiguous(String sql, Statement first) {
        return new Statement(Kind.OPAQUE, sql, null, List.of(), null, null, F_AMBIGUOUS | (first.flags() & HINTS));
    }

    /** The other dialects the text must be read under: each combination of the unknown parts it touched. */
    private static List<Dialect> otherReadings(Dialect d, int sensitivity) {
        int flips = 0;
        if ((sensitivity & Lexer.BACKSLASH_IN_QUOTES) != 0) {
            flips |= Dialect.NO_BACKSLASH_ESCAPES;
        }
        if ((sensitivity & Lexer.DOUBLE_QUOTE) != 0) {
            flips |= Dialect.ANSI_QUOTES;
        }
        boolean version = (sensitivity & Lexer.VERSIONED_COMMENT) != 0 && !d.versionKnown();
        if (flips == 0 && !version) {
            return List.of();
        }
        List<Dialect> out = new ArrayList<>(7);
        for (int modes = flips; ; modes = (modes - 1) & flips) {
            Dialect m = d.withModes(modes, flips);
            if (modes != 0) {
                out.add(m);
            }
            if (version) {
                out.add(m.skippingVersionedComments());
            }
            if (modes == 0) {
                return out;
            }
        }
    }

    /** Two readings agree on everything the protocol uses (a reading that hits a syntax error may still agree). */
    private static boolean same(Statement a, Statement b) {
        return a.kind() == b.kind() && a.sql().equals(b.sql()) && Objects.equals(a.target(), b.target())
                && a.tables().equals(b.tables()) && Objects.equals(a.name(), b.name())
                && a.isolation() == b.isolation() && (a.flags() & ~F_MALFORMED) == (b.flags() & ~F_MALFORMED);
    }

    // ---------------------------------------------------------------- what executed statements change

    /** The server executed {@code st} (as classified by this session): its effects on the session apply. */
    public void executed(Statement st) {
        apply(current, st);
    }

    /**
     * The server refused {@code st}. A failed PREPARE leaves no statement of that name (MySQL 8.4 manual, "PREPARE
     * Statement": an existing one is deallocated first); an opaque statement may have done part of its work; a failed
     * SET changes nothing ("SET Syntax for Variable Assignment").
     */
    public void failed(Statement st) {
        if (st.kind() == Kind.OPAQUE) {
            forget(current, true);
        } else if (st.kind() == Kind.OTHER) {
            Lexer lx = new Lexer(st.sql(), true, current.dialect);
            lx.next();
            if (lx.accept("PREPARE") && lx.isName()) {
                current.prepared().remove(lx.text().toLowerCase(Locale.ROOT));
            }
        }
    }

    /** Multi-statement text failed part way: which of its parts ran is not known, so nothing they set is trusted. */
    public void uncertain() {
        forget(current, true);
    }

    private void apply(State s, Statement st) {
        switch (st.kind()) {
            case SET_OTHER, SET_AUTOCOMMIT, SET_TRANSACTION_ISOLATION -> {
                String text = st.sql();
                if (text.indexOf('@') >= 0 || containsIgnoreCase(text, "sql_mode")) {
                    SessionAssignments.apply(s, executedText(s, text));
                }
            }
            case OTHER -> dynamicSql(s, st.sql());
            case OPAQUE -> forget(s, !st.has(F_AMBIGUOUS) && isCall(st.sql(), s.dialect));
            case SELECT, DML, DDL -> {
                if (!s.variables.isEmpty()) {
                    s.variables().clear(); // SELECT ... INTO @v, @v := ... in any expression
                }
            }
            default -> {
                // Transaction control, SHOW, USE, LOCK, FLUSH, KILL: no user variable, sql_mode or prepared statement.
            }
        }
    }

    /** The text a SET statement is: its own, or for {@code EXECUTE ...} the text that ran. */
    private String executedText(State s, String sql) {
        Lexer lx = new Lexer(sql, true, s.dialect);
        lx.next();
        if (!lx.accept("EXECUTE")) {
            return sql;
        }
        if (lx.accept("IMMEDIATE")) {
            String text = operand(lx, s);
            return text == null ? sql : text;
        }
        Statement inner = preparedStatement(lx, s);
        return inner == null ? sql : inner.sql();
    }

    /** PREPARE, DEALLOCATE PREPARE, DROP PREPARE; any other OTHER statement (DO @v := 1, ...) drops the variables. */
    private void dynamicSql(State s, String sql) {
        Lexer lx = new Lexer(sql, true, s.dialect);
        lx.next();
        if (lx.accept("PREPARE")) {
            if (!lx.isName()) {
                return;
            }
            String name = lx.text().toLowerCase(Locale.ROOT);
            lx.next();
            s.prepared().remove(name);
            if (lx.accept("FROM") && s.prepared.size() < MAX_REMEMBERED) {
                Statement inner = readInner(operand(lx, s), s.dialect, true, s);
                if (inner != null) {
                    s.prepared().put(name, inner);
                }
            }
        } else if ((lx.accept("DEALLOCATE") || lx.accept("DROP")) && lx.accept("PREPARE")) {
            if (lx.isName()) {
                s.prepared().remove(lx.text().toLowerCase(Locale.ROOT));
            }
        } else if (!s.variables.isEmpty()) {
            s.variables().clear();
        }
    }

    /** An opaque statement that is a compound statement (not CALL, not EXECUTE). */
    private static boolean opensCompound(String sql, Dialect dialect) {
        Lexer lx = leadingWord(sql, dialect);
        return !lx.isPunct('{') && !lx.is("CALL") && !lx.is("EXECUTE");
    }

    private static boolean isCall(String sql, Dialect dialect) {
        Lexer lx = leadingWord(sql, dialect);
        return lx.isPunct('{') || lx.is("CALL");
    }

    /** A lexer at the statement's first token, past a SET STATEMENT ... FOR prefix. */
    private static Lexer leadingWord(String sql, Dialect dialect) {
        Lexer lx = new Lexer(sql, true, dialect);
        lx.next();
        skipSetStatementPrefix(lx);
        return lx;
    }

    /**
     * After a statement whose effects are not known: user variables and prepared statements are forgotten, and the
     * sql_mode too unless the statement was a CALL (a stored routine runs under its own sql_mode and restores the
     * caller's: MySQL 8.4 manual, "CREATE PROCEDURE and CREATE FUNCTION Statements").
     */
    private static void forget(State s, boolean keepSqlMode) {
        if (!s.variables.isEmpty()) {
            s.variables().clear();
        }
        if (!s.prepared.isEmpty()) {
            s.prepared().clear();
        }
        if (!keepSqlMode) {
            s.dialect = s.dialect.withUnknownSqlMode();
        }
    }

    static boolean containsIgnoreCase(String text, String lowerWord) {
        int n = lowerWord.length();
        for (int i = 0, last = text.length() - n; i <= last; i++) {
            if (text.regionMatches(true, i, lowerWord, 0, n)) {
                return true;
            }
        }
        return false;
    }

    /** The session's state, or a scratch copy of it while multi-statement text is split (copied on first change). */
    static final class State {
        Dialect dialect;
        private Map<String, String> variables;
        private Map<String, Statement> prepared;
        private boolean shared;

        State(Dialect dialect) {
            this.dialect = dialect;
            this.variables = new HashMap<>();
            this.prepared = new HashMap<>();
        }

        private State(Dialect dialect, Map<String, String> variables, Map<String, Statement> prepared) {
            this.dialect = dialect;
            this.variables = variables;
            this.prepared = prepared;
            this.shared = true;
        }

        /** A scratch state reading the text under {@code dialect}, sharing the maps until it changes them. */
        State fork(Dialect dialect) {
            return new State(dialect, variables, prepared);
        }

        /** The user variables, for changing. */
        Map<String, String> variables() {
            own();
            return variables;
        }

        Map<String, Statement> prepared() {
            own();
            return prepared;
        }

        private void own() {
            if (shared) {
                variables = new HashMap<>(variables);
                prepared = new HashMap<>(prepared);
                shared = false;
            }
        }
    }
}
