package dev.backupguard.jdbc;

import dev.backupguard.lock.LockSession;
import dev.backupguard.protocol.JdbcCall;
import dev.backupguard.protocol.Plan;
import dev.backupguard.protocol.SessionProtocol;
import dev.backupguard.protocol.Step;
import dev.backupguard.telemetry.Telemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.ref.Cleaner;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Leak safety for a guarded connection that goes away without {@code close()}, and the lock guard's abort.
 *
 * <p><b>Abandoned</b>: a backup job that drops a connection holding FLUSH TABLES WITH READ LOCK, LOCK TABLES, a
 * backup lock or an open snapshot leaves the server read-only (or DDL blocked) until the socket dies, which for a
 * pooled or idle connection may be hours (wait_timeout). When the guarded connection becomes unreachable, a
 * {@link Cleaner} runs this: it sends the statements {@link SessionProtocol#planClose()} plans (UNLOCK TABLES,
 * UNLOCK INSTANCE / BACKUP STAGE END, ROLLBACK) and closes the driver connection. It holds the driver connection and
 * the protocol, never the guarded connection (that would keep it reachable for ever); registered only once a
 * connection becomes a backup session or takes table locks, so ordinary connections pay nothing.
 *
 * <p>It also releases the connection's telemetry: a {@code trace.file} or {@code coordinates.file} of its own has a
 * writer thread that stops when its last connection is released, so a connection with files of its own is watched
 * from the start (a connection on the process-wide files has nothing to release).
 *
 * <p><b>Abort</b>: the lock guard's hold limit, in enforce mode, aborts the connection from its watchdog thread; the
 * reason is kept here so the job's next call gets that error instead of a bare "connection closed".
 */
final class SessionRelease implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRelease.class);
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "backup-guard-leak-release");
        t.setDaemon(true);
        return t;
    });

    private final Connection raw;
    private final SessionProtocol protocol;
    private final LockSession lockSession;
    private final Telemetry telemetry;
    private volatile boolean disarmed;
    private volatile SQLException abortedBy;
    private Cleaner.Cleanable cleanable;

    SessionRelease(Connection raw, SessionProtocol protocol, LockSession lockSession, Telemetry telemetry) {
        this.raw = raw;
        this.protocol = protocol;
        this.lockSession = lockSession;
        this.telemetry = telemetry;
    }

    /** Releases what the session holds when {@code owner} (the guarded connection) becomes unreachable. */
    synchronized void watch(Object owner) {
        if (cleanable == null && !disarmed) {
            cleanable = CLEANER.register(owner, this);
        }
    }

    /** The connection was closed properly: nothing is left to do when it becomes unreachable. */
    void disarm() {
        disarmed = true;
        Cleaner.Cleanable c;
        synchronized (this) {
            c = cleanable;
            cleanable = null;
        }
        if (c != null) {
            c.clean(); // deregisters; run() sees disarmed and does nothing
        }
    }

    /** Aborts the driver connection (from any thread); the job's next call fails with {@code reason}. */
    void abort(SQLException reason) {
        abortedBy = reason;
        try {
            raw.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("backup-guard could not abort the backup connection", e);
        }
    }

    /** Why the lock guard aborted the connection, or null. */
    SQLException abortedBy() {
        return abortedBy;
    }

    /** Runs on the Cleaner's thread once the guarded connection is unreachable: nothing else can use it any more. */
    @Override
    public void run() {
        if (disarmed) {
            return;
        }
        lockSession.end();
        try {
            if (raw.isClosed()) {
                return;
            }
            Plan plan = protocol.planClose();
            if (plan.steps().isEmpty()) {
                return;
            }
            LOG.warn("backup-guard: a backup connection was abandoned without close(); releasing what it held ({}) "
                    + "and closing it", plan.steps().stream().filter(Step.Inject.class::isInstance)
                    .map(i -> ((Step.Inject) i).statement().sql()).toList());
            try (Statement s = raw.createStatement()) {
                for (Step step : plan.steps()) {
                    if (step instanceof Step.Inject i) {
                        send(s, i.statement());
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("backup-guard could not release an abandoned connection's locks; closing it (the server then "
                    + "releases them): {}", e.toString());
        } finally {
            try {
                raw.close();
            } catch (SQLException e) {
                LOG.debug("closing an abandoned connection failed", e);
            } finally {
                telemetry.release(); // its own trace and coordinates files: written, flushed, their writers stopped
            }
        }
    }

    private void send(Statement s, dev.backupguard.classify.Statement st) {
        try {
            if (st == JdbcCall.ROLLBACK) {
                raw.rollback();
            } else if (st == JdbcCall.AUTOCOMMIT_ON || st == JdbcCall.AUTOCOMMIT_OFF) {
                raw.setAutoCommit(st == JdbcCall.AUTOCOMMIT_ON);
            } else if (JdbcCall.isCall(st)) {
                return; // isolation: the connection is closed next anyway
            } else {
                s.execute(st.sql());
            }
        } catch (SQLException e) {
            LOG.debug("release of an abandoned connection: '{}' failed: {}", st.sql(), e.getMessage());
        }
    }
}
