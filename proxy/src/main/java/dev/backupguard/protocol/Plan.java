package dev.backupguard.protocol;

import dev.backupguard.classify.Statement;

import java.util.ArrayList;
import java.util.List;

/**
 * What to do with one job statement or JDBC call: the steps to carry out, in order, and the findings to report.
 *
 * @param steps    the steps
 * @param findings corrections, refusals and reports to publish
 */
public record Plan(List<Step> steps, List<Finding> findings) {

    /** Send the job's statement as it is: the fast path of every ordinary statement. */
    public static final Plan PASS = new Plan(List.of(new Step.Execute(null)), List.of());

    /** Learn the server's facts first, then plan again. */
    public static final Plan LEARN_FACTS = new Plan(List.of(new Step.LearnFacts()), List.of());

    /** Nothing to send and nothing to say (e.g. closing a connection that holds nothing). */
    public static final Plan NOTHING = new Plan(List.of(), List.of());

    public boolean isPass() {
        return this == PASS;
    }

    /** The refusal in this plan, or null. */
    public Finding refusal() {
        for (Step s : steps) {
            if (s instanceof Step.Refuse r) {
                return r.finding();
            }
        }
        return null;
    }

    static Plan pass(List<Finding> findings) {
        return findings.isEmpty() ? PASS : new Plan(PASS.steps, List.copyOf(findings));
    }

    /** Builds a plan step by step. */
    static final class Builder {
        private final List<Step> steps = new ArrayList<>(8);
        private final List<Finding> findings = new ArrayList<>(2);

        Builder inject(Statement st) {
            steps.add(new Step.Inject(st));
            return this;
        }

        Builder tryInject(Statement st) {
            steps.add(new Step.TryInject(st));
            return this;
        }

        Builder execute(Statement st) {
            steps.add(new Step.Execute(st));
            return this;
        }

        Builder answer(Result r) {
            steps.add(new Step.Answer(r));
            return this;
        }

        Builder answerCoordinates(Statement st) {
            steps.add(new Step.AnswerCoordinates(st));
            return this;
        }

        Builder readCoordinates(BinlogCoordinates.Source source) {
            steps.add(new Step.ReadCoordinates(source));
            return this;
        }

        Builder completeCoordinates() {
            steps.add(new Step.CompleteCoordinates());
            return this;
        }

        Builder checkServerState(Statement st) {
            steps.add(new Step.CheckServerState(st));
            return this;
        }

        Builder replan() {
            steps.add(new Step.Replan());
            return this;
        }

        Builder finding(Finding f) {
            findings.add(f);
            return this;
        }

        Builder findings(List<Finding> fs) {
            findings.addAll(fs);
            return this;
        }

        boolean isEmpty() {
            return steps.isEmpty();
        }

        Plan build() {
            return new Plan(List.copyOf(steps), List.copyOf(findings));
        }
    }
}
