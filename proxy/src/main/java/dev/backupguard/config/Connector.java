package dev.backupguard.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The JDBC driver a connection goes through, and how that driver reads its own options from the URL and the
 * connection Properties. The guard reads the options it depends on ({@code allowMultiQueries}, {@code user}) with
 * these rules, so it sees exactly what the driver sees: a multi-statement text the driver sends as such is never
 * taken for one statement. Taken from the drivers' sources (MySQL Connector/J 9.7: {@code ConnectionUrlParser},
 * {@code ConnectionUrl.collectProperties}, {@code PropertyKey}, {@code BooleanPropertyDefinition}; MariaDB
 * Connector/J 3.5: {@code Configuration.parseInternal}, {@code processUrlParameters}, {@code handleBooleanField}),
 * and checked against the drivers themselves by {@code ConnectorTest}.
 */
public enum Connector {

    /**
     * MySQL Connector/J 9.x. URL parameters: after '?' up to '#', split on {@code '&'}, key and value trimmed and
     * percent-decoded, a key without '=' sets nothing. Properties win over the URL. {@code allowMultiQueries} is one
     * of its case-sensitive keys, {@code user} is not. Booleans: {@code true}, {@code yes}, {@code false},
     * {@code no} in any case; anything else fails the connection.
     */
    MYSQL,
    /**
     * MariaDB Connector/J 3.x. URL parameters: after the first '?', split on {@code '&'}, neither trimmed nor decoded, a key
     * without '=' has the empty value. The URL wins over Properties. Keys match in any case. Booleans: {@code true},
     * {@code 1} and the empty value are true, {@code false} and {@code 0} false, in any case; anything else fails
     * the connection.
     */
    MARIADB,
    /** A driver whose rules the guard does not know: an option is on if either Connector/J would read it so. */
    EITHER;

    /** The connector of a driver class ({@code com.mysql.cj.jdbc.Driver}, {@code org.mariadb.jdbc.Driver}). */
    public static Connector ofDriver(String driverClass) {
        if (driverClass.startsWith("com.mysql.")) {
            return MYSQL;
        }
        return driverClass.startsWith("org.mariadb.") ? MARIADB : EITHER;
    }

