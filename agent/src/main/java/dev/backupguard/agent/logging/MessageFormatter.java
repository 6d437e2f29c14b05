package dev.backupguard.agent.logging;

/**
 * SLF4J's message rules: each {@code {}} takes the next argument, {@code \{}} is a literal {@code {}}, and a last
 * argument that is a Throwable and has no placeholder left is the line's exception.
 */
final class MessageFormatter {

    record Formatted(String message, Throwable throwable) {
    }

    private MessageFormatter() {
    }

    static Formatted format(String pattern, Object[] arguments) {
        if (pattern == null) {
            pattern = "null";
        }
        int count = arguments == null ? 0 : arguments.length;
        Throwable t = count > 0 && arguments[count - 1] instanceof Throwable last ? last : null;
        StringBuilder b = new StringBuilder(pattern.length() + 32);
        int used = 0;
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '\\' && pattern.startsWith("{}", i + 1)) {
                b.append("{}");
                i += 3;
            } else if (c == '{' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '}' && used < count) {
                b.append(String.valueOf(arguments[used++]));
                i += 2;
            } else {
                b.append(c);
                i++;
            }
        }
        return new Formatted(b.toString(), t != null && used < count ? t : null);
    }
}
