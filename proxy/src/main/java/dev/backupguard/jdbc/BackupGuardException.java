package dev.backupguard.jdbc;

import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Rule;

import java.sql.SQLException;

/**
 * A statement backup-guard refused: the message names the rule, the problem and the safe alternative; the SQLState is
 * the rule's (class 25, invalid transaction state, for snapshot rules; 25006 for writes in a backup session).
 */
public final class BackupGuardException extends SQLException {

    private static final long serialVersionUID = 1L;

    /** Vendor code of backup-guard refusals, distinct from the servers' own codes (which stay below 10000). */
    public static final int VENDOR_CODE = 48_400;

    private final transient Finding finding;

    public BackupGuardException(Finding finding, boolean redact) {
        this(finding, redact, finding.rule().safeAlternative());
    }

    /** With a safe alternative of its own, where the rule's general one would not help. */
    public BackupGuardException(Finding finding, boolean redact, String safeAlternative) {
        super((redact ? finding.redacted() : finding).refusalMessage(safeAlternative), finding.rule().sqlState(),
                VENDOR_CODE);
        this.finding = finding;
    }

    public Rule rule() {
        return finding.rule();
    }

    public Finding finding() {
        return finding;
    }
}
