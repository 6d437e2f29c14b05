package dev.backupguard.protocol;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.Statement;

import java.util.ArrayList;
import java.util.List;

/**
 * Judges a recorded list of statements, one connection's, as they reached the server (a trace, or one thread of a
 * server's general log): the same engine as the live guard, in audit mode. Positions in the findings are the
 * 1-based indexes of the statements in the list.
 */
public final class Audit {

    private Audit() {
    }

    /** The judgement of one recorded session. */
    public record Result(boolean backupSession, boolean consistent, List<Finding> violations, List<Finding> wouldDo) {
    }

    /**
     * Judges {@code statements} on a server with these facts, recognising backup sessions as {@code role} does (a
     * general log of a production server: {@link Role#GUARDRAIL}).
     */
    public static Result judge(List<String> statements, ServerFacts facts, Role role) {
        SessionProtocol p = new SessionProtocol(ProtocolSettings.of(Mode.AUDIT, role));
        p.facts(facts);
        List<Finding> violations = new ArrayList<>();
        List<Finding> wouldDo = new ArrayList<>();
        boolean backup = false;
        for (String sql : statements) {
            Statement st = Classifier.classify(sql);
            Plan plan = p.plan(st);
            wouldDo.addAll(plan.findings());
            violations.addAll(p.sent(st));
            backup |= p.isBackupSession();
        }
        boolean consistent = violations.stream().noneMatch(f -> f.rule().severity() == Rule.Severity.CONSISTENCY);
        return new Result(backup, consistent, List.copyOf(violations), List.copyOf(wouldDo));
    }
}
