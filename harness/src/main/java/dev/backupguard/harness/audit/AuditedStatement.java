package dev.backupguard.harness.audit;

import dev.backupguard.classify.Kind;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Rule;

import java.util.List;

/**
 * A statement of a session after the protocol judged it, with the state of the server session around it (as the
 * protocol's model of the server saw it).
 *
 * @param number            1-based number of the statement in its session
 * @param sent              the statement as it reached the server
 * @param kind              its kind (the first statement of multi-statement text)
 * @param table             the table it reads or describes, as written, or null
 * @param dataRead          it reads table rows (not metadata, not a system schema)
 * @param inBackupSession   the session was recognised as a backup session at or before this statement
 * @param globalLockBefore  the global read lock was held before it
 * @param globalLockAfter   the global read lock was held after it
 * @param tableLocksAfter   LOCK TABLES locks were held after it
 * @param snapshotBefore    the backup's consistent snapshot was open before it
 * @param snapshotAfter     the backup's consistent snapshot was open after it
 * @param violations        what this statement broke, judged on what reached the server
 * @param advice            what enforce or block mode would have done with it (audit mode's would-findings)
 */
public record AuditedStatement(int number, SentStatement sent, Kind kind, String table, boolean dataRead,
                               boolean inBackupSession, boolean globalLockBefore, boolean globalLockAfter,
                               boolean tableLocksAfter, boolean snapshotBefore, boolean snapshotAfter,
                               List<Finding> violations, List<Finding> advice) {

    public AuditedStatement {
        violations = List.copyOf(violations);
        advice = List.copyOf(advice);
    }

    /** It broke a rule whose violation makes the backup not consistent. */
    public boolean breaksConsistency() {
        for (Finding f : violations) {
            if (f.rule().severity() == Rule.Severity.CONSISTENCY) {
                return true;
            }
        }
        return false;
    }
}
