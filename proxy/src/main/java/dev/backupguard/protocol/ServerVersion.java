package dev.backupguard.protocol;

/** A server version as {@code SELECT VERSION()} reports it: {@code 8.4.3}, {@code 11.4.5-MariaDB-log}. */
public record ServerVersion(int major, int minor, int patch, String text) implements Comparable<ServerVersion> {

    /** Parses the leading {@code major.minor.patch}; missing parts are 0, never throws. */
    public static ServerVersion parse(String text) {
        int[] parts = new int[3];
        int part = 0;
        String s = text == null ? "" : text;
        // MariaDB 10.x once reported "5.5.5-10.x.y-MariaDB" over the protocol to old clients; skip that prefix.
        if (s.startsWith("5.5.5-")) {
            s = s.substring(6);
        }
        for (int i = 0; i < s.length() && part < 3; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                parts[part] = Math.min(parts[part] * 10 + (c - '0'), 1_000_000);
            } else if (c == '.') {
                part++;
            } else {
                break;
            }
        }
        return new ServerVersion(parts[0], parts[1], parts[2], text == null ? "" : text);
    }

    public boolean atLeast(int major, int minor, int patch) {
        return compareTo(new ServerVersion(major, minor, patch, "")) >= 0;
    }

    @Override
    public int compareTo(ServerVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
