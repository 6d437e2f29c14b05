package dev.backupguard.jdbc;

import dev.backupguard.classify.IsolationLevel;
import dev.backupguard.classify.Kind;
import dev.backupguard.classify.Redactor;
import dev.backupguard.classify.SessionText;
import dev.backupguard.classify.Statement;
import dev.backupguard.config.Settings;
import dev.backupguard.lock.GlobalReadLockGuard;
import dev.backupguard.lock.LockRequest;
import dev.backupguard.lock.LockSession;
import dev.backupguard.protocol.BinlogCoordinates;
import dev.backupguard.protocol.Finding;
import dev.backupguard.protocol.Rule;
import dev.backupguard.protocol.JdbcCall;
import dev.backupguard.protocol.ObservedState;
import dev.backupguard.protocol.Plan;
import dev.backupguard.protocol.Result;
import dev.backupguard.protocol.SessionProtocol;
import dev.backupguard.protocol.Step;
import dev.backupguard.telemetry.GuardEvent.ConnectionLost.NoticedBy;
import dev.backupguard.telemetry.GuardEvent.StatementStep.Action;
import dev.backupguard.telemetry.SessionRecorder;
import dev.backupguard.telemetry.Telemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.ShardingKey;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection under backup-guard. It classifies each statement, asks the {@link SessionProtocol} for a plan and
 * carries the plan out on the real connection: inject, rewrite, answer, refuse. Ordinary statements take the fast
 * path (classify, PASS, delegate) with no extra round trip. Statements and result sets it hands out are wrapped so
 * {@code getConnection()} / {@code getStatement()} return the guarded objects and the protocol knows when a result
 * set is finished.
 */
