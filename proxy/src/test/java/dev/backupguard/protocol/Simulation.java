package dev.backupguard.protocol;

import dev.backupguard.classify.Classifier;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.Statement;

import java.util.ArrayList;
import java.util.List;

/**
 * Carries out plans the way the JDBC adapter does, against no server: records what would reach the server, feeds it
 * back to the protocol, answers coordinate reads with fixed values. Lets every rule be tested as "the exact sequence
 * the server would receive".
 */
final class Simulation {

    static final String FILE = "binlog.000002";
    static final long POSITION = 1234;
    static final String GTID = "0-1-42";

    final SessionProtocol protocol;
    final ServerFacts facts;
    /** What reached the server, in order: the SQL text, or {@code jdbc:<sql>} for a JDBC call. */
    final List<String> sent = new ArrayList<>();
    final List<Finding> findings = new ArrayList<>();
    final List<Finding> violations = new ArrayList<>();
    final List<Finding> refusals = new ArrayList<>();
    /** Statements answered without reaching the server. */
    final List<String> absorbed = new ArrayList<>();
    Result lastAnswer;
    /** Told of every statement that reached the server, with what the protocol's judge said of it. */
    Wire wire = (st, job, error, judged) -> { };

    interface Wire {
        /**
         * @param job   the job's own statement (not one of the guard's)
         * @param error the vendor code the server refused it with, or 0
         */
        void sent(Statement st, boolean job, int error, List<Finding> violations);
    }

    /**
     * The simulated server: 0 when it executes {@code st} ({@code job}: the job's statement, not the guard's), else the
     * vendor error code it refuses it with.
     */
    interface Server {
        int answer(Statement st, boolean job);
    }

    /** By default every statement succeeds; a refusal reaches the protocol as {@link SessionProtocol#failed}. */
    Server server = (st, job) -> 0;

    /** What the simulated server answers when the guard checks its state after an opaque statement. */
    ObservedState serverState = new ObservedState(false, true, true);
    /** The state check's answer; by default {@link #serverState}. */
    java.util.function.Supplier<ObservedState> stateCheck = () -> serverState;
    /** The binlog position the coordinates queries answer. */
    java.util.function.LongSupplier binlogPosition = () -> POSITION;
    /** The statements the server refused, with the vendor code. */
    final List<String> failed = new ArrayList<>();
    /** The statements after which the guard checked the server's state. */
    final List<String> checkedAfter = new ArrayList<>();

    /** The non-transactional tables the simulated server really has (what LearnEngines answers). */
    java.util.Set<dev.backupguard.classify.TableName> truth;

    Simulation(ProtocolSettings settings, ServerFacts facts) {
        this.protocol = new SessionProtocol(settings);
        this.facts = facts;
        this.truth = facts.nonTransactionalTables();
    }

    static Simulation of(Mode mode, Role role, ServerFacts facts) {
        return new Simulation(ProtocolSettings.of(mode, role), facts);
    }

    /** Runs the job's SQL; returns false when it was refused. Multi-statement text is split. */
    boolean job(String sql) {
        boolean ok = true;
        for (Statement st : Classifier.classifyAll(sql)) {
            ok &= run(st);
            if (!ok) {
                break;
            }
        }
        return ok;
    }

    /** Runs a sequence of job statements, stopping at the first refusal. */
    Simulation jobs(String... sqls) {
        for (String s : sqls) {
            if (!job(s)) {
                break;
            }
        }
        return this;
    }

    /** A JDBC call (one of the {@link JdbcCall} statements). */
    boolean call(Statement jdbc) {
        return run(jdbc);
    }

    void close() {
        execute(protocol.planClose(), null);
    }

    boolean run(Statement st) {
        Plan plan = protocol.plan(st);
        return execute(plan, st);
    }

