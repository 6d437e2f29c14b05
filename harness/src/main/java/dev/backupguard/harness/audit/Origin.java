package dev.backupguard.harness.audit;

/** Who sent a statement that reached the server. */
public enum Origin {
    /** The code under test (through a JDBC statement or a JDBC call such as {@code commit()}). */
    JOB("job"),
    /** backup-guard itself: its facts probe, or what enforce mode injected. */
    GUARD("guard"),
    /** A client seen in a server's general log: the log does not say which code sent it. */
    CLIENT("client");

    private final String label;

    Origin(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
