package dev.backupguard.telemetry;

/** The snake_case type name of each event class ({@code LockAcquired} is {@code lock_acquired}), computed once. */
final class EventNames {

    private static final ClassValue<String> NAMES = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return snake(type.getSimpleName());
        }
    };

    private EventNames() {
    }

    static String of(Class<?> type) {
        return NAMES.get(type);
    }

    static String snake(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                b.append('_');
            }
            b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }
}
