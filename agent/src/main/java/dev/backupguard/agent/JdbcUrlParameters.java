package dev.backupguard.agent;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Properties;

/**
 * The parameters of a JDBC URL the guard needs: {@code user} (for {@code backupguard.backup-users}),
 * {@code allowMultiQueries}, and {@code backupguard.*} settings for this connection. Both drivers ignore parameters
 * they do not know, so settings can ride on a plain {@code jdbc:mysql:}/{@code jdbc:mariadb:} URL. Properties given
 * to the driver win over the URL, as in the drivers themselves. The password is never copied.
 */
final class JdbcUrlParameters {

    private JdbcUrlParameters() {
    }

    static void addTo(Properties target, String url) {
        if (url == null) {
            return;
        }
        int q = url.indexOf('?');
        if (q < 0) {
            return;
        }
        int start = q + 1;
        while (start <= url.length()) {
            int end = start;
            while (end < url.length() && url.charAt(end) != '&' && url.charAt(end) != ';') {
                end++; // a plain scan, not split("[&;]"): a regex costs start-up time the first time it runs
            }
            add(target, url.substring(start, end));
            start = end + 1;
        }
    }

    private static void add(Properties target, String pair) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
            return;
        }
        String key = pair.substring(0, eq);
        String lower = key.toLowerCase(Locale.ROOT);
        if (lower.equals("user") || lower.equals("allowmultiqueries") || lower.startsWith(AgentArguments.PREFIX)) {
            String name = lower.equals("allowmultiqueries") ? "allowMultiQueries" : lower.equals("user") ? "user" : key;
            if (target.getProperty(name) == null) {
                target.setProperty(name, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
    }
}
