package dev.backupguard.facts;

import dev.backupguard.testserver.MariaDbServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A commit held between the binary log and InnoDB, the moment of docs/server-facts.md fact 14: with semi-synchronous
 * replication at {@code rpl_semi_sync_master_wait_point = AFTER_SYNC} and no replica, a commit that has written the
 * binary log waits for an acknowledgement that never comes (processlist state {@value #STATE}) before it commits in
 * InnoDB, until {@link #release()} switches semi-sync off. {@link #close()} puts the server's settings back.
 */
public final class HalfCommit implements AutoCloseable {

    public static final String STATE = "Waiting for semi-sync ACK from slave";

    private final MariaDbServer server;
    private final ExecutorService background = Executors.newCachedThreadPool();

    public HalfCommit(MariaDbServer server) {
        this.server = server;
        // The acknowledgement never comes; the 10-minute timeout only keeps a broken test from hanging the build.
        server.execute("SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC",
                "SET GLOBAL rpl_semi_sync_master_timeout = 600000");
    }

    /** Runs {@code commit} on {@code c} in the background; returns once its commit waits for the acknowledgement. */
    public <T> Future<T> hold(Connection c, Callable<T> commit) throws SQLException {
        server.execute("SET GLOBAL rpl_semi_sync_master_enabled = ON");
        Future<T> f = background.submit(commit);
        long thread = MariaDbServer.threadId(c);
        ServerWait.until("the commit to wait for its acknowledgement", () -> STATE.equals(
                server.queryString("SELECT STATE FROM information_schema.PROCESSLIST WHERE ID = " + thread)));
        return f;
    }

    /** Runs {@code task} in the background (a statement that will wait on the held commit). */
    public <T> Future<T> meanwhile(Callable<T> task) {
        return background.submit(task);
    }

    /** The held commit goes on into InnoDB. */
    public void release() {
        server.execute("SET GLOBAL rpl_semi_sync_master_enabled = OFF");
    }

    @Override
    public void close() {
        release();
        server.execute("SET GLOBAL rpl_semi_sync_master_timeout = DEFAULT",
                "SET GLOBAL rpl_semi_sync_master_wait_point = DEFAULT");
        background.shutdownNow();
    }

    /**
     * {@code SHOW STATUS LIKE 'binlog_snapshot_%'}: file and position. Inside a consistent snapshot its own; outside a
     * transaction the server's last commit position (fact 2).
     */
    public static String[] snapshotStatus(Connection c) throws SQLException {
        String[] out = new String[2];
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
            while (rs.next()) {
                out[rs.getString(1).equalsIgnoreCase("Binlog_snapshot_file") ? 0 : 1] = rs.getString(2);
            }
        }
        return out;
    }
}
