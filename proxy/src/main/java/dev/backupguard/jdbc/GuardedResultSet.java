package dev.backupguard.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A driver's result set, watched only as far as the protocol needs: when it is read to its end or closed (so a
 * statement may be injected again on its connection) and how many rows it gave. Rows are never copied; every other
 * method delegates ({@link DelegatingResultSet}, generated). {@link #getStatement()} returns the guarded statement.
 */
final class GuardedResultSet extends DelegatingResultSet {

    /** Told once when the result set is exhausted or closed, whichever comes first. */
    interface Observer {
        void finished(GuardedResultSet rs, long rows);
    }

    private final Statement owner;
    private final Observer observer;
    private long rows;
    private boolean finished;

    GuardedResultSet(ResultSet delegate, Statement owner, Observer observer) {
        super(delegate);
        this.owner = owner;
        this.observer = observer;
    }

    @Override
    public boolean next() throws SQLException {
        boolean more = delegate.next();
        if (more) {
            rows++;
        } else {
            finish();
        }
        return more;
    }

    @Override
    public void close() throws SQLException {
        try {
            delegate.close();
        } finally {
            finish();
        }
    }

    /** Also called when the owning statement is closed or executes again: JDBC closes its result set then. */
    void finish() {
        if (!finished) {
            finished = true;
            observer.finished(this, rows);
        }
    }

    @Override
    public Statement getStatement() {
        return owner;
    }
}
