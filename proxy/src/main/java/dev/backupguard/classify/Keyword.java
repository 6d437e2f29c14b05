package dev.backupguard.classify;

/**
 * The words that shape a query, looked up once per word by {@link Lexer#keyword()} so that the query scan can
 * {@code switch} instead of comparing every identifier with a dozen keywords in turn.
 */
enum Keyword {
    AS, BINLOG_GTID_POS, BY, CROSS, DELETE, DISTINCT, DISTINCTROW, DUAL, EXCEPT, FOR, FORCE, FROM, FULL, GROUP,
    HAVING, IGNORE, INNER, INSERT, INTERSECT, INTO, JOIN, LATERAL, LEFT, LIMIT, LOCK, NATURAL, ON, ORDER, PARTITION,
    PROCEDURE, REPLACE, RIGHT, SELECT, STRAIGHT_JOIN, TABLE, UNION, UPDATE, USE, USING, VALUES, WHERE, WINDOW, WITH;

    /** Open-addressing table by {@link #hash}, a third full: a lookup is one or two probes. */
    private static final Keyword[] SLOTS = new Keyword[128];
    private static final int MASK = SLOTS.length - 1;

    static {
        for (Keyword keyword : values()) {
            int slot = hash(keyword.name()) & MASK;
            while (SLOTS[slot] != null) {
                slot = (slot + 1) & MASK;
            }
            SLOTS[slot] = keyword;
        }
    }

    /** Folds ASCII case, the way {@link Lexer} hashes a word while reading it. */
    static int hashStep(int hash, char c) {
        return 31 * hash + (c | 0x20);
    }

    private static int hash(String name) {
        int hash = 0;
        for (int i = 0; i < name.length(); i++) {
            hash = hashStep(hash, name.charAt(i));
        }
        return hash;
    }

    /** The keyword spelled by {@code text[start, start + length)} in any ASCII case, given its hash; or null. */
    static Keyword find(String text, int start, int length, int hash) {
        for (int slot = hash & MASK; SLOTS[slot] != null; slot = (slot + 1) & MASK) {
            String name = SLOTS[slot].name();
            if (name.length() == length && Lexer.sameLetters(text, start, name)) {
                return SLOTS[slot];
            }
        }
        return null;
    }
}
