package dev.backupguard.config;

/** Where a setting was given; messages about a setting name its source and the name as it was written there. */
public enum Source {
    FILE("file"),
    ENVIRONMENT("environment variable"),
    SYSTEM_PROPERTY("system property"),
    AGENT_ARGUMENT("agent argument"),
    URL_PARAMETER("URL parameter"),
    CONNECTION_PROPERTY("connection property");

    private final String words;

    Source(String words) {
        this.words = words;
    }

    /** {@code key} as this source spells it: {@code BACKUPGUARD_MODE}, {@code mode}, {@code backupguard.mode}. */
    public String spell(String key) {
        return switch (this) {
            case ENVIRONMENT -> Setting.environmentName(key);
            case AGENT_ARGUMENT -> key;
            default -> Settings.PREFIX + key;
        };
    }

    @Override
    public String toString() {
        return words;
    }

    /**
     * One value given for a key.
     *
     * @param key    the key without prefix, lower case: a known key's own name, or as given when unknown
     * @param value  the value as given
     * @param source where it was given
     * @param name   how it was written there ({@code BACKUPGUARD_HOME}, {@code backupguard.mdoe}, the file's path and
     *               key), for messages
     */
    public record Given(String key, String value, Source source, String name) {

        /** "environment variable BACKUPGUARD_MODE", "system property backupguard.mdoe". */
        public String where() {
            return source + " " + name;
        }
    }
}