public final class GuardedConnection implements Connection, GuardedResultSet.Observer {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedConnection.class);
    private static final AtomicBoolean INTERNAL_FAILURE_LOGGED = new AtomicBoolean();

    private final Connection delegate;
    private final Settings settings;
    private final SessionProtocol protocol;
    private final ConnectionSource side;
    private final GlobalReadLockGuard lockGuard;
    private final SessionRecorder recorder;
    private final Telemetry telemetry;
    private final boolean multiStatements;
    private final List<GuardedResultSet> openResultSets = new ArrayList<>(2);
    private final LockSession lockSession = new LockSession();
    private final SessionRelease release;
    /** How this session's text reads: its sql_mode, the server's version, its prepared statements and variables. */
    private final SessionText text;

    private java.sql.Statement internal;
    private boolean degraded;
    private boolean closed;
    private boolean recording;
    private long connectionId;
    private ReadWatch pendingRead;

    GuardedConnection(Connection delegate, Settings settings, ConnectionSource side, Telemetry telemetry,
                      GlobalReadLockGuard lockGuard, boolean multiStatements, String user) throws SQLException {
        this(delegate, settings, side, telemetry, lockGuard, multiStatements, user,
                new SessionProtocol(settings.protocol()));
    }

    /** With a given protocol: lets the adapter tests make the protocol fail. */
    GuardedConnection(Connection delegate, Settings settings, ConnectionSource side, Telemetry telemetry,
                      GlobalReadLockGuard lockGuard, boolean multiStatements, String user, SessionProtocol protocol)
            throws SQLException {
        this.delegate = delegate;
        this.settings = settings;
        this.protocol = protocol;
        this.side = side;
        this.lockGuard = lockGuard;
        this.telemetry = telemetry;
        this.recorder = new SessionRecorder(telemetry, settings.telemetry().redact(), protocol);
        this.multiStatements = multiStatements;
        this.release = new SessionRelease(delegate, protocol, lockSession, telemetry);
        // JDBC drivers keep autocommit locally, and the server version from the handshake: no round trip.
        protocol.initialAutoCommit(delegate.getAutoCommit());
        this.text = new SessionText(DialectProbe.atConnect(delegate));
        String lowerUser = user == null ? null : user.toLowerCase(java.util.Locale.ROOT);
        if ("never".equals(settings.session()) || (lowerUser != null && settings.neverUsers().contains(lowerUser))) {
            protocol.markNever();
        } else if ("backup".equals(settings.session())
                || (lowerUser != null && settings.backupUsers().contains(lowerUser))) {
            protocol.markBackup();
        } else if (hasApplicationRules()) {
            // Only when application rules are configured. Both Connector/Js keep client info locally (MySQL
            // Connector/J's default CommentClientInfoProvider, MariaDB Connector/J's Properties): no round trip.
            try {
                markByApplication(delegate.getClientInfo(APPLICATION_NAME));
            } catch (SQLException | RuntimeException e) {
                // A driver without client info cannot name the application; the other rules still apply.
            }
        }
        if (telemetry.needsRelease()) {
            release.watch(this); // files of its own: released even if the connection is dropped without close()
        }
    }

    /** The JDBC 4.0 client info property naming the application (java.sql.Connection#getClientInfo). */
    static final String APPLICATION_NAME = "ApplicationName";

    private boolean hasApplicationRules() {
        return !settings.backupApplications().isEmpty() || !settings.neverApplications().isEmpty();
    }

    /**
     * The application-name rules. Also applied when the application names itself after connecting (setClientInfo),
     * as long as the connection has not yet started a backup session: recognition happens before the first read.
     */
    private void markByApplication(String application) {
        if (application == null || protocol.isBackupSession() || protocol.isNeverBackup()) {
            return;
        }
        String name = application.toLowerCase(java.util.Locale.ROOT);
        if (settings.neverApplications().contains(name)) {
            protocol.markNever();
        } else if (settings.backupApplications().contains(name)) {
            protocol.markBackup();
        }
    }

    /** The protocol of this connection: for tests and the harness. */
    public SessionProtocol protocol() {
        return protocol;
    }

    Connection raw() {
        return delegate;
    }

    boolean multiStatements() {
        return multiStatements;
    }

    // =================================================================== carrying out plans

    /** What a job's JDBC call does, and how it is answered when the guard absorbs it. */
    interface JobAction<T> {
        /** Sends the job's statement; {@code rewrite} is the SQL to send instead, or null. */
        T run(String rewrite) throws SQLException;

        T answer(Result result) throws SQLException;
    }

    <T> T execute(Statement job, JobAction<T> action) throws SQLException {
        checkOpen();
        try {
            return executeChecked(job, action);
        } catch (SQLException e) {
            if (release.abortedBy() != null) {
                throw aborted(e);
            }
            lostIf(job, e);
            throw e;
        }
    }

    private <T> T executeChecked(Statement job, JobAction<T> action) throws SQLException {
        if (degraded) {
            return action.run(null);
        }
        Plan plan;
        try {
            plan = protocol.plan(job);
        } catch (RuntimeException e) {
            return afterInternalFailure(e, job, action);
        }
        if (settings.configError() != null && protocol.isBackupSession()) {
            throw configurationRefusal();
        }
        if (plan == Plan.PASS && !protocol.isBackupSession()) {
            T result;
            try {
                result = action.run(null);
            } catch (SQLException e) {
                observeOrdinary(() -> {
                    text.failed(job);
                    return protocol.failed(job, e.getErrorCode());
                });
                throw e;
            }
            observeOrdinary(() -> {
                text.executed(job);
                return protocol.sent(job);
            });
            watchLocks(job);
            return result;
        }
        return carryOut(job, plan, action);
    }

    /**
     * Tells the protocol what an ordinary statement did. The statement already ran: a failure of the guard here must
     * not reach the job, so the connection degrades to plain delegation (logged once) and the job gets its result.
     */
    private void observeOrdinary(java.util.function.Supplier<List<Finding>> observe) {
        try {
            List<Finding> violations = observe.get();
            if (!violations.isEmpty()) {
                report(violations);
            }
        } catch (RuntimeException e) {
            degrade(e);
        }
    }

    /**
     * Table locks on an ordinary connection, or a statement that may have taken a lock unseen: released if the
     * connection is abandoned.
     */
    private void watchLocks(Statement st) {
        if (st.kind() == Kind.LOCK_TABLES || st.kind() == Kind.OPAQUE) {
            release.watch(this);
        }
    }

    private <T> T carryOut(Statement job, Plan plan, JobAction<T> action) throws SQLException {
        int sessionsBefore = protocol.sessionsEnded();
        if (protocol.isBackupSession() && !recording) {
            recording = true;
            recorder.sessionStarted();
            release.watch(this);
        }
        report(plan.findings());
        recorder.planStarted(plan.findings());
        T result = null;
        boolean guardSent = false;
        for (Step step : plan.steps()) {
            if (step instanceof Step.Execute e) {
                try {
                    result = executeJob(job, e.statement(), action, guardSent);
                } catch (SQLException failed) {
                    checkAfterFailure(plan);
                    throw failed;
                }
            } else if (step instanceof Step.Inject i) {
                guardSent = true;
                sendGuarded(i.statement());
            } else if (step instanceof Step.TryInject t) {
                tryGuarded(t.statement());
            } else if (step instanceof Step.ReadCoordinates r) {
                guardSent = true;
                readCoordinates(r.source(), job);
            } else if (step instanceof Step.CompleteCoordinates) {
                completeCoordinates();
            } else if (step instanceof Step.Answer a) {
                if (deadBeforeAbsorbing(job)) {
                    return action.run(null); // the driver answers for the dead connection, with its own error
                }
                result = action.answer(a.result());
                recordNotSent(job, Action.ABSORBED);
            } else if (step instanceof Step.AnswerCoordinates a) {
                result = action.answer(protocol.coordinatesResult(a.statement()));
                recordNotSent(job, Action.ABSORBED);
            } else if (step instanceof Step.Refuse r) {
                recorder.planStarted(List.of(r.finding()));
                recordNotSent(job, Action.REFUSED);
                throw refusal(r.finding());
            } else if (step instanceof Step.CheckServerState c) {
                checkServerState(c.statement());
            } else if (step instanceof Step.LearnEngines e) {
                protocol.enginesLearned(e.schema(), ServerFactsProbe.nonTransactional(delegate, List.of(e.schema())));
            } else if (step instanceof Step.LearnFacts) {
                learnFacts();
                return carryOut(job, protocol.plan(job), action);
            } else if (step instanceof Step.Replan) {
                sessionEndedSince(sessionsBefore, "backup session ended: non-backup work followed");
                return carryOut(job, protocol.plan(job), action);
            }
        }
        recorder.planEnded();
        sessionEndedSince(sessionsBefore, "backup session ended");
        return result;
    }

    private <T> T executeJob(Statement job, Statement rewrite, JobAction<T> action, boolean guardSent)
            throws SQLException {
        Statement st = rewrite != null ? rewrite : job;
        String sql = rewrite != null ? rewrite.sql() : null;
        boolean backup = protocol.isBackupSession();
        long t0 = backup ? recorder.starting(st) : 0;
        if (backup && isTableRead(st)) {
            pendingRead = new ReadWatch(st.target().toString(), t0);
            recorder.tableReadStarted(st.target().toString());
        }
        T result;
        try {
            if (isGlobalReadLock(st)) {
                result = lockGuard.acquire(lockRequest(st), () -> {
                    recorder.lockAttemptSending();
                    return action.run(sql);
                });
            } else if (isTableFlush(st)) {
                result = lockGuard.flush(lockRequest(st), () -> action.run(sql));
            } else {
                beforeSent(st);
                result = action.run(sql);
            }
        } catch (SQLException e) {
            pendingRead = null;
            text.failed(st);
            report(protocol.failed(st, e.getErrorCode()));
            if (guardSent) {
                recover(e);
            }
            throw e;
        }
        pendingRead = null;
        text.executed(st);
        report(protocol.sent(st));
        if (backup) {
            recorder.finished(st, rewrite != null ? Action.REWRITTEN : Action.PASSED, t0, false);
        }
        afterSent(st);
        return result;
    }

    /** Sends a statement of the guard's own on the backup connection, reporting it to the protocol. */
    private void sendGuarded(Statement st) throws SQLException {
        long t0 = recorder.starting(st);
        try {
            if (JdbcCall.isCall(st)) {
                callJdbc(st);
            } else if (isGlobalReadLock(st)) {
                lockGuard.acquire(lockRequest(st), () -> {
                    recorder.lockAttemptSending();
                    return internal().execute(st.sql());
                });
            } else if (isTableFlush(st)) {
                lockGuard.flush(lockRequest(st), () -> internal().execute(st.sql()));
            } else {
                beforeSent(st);
                internal().execute(st.sql());
            }
        } catch (SQLException e) {
            report(protocol.failed(st, e.getErrorCode()));
            if (ConnectionLoss.is(e)) {
                throw e; // the server released with the session what a recovery would: the driver's error
            }
            Finding explained = protocol.unseenSnapshotEnd();
            if (st == SessionProtocol.RESTORE_BINLOG) {
                // Never hand back a connection whose writes would not reach the binlog (replicas would diverge).
                LOG.error("backup-guard could not switch binary logging back on for this session; closing it");
                abortBackup();
            }
            recover(e);
            if (e instanceof BackupGuardException) {
                throw e; // the lock guard's refusal already names the rule and the statement
            }
            if (explained != null) {
                // The server's error follows from a broken snapshot ("SAVEPOINT backup_guard does not exist"):
                // the job is told the rule that explains it, with the server's error as the cause.
                report(List.of(explained));
                SQLException b = refusal(explained);
                b.initCause(e);
                throw b;
            }
            throw new SQLException("backup-guard could not " + purpose(st) + ": " + e.getMessage()
                    + " (statement: " + st.sql() + ")", e.getSQLState(), e.getErrorCode(), e);
        }
        report(protocol.sent(st));
        recorder.finished(st, Action.INJECTED, t0, false);
        afterSent(st);
    }

    /** A statement of the guard's that may fail: the failure is reported and the plan goes on. */
    private void tryGuarded(Statement st) {
        long t0 = recorder.starting(st);
        try {
            internal().execute(st.sql());
        } catch (SQLException e) {
            LOG.info("backup-guard: '{}' failed ({} {}); going on without it", st.sql(), e.getErrorCode(), e.getMessage());
            report(protocol.failed(st, e.getErrorCode()));
            return;
        }
        report(protocol.sent(st));
        recorder.finished(st, Action.INJECTED, t0, false);
    }

    /** The global read lock is about to go: the lock guard's last look at the sessions waiting on it. */
    private void beforeSent(Statement st) {
        if (st.kind() == Kind.UNLOCK_TABLES && connectionId != 0 && lockSession.holdsGlobalLock()) {
            lockGuard.releasing(lockRequest(null));
        }
    }

    private void afterSent(Statement st) {
        if (st.kind() == Kind.UNLOCK_TABLES && connectionId != 0) {
            lockGuard.released(lockRequest(null));
        }
    }

    private void callJdbc(Statement st) throws SQLException {
        if (st == JdbcCall.COMMIT) {
            delegate.commit();
        } else if (st == JdbcCall.ROLLBACK) {
            delegate.rollback();
        } else if (st == JdbcCall.AUTOCOMMIT_ON || st == JdbcCall.AUTOCOMMIT_OFF) {
            delegate.setAutoCommit(st == JdbcCall.AUTOCOMMIT_ON);
        } else {
            delegate.setTransactionIsolation(st.isolation().jdbc());
        }
    }

    private void readCoordinates(BinlogCoordinates.Source source, Statement job) throws SQLException {
        BinlogCoordinates c;
        try {
            c = CoordinatesReader.read(source, protocol.facts(), this::injectedQuery);
        } catch (CoordinatesReader.NotAPosition e) {
            Finding f = new Finding(Rule.COORDINATES_OUTSIDE_LOCK, Finding.Outcome.REFUSED, protocol.position(),
                    job == null ? null : job.sql(), e.getMessage());
            report(List.of(f));
            recover(e);
            SQLException refusal = new BackupGuardException(f, settings.telemetry().redact(), NOT_A_POSITION_HELPS);
            refusal.initCause(e);
            throw refusal;
        } catch (SQLException e) {
            recover(e);
            throw e;
        }
        protocol.coordinates(c);
        recorder.coordinates(c, !CoordinatesReader.needsCompletion(c, protocol.facts()));
    }

    /** What helps when the snapshot's own coordinates are no binlog position (fact 14). */
    static final String NOT_A_POSITION_HELPS = "set backupguard.snapshot.way=global-lock (SHOW MASTER STATUS under the "
            + "global read lock is exact), or run the backup again once the server has committed a transaction";

    /** A coordinates query the guard injects: sent on the internal statement, reported and recorded as injected. */
    private ResultSet injectedQuery(Statement st) throws SQLException {
        long t0 = recorder.starting(st);
        ResultSet rs = internal().executeQuery(st.sql());
        report(protocol.sent(st));
        recorder.finished(st, Action.INJECTED, t0, false);
        return rs;
    }

    /** After the lock is gone: the GTID position of coordinates read under it (MariaDB: BINLOG_GTID_POS). */
    private void completeCoordinates() throws SQLException {
        BinlogCoordinates c = protocol.coordinates();
        BinlogCoordinates completed;
        try {
            completed = CoordinatesReader.complete(c, protocol.facts(), this::injectedQuery);
        } catch (SQLException e) {
            recover(e);
            throw e;
        }
        if (completed != c) {
            protocol.coordinates(completed);
            recorder.coordinates(completed, true);
        }
    }

    private void learnFacts() throws SQLException {
        ServerFactsProbe.Learned learned = ServerFactsProbe.probe(delegate, settings.scope());
        text.learned(learned.facts().version().text(), learned.sqlMode());
        connectionId = learned.facts().connectionId();
        recorder.connectionId(connectionId);
        protocol.facts(learned.facts());
        protocol.sessionIsolation(learned.isolation());
        if (learned.database() != null) {
            protocol.currentSchema(learned.database());
        }
    }

    /**
     * After a statement the guard cannot see into: what the server says about the global read lock and the snapshot
     * goes into the model; a lock found is handed to the lock guard (hold limit, leak release) and timed from now.
     */
    private void checkServerState(Statement after) {
        ObservedState state = ServerStateProbe.check(delegate, protocol.facts(), protocol.lastTableRead(),
                protocol.coordinates());
        report(protocol.observed(after, state));
        if (protocol.holdsGlobalLock() && !lockSession.holdsGlobalLock()) {
            lockGuard.adopted(lockRequest(after));
            recorder.globalLockFound();
        } else if (!protocol.holdsGlobalLock() && lockSession.holdsGlobalLock()) {
            lockGuard.released(lockRequest(null));
        }
    }

    /**
     * The job's statement failed, but a statement the guard cannot see into may have done part of its work first (a
     * procedure that commits, or takes the global read lock, then fails): the state check of its plan still runs.
     */
    private void checkAfterFailure(Plan plan) {
        for (Step step : plan.steps()) {
            if (step instanceof Step.CheckServerState c) {
                checkServerState(c.statement());
            }
        }
    }

    /** After a failed step: put the session back in a safe state (no lock held, no half-started snapshot). */
    private void recover(SQLException cause) {
        Plan recovery = protocol.planRecovery();
        for (Step step : recovery.steps()) {
            if (step instanceof Step.Inject i) {
                try {
                    beforeSent(i.statement());
                    internal().execute(i.statement().sql());
                    protocol.sent(i.statement());
                    afterSent(i.statement());
                } catch (SQLException e) {
                    cause.addSuppressed(e);
                }
            }
        }
    }

    private void sessionEndedSince(int sessionsBefore, String how) {
        if (recording && protocol.sessionsEnded() > sessionsBefore) {
            recording = false;
            recorder.sessionEnded(protocol.verdict(), how);
        }
    }

    // =================================================================== the server closed the connection

    /**
     * When {@code e} says the server closed the connection (KILL, a restart, a network failure) during a backup
     * session: the session ends there, not consistent (it did not finish), with a connection_lost event instead of the
     * releases the guard could not send; from then on every call goes to the driver, which answers as it does for a
     * dead connection. Returns whether it was so.
     */
    private boolean lostIf(Statement st, SQLException e) {
        if (!recording || degraded || !ConnectionLoss.is(e)) {
            return false;
        }
        lost(st, e, NoticedBy.STATEMENT_FAILED);
        return true;
    }

    /**
     * A COMMIT or ROLLBACK the guard would absorb (the snapshot stays open) on a connection the server closed must
     * fail as the driver fails it, not answer OK for a transaction that no longer exists (see ConnectionLoss#dead).
     */
    private boolean deadBeforeAbsorbing(Statement job) {
        if (!recording || !ConnectionLoss.endsTransaction(job)
                || !ConnectionLoss.dead(delegate, protocol.openResultSets() > 0)) {
            return false;
        }
        lost(job, null, NoticedBy.VALIDITY_CHECK);
        return true;
    }

    /**
     * The moment: the lock guard's watchdog may have found the connection gone earlier (it looks while the global
     * read lock is held), else now. The lock, the snapshot and every session setting went with the server session.
     */
    private void lost(Statement st, SQLException cause, NoticedBy by) {
        long now = System.nanoTime();
        long seen = lockSession.lostAt();
        boolean watchdogFirst = seen != 0 && seen < now;
        report(protocol.connectionLost(st.sql(),
                ConnectionLoss.detail(cause, protocol.holdsGlobalLock(), protocol.inSnapshot())));
        recording = false;
        degraded = true; // nothing is planned for a session that no longer exists
        lockSession.end();
        recorder.connectionLost(protocol.verdict(), watchdogFirst ? seen : now,
                watchdogFirst ? NoticedBy.LOCK_GUARD : by, st, cause);
    }

    /** What the lock guard needs; it refers to nothing that keeps this connection reachable (see SessionRelease). */
    private LockRequest lockRequest(Statement st) {
        return new LockRequest(delegate, connectionId, side, protocol.facts(), settings, protocol.position(),
                recorder.lockTelemetry(), recorder::origin, release::abort, lockSession, st == null ? null : st.sql());
    }

    /** Closes the connection rather than hand back one in an unsafe state. */
    private void abortBackup() {
        try {
            delegate.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("backup-guard could not abort the backup connection {}", connectionId, e);
        }
    }

    /** The error the job gets after the lock guard aborted the connection: the guard's reason, the driver's cause. */
    private SQLException aborted(SQLException cause) {
        SQLException reason = release.abortedBy();
        SQLException e = reason instanceof BackupGuardException b
                ? new BackupGuardException(b.finding(), settings.telemetry().redact())
                : new SQLException(reason.getMessage(), reason.getSQLState(), reason.getErrorCode());
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    private <T> T afterInternalFailure(RuntimeException e, Statement job, JobAction<T> action) throws SQLException {
        if (protocol.isBackupSession()) {
            throw new SQLException("backup-guard failed internally during a backup session and will not let the "
                    + "backup continue unsafely: " + e, "HY000", e);
        }
        degrade(e);
        return action.run(null);
    }

    /**
     * backupguard.on-config-error=refuse: the settings had an invalid value, so the guard cannot be sure it does what
     * the operator meant; ordinary statements pass, a backup session is refused before anything of it is sent.
     */
    private SQLException configurationRefusal() {
        return new SQLException(settings.configError(), CONFIGURATION_SQL_STATE, BackupGuardException.VENDOR_CODE);
    }

    /** SQLState HY024, "invalid attribute value": a setting's value is what is wrong. */
    static final String CONFIGURATION_SQL_STATE = "HY024";

    private SQLException refusal(Finding f) {
        return new BackupGuardException(f, settings.telemetry().redact());
    }

    private void report(List<Finding> findings) {
        for (Finding f : findings) {
            recorder.finding(f);
            if (f.outcome() == Finding.Outcome.VIOLATION || f.outcome() == Finding.Outcome.REFUSED) {
                LOG.warn("{}", settings.telemetry().redact() ? redactedMessage(f) : f.message());
            } else if (LOG.isInfoEnabled()) {
                LOG.info("{}", settings.telemetry().redact() ? redactedMessage(f) : f.message());
            }
        }
    }

    static String redactedMessage(Finding f) {
        // The detail may quote SQL (the statement that ended the snapshot): it is redacted too.
        return new Finding(f.rule(), f.outcome(), f.position(), Redactor.redact(f.statement()),
                f.detail()).message();
    }

    private void recordNotSent(Statement job, Action action) {
        if (protocol.isBackupSession() || recording) {
            recorder.notSent(job, action);
        }
    }

    private static boolean isGlobalReadLock(Statement st) {
        return st.kind() == Kind.FLUSH_TABLES_WITH_READ_LOCK && st.tables().isEmpty();
    }

    /** FLUSH TABLES of every table in a backup session: on MySQL it waits for running SELECTs like FTWRL does. */
    private boolean isTableFlush(Statement st) {
        return st.kind() == Kind.FLUSH_TABLES && st.tables().isEmpty() && protocol.isBackupSession();
    }

    private boolean isTableRead(Statement st) {
        return st.kind() == Kind.SELECT && st.target() != null && !st.isLockingRead();
    }

    private static String purpose(Statement st) {
        return switch (st.kind()) {
            case FLUSH_TABLES_WITH_READ_LOCK -> "take the global read lock";
            case START_TRANSACTION -> "start the consistent snapshot";
            case UNLOCK_TABLES -> "release the global read lock";
            case SAVEPOINT, ROLLBACK_TO_SAVEPOINT, RELEASE_SAVEPOINT -> "manage the metadata-lock savepoint";
            default -> "send " + st.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        };
    }

    private java.sql.Statement internal() throws SQLException {
        if (internal == null) {
            internal = delegate.createStatement();
        }
        return internal;
    }

    /** Whether every statement would pass unchanged (ordinary traffic): a batch or multi-statement text goes whole. */
    boolean passUnchanged(List<Statement> parts) {
        if (degraded) {
            return true;
        }
        try {
            for (Statement p : parts) {
                if (!protocol.passesUnchanged(p)) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Sends statements that all pass unchanged in one driver call (a batch, multi-statement text). */
    <T> T sendWhole(List<Statement> parts, SqlSupplier<T> send) throws SQLException {
        checkOpen();
        if (!degraded) {
            try {
                for (Statement p : parts) {
                    protocol.plan(p);
                }
            } catch (RuntimeException e) {
                degrade(e); // every part passes unchanged: sending them whole is what plain delegation does
            }
        }
        T result;
        try {
            result = send.get();
        } catch (SQLException e) {
            text.uncertain(); // which parts ran is not known
            throw e;
        }
        if (!degraded) {
            for (Statement p : parts) {
                observeOrdinary(() -> {
                    text.executed(p);
                    return protocol.sent(p);
                });
                watchLocks(p);
            }
        }
        return result;
    }

    @FunctionalInterface
    interface SqlSupplier<T> {
        T get() throws SQLException;
    }

    // =================================================================== result sets

    /** Wraps a driver result set of this connection, so the protocol learns when it is finished. */
    GuardedResultSet wrap(ResultSet raw, java.sql.Statement owner) {
        if (raw == null) {
            return null;
        }
        GuardedResultSet.Observer observer = this;
        if (pendingRead != null) {
            observer = pendingRead;
            pendingRead = null;
        }
        GuardedResultSet rs = new GuardedResultSet(raw, owner, observer);
        openResultSets.add(rs);
        protocol.resultSetOpened();
        return rs;
    }

    @Override
    public void finished(GuardedResultSet rs, long rows) {
        openResultSets.remove(rs);
        protocol.resultSetFinished();
    }

    /** A table read of a backup session: its rows and time are reported when its result set finishes. */
    private final class ReadWatch implements GuardedResultSet.Observer {
        private final String table;
        private final long startedAt;

        ReadWatch(String table, long startedAt) {
            this.table = table;
            this.startedAt = startedAt;
        }

        @Override
        public void finished(GuardedResultSet rs, long rows) {
            GuardedConnection.this.finished(rs, rows);
            recorder.tableRead(table, rows, startedAt);
        }
    }

    // =================================================================== statements

    /**
     * Classifies the job's SQL. The classifier never throws by contract; should it fail anyway, an ordinary
     * connection falls back to plain delegation, and a backup session stops rather than guess.
     */
    Statement classify(String sql) throws SQLException {
        try {
            // Where no query can matter (guardrail role, no backup session), its leading keyword is enough.
            Statement st = text.classify(sql, protocol.needsDetails());
            return st.has(Statement.F_AMBIGUOUS) && learnDialect() ? text.classify(sql, protocol.needsDetails()) : st;
        } catch (RuntimeException e) {
            return unclassified(sql, e);
        }
    }

    /** Every statement of multi-statement text (see {@link #classify}). */
    List<Statement> classifyAll(String sql) throws SQLException {
        try {
            List<Statement> parts = text.classifyAll(sql);
            return parts.get(0).has(Statement.F_AMBIGUOUS) && learnDialect() ? text.classifyAll(sql) : parts;
        } catch (RuntimeException e) {
            return List.of(unclassified(sql, e));
        }
    }

    private Statement unclassified(String sql, RuntimeException e) throws SQLException {
        if (protocol.isBackupSession()) {
            throw new SQLException("backup-guard could not classify a statement of a backup session and will "
                    + "not let the backup continue unsafely: " + e, "HY000", e);
        }
        degrade(e);
        return new Statement(Kind.OTHER, sql == null ? "" : sql, null, null, null, null, Statement.F_MALFORMED);
    }

    /**
     * The text reads differently under an sql_mode or server version this connection does not know yet: one query
     * learns them. Only for such text (a backslash in a string, a double-quoted token or a versioned comment whose
     * reading decides what the statement is), and only once while they stay known; never while a result set is open
     * (the text then stays OPAQUE).
     */
    private boolean learnDialect() {
        if (protocol.openResultSets() > 0) {
            return false;
        }
        try {
            DialectProbe.learn(delegate, text);
            return text.dialect().sqlModeKnown() && text.dialect().versionKnown();
        } catch (SQLException e) {
            LOG.debug("backup-guard could not read the session's sql_mode", e);
            return false;
        }
    }

    /** Whether statements must be classified in full (see {@link SessionProtocol#needsDetails()}). */
    boolean needsDetails() {
        return !degraded && protocol.needsDetails();
    }

    /** Whether an internal failure was logged in this JVM (logged once); tests reset it. */
    static boolean internalFailureLogged(boolean reset) {
        return reset ? INTERNAL_FAILURE_LOGGED.getAndSet(false) : INTERNAL_FAILURE_LOGGED.get();
    }

    private void degrade(RuntimeException e) {
        degraded = true;
        if (INTERNAL_FAILURE_LOGGED.compareAndSet(false, true)) {
            LOG.error("backup-guard failed internally; this connection falls back to plain delegation "
                    + "(further failures are not logged)", e);
        }
    }

    @Override
    public java.sql.Statement createStatement() throws SQLException {
        checkOpen();
        return new GuardedStatement(this, delegate.createStatement());
    }

    @Override
    public java.sql.Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        return new GuardedStatement(this, delegate.createStatement(resultSetType, resultSetConcurrency));
    }

    @Override
    public java.sql.Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        checkOpen();
        return new GuardedStatement(this, delegate.createStatement(resultSetType, resultSetConcurrency,
                resultSetHoldability));
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        checkOpen();
        return new GuardedPreparedStatement(this, delegate.prepareStatement(sql), sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        checkOpen();
        return new GuardedPreparedStatement(this, delegate.prepareStatement(sql, resultSetType, resultSetConcurrency), sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
                                              int resultSetHoldability) throws SQLException {
        checkOpen();
        return new GuardedPreparedStatement(this, delegate.prepareStatement(sql, resultSetType, resultSetConcurrency,
                resultSetHoldability), sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        checkOpen();
        return new GuardedPreparedStatement(this, delegate.prepareStatement(sql, autoGeneratedKeys), sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        checkOpen();
        return new GuardedPreparedStatement(this, delegate.prepareStatement(sql, columnIndexes), sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        checkOpen();
        return new GuardedPreparedStatement(this, delegate.prepareStatement(sql, columnNames), sql);
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        checkOpen();
        return new GuardedCallableStatement(this, delegate.prepareCall(sql), sql);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        checkOpen();
        return new GuardedCallableStatement(this, delegate.prepareCall(sql, resultSetType, resultSetConcurrency), sql);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
                                         int resultSetHoldability) throws SQLException {
        checkOpen();
        return new GuardedCallableStatement(this, delegate.prepareCall(sql, resultSetType, resultSetConcurrency,
                resultSetHoldability), sql);
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return delegate.nativeSQL(sql);
    }

    // =================================================================== transaction state

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        execute(JdbcCall.autocommit(autoCommit), new CallAction(() -> delegate.setAutoCommit(autoCommit)));
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        // The job's view: an absorbed setAutoCommit(false) must read back as false.
        return degraded ? delegate.getAutoCommit() : protocol.jobAutoCommit();
    }

    @Override
    public void commit() throws SQLException {
        execute(JdbcCall.COMMIT, new CallAction(delegate::commit));
    }

    @Override
    public void rollback() throws SQLException {
        execute(JdbcCall.ROLLBACK, new CallAction(delegate::rollback));
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        IsolationLevel l = IsolationLevel.ofJdbc(level);
        if (l == null) {
            delegate.setTransactionIsolation(level);
            return;
        }
        execute(JdbcCall.isolation(l), new CallAction(() -> delegate.setTransactionIsolation(level)));
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        IsolationLevel l = degraded ? null : protocol.jobIsolation();
        return l != null ? l.jdbc() : delegate.getTransactionIsolation();
    }

    /** A JDBC call the job makes (commit, setAutoCommit, ...): its answer when absorbed is nothing. */
    private final class CallAction implements JobAction<Void> {
        private final SqlRunnable call;

        CallAction(SqlRunnable call) {
            this.call = call;
        }

        @Override
        public Void run(String rewrite) throws SQLException {
            if (rewrite != null) {
                internal().execute(rewrite);
            } else {
                call.run();
            }
            return null;
        }

        @Override
        public Void answer(Result result) {
            return null;
        }
    }

    @FunctionalInterface
    interface SqlRunnable {
        void run() throws SQLException;
    }

    // =================================================================== lifecycle

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!degraded && release.abortedBy() == null) {
                releaseForClose("connection closed");
            }
        } finally {
            release.disarm();
            lockSession.end();
            if (internal != null) {
                try {
                    internal.close();
                } catch (SQLException e) {
                    LOG.debug("closing backup-guard's statement failed", e);
                }
            }
            try {
                delegate.close();
            } finally {
                telemetry.release(); // a connection-level trace or coordinates file is flushed when its last user closes
            }
        }
    }

    /**
     * Leak safety: a connection closed (or returned to a pool) while it holds the global read lock, table locks or
     * a snapshot releases them first. Open result sets are closed first (drivers drain them), because nothing may be
     * sent while one streams.
     */
    private void releaseForClose(String how) {
        for (GuardedResultSet rs : new ArrayList<>(openResultSets)) {
            try {
                rs.close();
            } catch (SQLException e) {
                LOG.debug("closing an open result set before release failed", e);
            }
        }
        int before = protocol.sessionsEnded();
        boolean wasBackup = recording;
        Plan plan;
        try {
            plan = protocol.planClose();
        } catch (RuntimeException e) {
            LOG.error("backup-guard failed internally while closing a connection", e);
            return;
        }
        for (Step step : plan.steps()) {
            if (step instanceof Step.Inject i) {
                try {
                    sendGuarded(i.statement());
                } catch (SQLException e) {
                    if (lostIf(i.statement(), e)) {
                        return; // the server released everything with the session
                    }
                    LOG.warn("backup-guard could not release the backup session's locks before closing: {}",
                            e.getMessage());
                    break;
                }
            }
        }
        if (wasBackup) {
            recording = false;
            recorder.sessionEnded(protocol.verdict(), protocol.sessionsEnded() > before ? how : "closed");
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        return closed || delegate.isClosed();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        closed = true;
        release.disarm();
        lockSession.end();
        try {
            delegate.abort(executor);
        } finally {
            telemetry.release();
        }
    }

    private void checkOpen() throws SQLException {
        if (release.abortedBy() != null) {
            throw aborted(null);
        }
        if (closed) {
            throw new SQLException("connection is closed", "08003");
        }
    }

    // =================================================================== wrapper

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return Unwrapping.unwrap(this, delegate, iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return Unwrapping.isWrapperFor(this, delegate, iface);
    }

    @Override
    public String toString() {
        return "GuardedConnection[" + delegate + "]";
    }

    // =================================================================== plain delegation

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return delegate.getMetaData();
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        delegate.setReadOnly(readOnly);
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return delegate.isReadOnly();
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        delegate.setCatalog(catalog);
        protocol.currentSchema(catalog);
    }

    @Override
    public String getCatalog() throws SQLException {
        return delegate.getCatalog();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return delegate.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        delegate.clearWarnings();
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return delegate.getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        delegate.setTypeMap(map);
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        delegate.setHoldability(holdability);
    }

    @Override
    public int getHoldability() throws SQLException {
        return delegate.getHoldability();
    }

    // Savepoints of the JDBC API are the statements the drivers send for them (fact 7: SAVEPOINT `sp1`,
    // ROLLBACK TO SAVEPOINT `sp1`): planned like them, so the protocol knows the job manages savepoints of its own
    // and never rolls back to its earlier one over them (that destroyed the job's savepoint: error 1305).

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return execute(savepointStatement("SAVEPOINT ", null), new SavepointAction(delegate::setSavepoint));
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return execute(savepointStatement("SAVEPOINT ", name), new SavepointAction(() -> delegate.setSavepoint(name)));
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        execute(savepointStatement("ROLLBACK TO SAVEPOINT ", nameOf(savepoint)),
                new CallAction(() -> delegate.rollback(savepoint)));
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        execute(savepointStatement("RELEASE SAVEPOINT ", nameOf(savepoint)),
                new CallAction(() -> delegate.releaseSavepoint(savepoint)));
    }

    /** The statement a savepoint call stands for; an unnamed savepoint gets a name the guard never uses. */
    private Statement savepointStatement(String verb, String name) throws SQLException {
        String n = name == null ? "jdbc_unnamed_savepoint" : name;
        return classify(verb + "`" + n.replace("`", "``") + "`");
    }

    private static String nameOf(Savepoint savepoint) {
        try {
            return savepoint.getSavepointName();
        } catch (SQLException | RuntimeException e) {
            return null; // unnamed (JDBC: getSavepointName throws for those)
        }
    }

    /** A savepoint call: never absorbed or rewritten (the protocol passes savepoint statements). */
    private static final class SavepointAction implements JobAction<Savepoint> {
        private final SqlSupplier<Savepoint> call;

        SavepointAction(SqlSupplier<Savepoint> call) {
            this.call = call;
        }

        @Override
        public Savepoint run(String rewrite) throws SQLException {
            return call.get();
        }

        @Override
        public Savepoint answer(Result result) throws SQLException {
            throw new SQLException("backup-guard cannot answer a savepoint call itself", "HY000");
        }
    }

    @Override
    public Clob createClob() throws SQLException {
        return delegate.createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return delegate.createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return delegate.createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return delegate.createSQLXML();
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        return delegate.isValid(timeout);
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        delegate.setClientInfo(name, value);
        if (APPLICATION_NAME.equalsIgnoreCase(name) && hasApplicationRules()) {
            markByApplication(value);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        delegate.setClientInfo(properties);
        if (properties != null && hasApplicationRules()) {
            markByApplication(properties.getProperty(APPLICATION_NAME));
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        return delegate.getClientInfo(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return delegate.getClientInfo();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return delegate.createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return delegate.createStruct(typeName, attributes);
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        delegate.setSchema(schema);
    }

    @Override
    public String getSchema() throws SQLException {
        return delegate.getSchema();
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        delegate.setNetworkTimeout(executor, milliseconds);
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return delegate.getNetworkTimeout();
    }

    @Override
    public void beginRequest() throws SQLException {
        delegate.beginRequest();
    }

    /**
     * JDBC 4.3 request boundary: a pool hands the connection back (HikariCP with
     * {@code -Dcom.zaxxer.hikari.enableRequestBoundaries=true}). The backup session ends here as it would at close:
     * the next borrower must not inherit the snapshot, a lock, sql_log_bin=0 or the snapshot's isolation level.
     * A pool that wraps this connection never calls {@link #close()} on return, so without this signal the session
     * would end only when the pool closes the physical connection.
     */
    @Override
    public void endRequest() throws SQLException {
        if (!closed && !degraded && release.abortedBy() == null) {
            releaseForClose("request ended (returned to the pool)");
            lockSession.end();
        }
        delegate.endRequest();
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, ShardingKey superShardingKey, int timeout)
            throws SQLException {
        return delegate.setShardingKeyIfValid(shardingKey, superShardingKey, timeout);
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, int timeout) throws SQLException {
        return delegate.setShardingKeyIfValid(shardingKey, timeout);
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey, ShardingKey superShardingKey) throws SQLException {
        delegate.setShardingKey(shardingKey, superShardingKey);
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey) throws SQLException {
        delegate.setShardingKey(shardingKey);
    }
}
