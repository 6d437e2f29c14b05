package dev.backupguard.agent;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's argument string, {@code -javaagent:backup-guard-agent.jar=mode=audit,lock.wait-ms=500}: comma-separated
 * {@code key=value} pairs, keys with or without the {@code backupguard.} prefix. A comma also separates the values of
 * list settings ({@code backup-users=alice,bob}), so a part without {@code =} continues the previous value:
 * {@code backup-users=alice,bob,mode=audit} is {@code backup-users=alice,bob} and {@code mode=audit}. Nothing here
 * fails: a part that names no setting is reported by the settings as an unknown key.
 */
final class AgentArguments {

    static final String PREFIX = "backupguard.";
    /** Parts of key names whose values are never printed (no regex: it would cost start-up time). */
    private static final String[] SECRET = {"password", "passwd", "secret", "token", "credential"};

    private AgentArguments() {
    }

    /** Keys come back lower case with the {@code backupguard.} prefix, in the order given. */
    static Map<String, String> parse(String arguments) {
        Map<String, String> out = new LinkedHashMap<>();
        if (arguments == null || arguments.isBlank()) {
            return out;
        }
        String last = null;
        for (String part : arguments.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                if (part.isBlank()) {
                    continue;
                }
                if (last == null) {
                    // A word with no key: the settings report it as an unknown key, and it changes nothing.
                    out.put(PREFIX + part.trim().toLowerCase(Locale.ROOT), "");
                } else {
                    out.put(last, out.get(last) + "," + part.trim());
                }
                continue;
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            last = key.startsWith(PREFIX) ? key : PREFIX + key;
            out.put(last, part.substring(eq + 1).trim());
        }
        return out;
    }

    /** For the start-up line: values of keys that look secret are replaced. */
    static String describe(Map<String, String> arguments) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : arguments.entrySet()) {
            b.append(b.length() == 0 ? "" : ",").append(e.getKey().substring(PREFIX.length())).append('=')
                    .append(secret(e.getKey()) ? "****" : e.getValue());
        }
        return b.toString();
    }

    private static boolean secret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String s : SECRET) {
            if (k.contains(s)) {
                return true;
            }
        }
        return false;
    }
}
