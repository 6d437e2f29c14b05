package dev.backupguard.jdbc;

import java.sql.CallableStatement;
import java.sql.SQLException;

/**
 * A callable statement under backup-guard: executed like a prepared one ({@link GuardedPreparedStatement}); its OUT
 * parameters and named parameters delegate ({@link DelegatingCallableStatement}, generated).
 */
final class GuardedCallableStatement extends DelegatingCallableStatement {

    GuardedCallableStatement(GuardedConnection conn, CallableStatement cs, String sql) throws SQLException {
        super(conn, cs, sql);
    }
}
