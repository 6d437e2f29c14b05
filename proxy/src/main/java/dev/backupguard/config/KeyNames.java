package dev.backupguard.config;

import dev.backupguard.protocol.Rule;

import java.util.Locale;

/**
 * Key names as the sources write them. An environment variable's underscore cannot tell '.' from '-', so keys are
 * matched in a normalised form (lower case, '.', '-' and '_' equal); no two keys collide in it. A name that matches
 * no key gets the nearest one as a suggestion, when one is near enough to be a typing slip.
 */
final class KeyNames {

    private static final String RULE = "rule.";

    private KeyNames() {
    }

    /**
     * The key {@code name} stands for, without prefix: a known key's own name, {@code rule.<id>} for a rule override
     * (the id in its '-' form), or the name in lower case when it is no key.
     */
    static String canonical(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        if (key.startsWith(Settings.PREFIX)) {
            key = key.substring(Settings.PREFIX.length());
        }
        String norm = normalise(key);
        if (norm.startsWith("rule_")) {
            return RULE + key.substring(RULE.length()).replace('_', '-');
        }
        for (Setting<?> s : Settings.KEYS) {
            if (normalise(s.name()).equals(norm)) {
                return s.name();
            }
        }
        return key;
    }

    static boolean isKnown(String key) {
        for (Setting<?> s : Settings.KEYS) {
            if (s.name().equals(key) && s != Settings.RULE) {
                return true;
            }
        }
        return false;
    }

    static boolean isRule(String key) {
        return key.startsWith(RULE);
    }

    /** The rule a {@code rule.<id>} key names, or null. */
    static Rule rule(String key) {
        String id = key.substring(RULE.length());
        for (Rule r : Rule.values()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        return null;
    }

    /** The known key nearest to {@code key}, or null when none is near. */
    static String nearestKey(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Setting<?> s : Settings.KEYS) {
            int d = distance(normalise(key), normalise(s.name()));
            if (s != Settings.RULE && d < bestDistance) {
                best = s.name();
                bestDistance = d;
            }
        }
        return near(key, bestDistance) ? best : null;
    }

    /** The rule id nearest to {@code id}, or null when none is near. */
    static String nearestRule(String id) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Rule r : Rule.values()) {
            int d = distance(id, r.id());
            if (d < bestDistance) {
                best = r.id();
                bestDistance = d;
            }
        }
        return near(id, bestDistance) ? best : null;
    }

    /** A slip: one edit in a short name, about one in three in a longer one ({@code home} is not {@code mode}). */
    private static boolean near(String name, int distance) {
        return distance <= Math.max(1, name.length() / 3);
    }

    private static String normalise(String key) {
        return key.toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Edits (insert, delete, replace, swap of neighbours) between two names: optimal string alignment distance. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
