package dev.backupguard.harness;

/**
 * Entry point of the assertions: {@code import static dev.backupguard.harness.BackupAssertions.assertThat;}.
 *
 * <pre>{@code
 * assertThat(recorder)
 *         .isConsistentBackup()
 *         .sentInOrder("FLUSH TABLES WITH READ LOCK", "START TRANSACTION WITH CONSISTENT SNAPSHOT",
 *                 "SHOW MASTER STATUS", "UNLOCK TABLES")
 *         .heldGlobalReadLockForAtMost(3)
 *         .readOnlyInsideSnapshot();
 * }</pre>
 */
public final class BackupAssertions {

    private BackupAssertions() {
    }

    public static RecordingAssert assertThat(Recording recording) {
        return new RecordingAssert(recording);
    }

    /** The recorder's backup session: its only recording that is one (see {@link Recorder#recording()}). */
    public static RecordingAssert assertThat(Recorder recorder) {
        return new RecordingAssert(recorder.recording());
    }
}