    /**
     * Carries out {@code plan} as GuardedConnection does: a refused job statement or guard statement ends the plan
     * (the job gets the SQLException), after the recovery statements when the guard had sent any; a refused
     * TryInject does not.
     */
    private boolean execute(Plan plan, Statement job) {
        findings.addAll(plan.findings());
        boolean guardSent = false;
        for (Step step : plan.steps()) {
            if (step instanceof Step.Inject i) {
                if (!send(i.statement(), false)) {
                    recover();
                    return false;
                }
                guardSent = true;
            } else if (step instanceof Step.TryInject t) {
                send(t.statement(), false);
            } else if (step instanceof Step.Execute e) {
                if (!send(e.statement() != null ? e.statement() : job, true)) {
                    if (guardSent) {
                        recover();
                    }
                    checkAfterFailure(plan);
                    return false;
                }
            } else if (step instanceof Step.ReadCoordinates r) {
                guardSent = true;
                if (!readCoordinates(r.source())) {
                    recover();
                    return false;
                }
            } else if (step instanceof Step.CompleteCoordinates) {
                BinlogCoordinates c = protocol.coordinates();
                if (c != null && c.source() == BinlogCoordinates.Source.LOCKED_BINLOG_STATUS) {
                    Statement gtid = CoordinatesQueries.binlogGtidPos(facts, c.file(), c.position());
                    if (gtid != null) {
                        send(gtid, false);
                    }
                }
            } else if (step instanceof Step.Answer a) {
                absorbed.add(job.sql());
                lastAnswer = a.result();
            } else if (step instanceof Step.AnswerCoordinates a) {
                absorbed.add(job.sql());
                lastAnswer = protocol.coordinatesResult(a.statement());
            } else if (step instanceof Step.Refuse r) {
                refusals.add(r.finding());
                return false;
            } else if (step instanceof Step.LearnEngines e) {
                java.util.Set<dev.backupguard.classify.TableName> there = new java.util.HashSet<>();
                for (dev.backupguard.classify.TableName t : truth) {
                    if (t.schema().equalsIgnoreCase(e.schema())) {
                        there.add(t);
                    }
                }
                protocol.enginesLearned(e.schema(), there);
            } else if (step instanceof Step.CheckServerState c) {
                checkedAfter.add(c.statement().sql());
                findings.addAll(protocol.observed(c.statement(), stateCheck.get()));
            } else if (step instanceof Step.LearnFacts) {
                protocol.facts(facts);
                return run(job);
            } else if (step instanceof Step.Replan) {
                return run(job);
            }
        }
        return true;
    }

    /** Sends {@code st}; returns whether the server executed it. */
    private boolean send(Statement st, boolean job) {
        sent.add(JdbcCall.isCall(st) ? "jdbc:" + st.sql() : st.sql());
        int error = server.answer(st, job);
        List<Finding> judged = error == 0 ? protocol.sent(st) : protocol.failed(st, error);
        if (error != 0) {
            failed.add(st.sql() + " (" + error + ")");
        }
        violations.addAll(judged);
        wire.sent(st, job, error, judged);
        return error == 0;
    }

    /** The job's statement failed: the plan's state check still runs (GuardedConnection.checkAfterFailure). */
    private void checkAfterFailure(Plan plan) {
        for (Step step : plan.steps()) {
            if (step instanceof Step.CheckServerState c) {
                checkedAfter.add(c.statement().sql());
                findings.addAll(protocol.observed(c.statement(), stateCheck.get()));
            }
        }
    }

    /** After a failed step: the recovery statements, their own errors ignored (GuardedConnection.recover). */
    private void recover() {
        for (Step step : protocol.planRecovery().steps()) {
            if (step instanceof Step.Inject i) {
                sent.add(i.statement().sql());
                if (server.answer(i.statement(), false) == 0) {
                    wire.sent(i.statement(), false, 0, protocol.sent(i.statement()));
                }
            }
        }
    }

    private boolean readCoordinates(BinlogCoordinates.Source source) {
        boolean ok = true;
        if (source == BinlogCoordinates.Source.SNAPSHOT_STATUS) {
            ok = send(CoordinatesQueries.SNAPSHOT_STATUS, false);
            Statement gtid = CoordinatesQueries.binlogGtidPos(facts, FILE, POSITION);
            if (ok && gtid != null) {
                ok = send(gtid, false);
            }
        } else {
            for (Statement st : CoordinatesQueries.locked(facts)) {
                ok = ok && send(st, false);
            }
        }
        if (ok) {
            protocol.coordinates(new BinlogCoordinates(FILE, binlogPosition.getAsLong(), GTID, source));
        }
        return ok;
    }

    /** The statements sent, as their kinds: compact for assertions that do not care about text. */
    List<Kind> sentKinds() {
        List<Kind> out = new ArrayList<>();
        for (String s : sent) {
            out.add(Classifier.classify(s.startsWith("jdbc:") ? s.substring(5) : s).kind());
        }
        return out;
    }

    List<Rule> violatedRules() {
        return violations.stream().map(Finding::rule).toList();
    }

    List<Rule> consistencyViolations() {
        return violations.stream().filter(f -> f.rule().severity() == Rule.Severity.CONSISTENCY)
                .map(Finding::rule).toList();
    }
}
