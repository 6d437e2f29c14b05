package dev.backupguard.protocol;

import java.util.Locale;

/** What the guard does with an unsafe sequence. */
public enum Mode {
    /** Correct it: inject, reorder, rewrite or absorb statements so the server receives the mysqldump protocol. */
    ENFORCE,
    /** Refuse it with an SQLException that names the rule and the safe alternative. */
    BLOCK,
    /** Pass everything and report what would have been done. */
    AUDIT,
    /** Only for per-rule overrides: the rule is not checked at all. */
    OFF;

    public static Mode parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
