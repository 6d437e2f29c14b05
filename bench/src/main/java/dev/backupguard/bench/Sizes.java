package dev.backupguard.bench;

import java.time.Duration;

/**
 * How big each end-to-end benchmark is: {@link #FULL} for the published figures, {@link #QUICK} for the CI smoke run
 * (seconds, tiny data; its figures mean nothing).
 *
 * @param dumpRows         rows of the dump-throughput table (item 3)
 * @param dumpRepetitions  timed runs per arm and driver (item 3)
 * @param bankAccounts     accounts of the bank the lock-window and write-stall jobs dump (items 4, 5)
 * @param lockRepetitions  runs per scenario (item 4)
 * @param stallRepetitions runs per scenario (item 5)
 * @param longQuery        how long the long write runs (item 5; 20 s in the issue)
 * @param tables           tables of the many-tables schema (item 7)
 * @param tableRepetitions timed runs per arm (item 7)
 * @param startupRuns      JVM starts per arm (item 6)
 * @param jmhForks         JMH forks (0: in-process)
 * @param jmhWarmups       JMH warm-up iterations
 * @param jmhIterations    JMH measurement iterations
 * @param jmhIteration     length of one JMH iteration
 */
public record Sizes(int dumpRows, int dumpRepetitions, int bankAccounts, int lockRepetitions, int stallRepetitions,
                    Duration longQuery, int tables, int tableRepetitions, int startupRuns, int jmhForks,
                    int jmhWarmups, int jmhIterations, Duration jmhIteration) {

    public static final Sizes FULL = new Sizes(1_000_000, 7, 100_000, 5, 3, Duration.ofSeconds(20), 10_000, 7, 10,
            2, 3, 5, Duration.ofSeconds(1));

    public static final Sizes QUICK = new Sizes(2_000, 1, 200, 1, 1, Duration.ofSeconds(2), 40, 1, 1,
            0, 0, 1, Duration.ofMillis(50));

    public boolean quick() {
        return this.equals(QUICK);
    }

    /**
     * These sizes with {@code -Dbench.size.<component>=value} overrides (e.g. {@code -Dbench.size.tables=2000}):
     * for experiments; the published figures use {@link #FULL} as it is.
     */
    public Sizes withOverrides() {
        java.lang.reflect.RecordComponent[] components = Sizes.class.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        boolean changed = false;
        try {
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                values[i] = components[i].getAccessor().invoke(this);
                String v = System.getProperty("bench.size." + components[i].getName());
                if (v != null) {
                    changed = true;
                    values[i] = types[i] == Duration.class ? Duration.parse(v) : Integer.valueOf(v);
                }
            }
            return changed ? Sizes.class.getDeclaredConstructor(types).newInstance(values) : this;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