    /**
     * The connector a URL is for when the driver is not known. MariaDB Connector/J also takes {@code jdbc:mysql:}
     * URLs that carry {@code permitMysqlScheme}, so those could be either.
     */
    public static Connector ofUrl(String url) {
        if (url == null) {
            return EITHER;
        }
        String u = url.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:mariadb:")) {
            return MARIADB;
        }
        return u.startsWith("jdbc:mysql:") && !u.contains("permitmysqlscheme") ? MYSQL : EITHER;
    }

    /**
     * The URL's parameters as this driver reads them, in order: {key, value}; the value is null when the driver
     * takes the key as unset.
     */
    List<String[]> urlParameters(String url) {
        List<String[]> out = new ArrayList<>();
        int q = url == null ? -1 : url.indexOf('?', Math.max(0, url.indexOf("//")));
        if (q < 0) {
            return out;
        }
        int end = this == MARIADB ? url.length() : indexOrLength(url, '#');
        for (String part : url.substring(q + 1, Math.max(q + 1, end)).split("&")) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? null : part.substring(eq + 1);
            if (this == MARIADB) {
                out.add(new String[]{key, value == null ? "" : value});
            } else if (!key.isBlank()) {
                // Bare, MariaDB Connector/J's key is true: so it is for a driver that could be either.
                out.add(new String[]{decode(key.trim()), value == null ? (this == EITHER ? "" : null)
                        : decode(value.trim())});
            }
        }
        return out;
    }

    /**
     * The values this driver may take for option {@code name}, from the URL's parameters and the Properties in the
     * driver's order of precedence. More than one only where the driver's choice among spellings of the key
     * ({@code allowMultiQueries}, {@code ALLOWMULTIQUERIES}) depends on hash order.
     */
    List<String> option(String name, List<String[]> url, Properties info) {
        if (this == EITHER) {
            // Either precedence could apply: every value counts.
            List<String> values = new ArrayList<>(MYSQL.option(name, url, info));
            values.addAll(MARIADB.option(name, url, info));
            return values;
        }
        Map<String, String> options = new java.util.LinkedHashMap<>();
        if (this != MARIADB) {
            url.forEach(p -> options.put(p[0], p[1]));
        }
        if (info != null) {
            if (this == MARIADB) {
                // MariaDB copies the Properties' own entries (not their defaults), whatever their type.
                info.forEach((k, v) -> options.put(k.toString(), v == null ? null : v.toString()));
            } else {
                info.stringPropertyNames().forEach(k -> options.put(k, info.getProperty(k)));
            }
        }
        if (this == MARIADB) {
            url.forEach(p -> options.put(p[0], p[1]));
        }
        boolean caseSensitive = this == MYSQL && name.equals("allowMultiQueries");
        List<String> values = new ArrayList<>();
        options.forEach((k, v) -> {
            if (v != null && (caseSensitive ? k.equals(name) : k.equalsIgnoreCase(name))) {
                values.add(v);
            }
        });
        return values;
    }

    /** Whether the driver reads {@code value} as true; a value it rejects counts as true (the connect fails anyway). */
    boolean isTrue(String value) {
        return switch (this) {
            case MYSQL -> !(value.equalsIgnoreCase("false") || value.equalsIgnoreCase("no"));
            case MARIADB -> !(value.equalsIgnoreCase("false") || value.equals("0"));
            case EITHER -> MYSQL.isTrue(value) || MARIADB.isTrue(value);
        };
    }

    /**
     * MySQL Connector/J's per-host options in the URL's authority ({@code address=(host=h)(allowMultiQueries=true)},
     * {@code (host=h,allowMultiQueries=true)}), which override the URL's and the Properties' for that host. Empty
     * for MariaDB Connector/J, whose host entries carry no driver options.
     */
    List<String> hostOption(String name, String url) {
        List<String> values = new ArrayList<>();
        String authority = authority(url);
        if (this == MARIADB || authority == null) {
            return values;
        }
        for (int at = authority.indexOf(name + "="); at >= 0; at = authority.indexOf(name + "=", at + 1)) {
            String before = authority.substring(0, at).stripTrailing();
            if (before.endsWith("(") || before.endsWith(",")) {
                int from = at + name.length() + 1;
                int to = from;
                while (to < authority.length() && authority.charAt(to) != ',' && authority.charAt(to) != ')') {
                    to++;
                }
                values.add(decode(authority.substring(from, to).trim()));
            }
        }
        return values;
    }

    /** MySQL Connector/J's user in the URL's authority ({@code jdbc:mysql://user:secret@host/db}), or null. */
    String authorityUser(String url) {
        String authority = authority(url);
        int at = authority == null || this == MARIADB ? -1 : authority.indexOf('@');
        if (at < 0) {
            return null;
        }
        String info = authority.substring(0, at);
        int colon = info.indexOf(':');
        String user = decode((colon < 0 ? info : info.substring(0, colon)).trim());
        return user.isEmpty() ? null : user;
    }

    /** Between "//" and the first '/', '?' or '#' (MySQL Connector/J's authority pattern). */
    private static String authority(String url) {
        int start = url == null ? -1 : url.indexOf("//");
        if (start < 0) {
            return null;
        }
        int end = start + 2;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        return url.substring(start + 2, end);
    }

    /**
     * Percent-decoding as MySQL Connector/J does it ({@code URLDecoder}, UTF-8). Text it cannot decode fails the
     * driver's connect; the guard keeps the text as it is and lets the driver say so.
     */
    static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static int indexOrLength(String s, char c) {
        int i = s.indexOf(c);
        return i < 0 ? s.length() : i;
    }
}
