package dev.backupguard.jdbc;

import java.sql.SQLException;
import java.sql.Wrapper;

/**
 * {@link Wrapper#unwrap} and {@link Wrapper#isWrapperFor} for every backup-guard wrapper, the same way: the wrapper
 * itself, then the object it wraps, then whatever that one wraps. {@code isWrapperFor} never throws, whatever class
 * it is asked about (some drivers throw for classes that are not interfaces).
 */
final class Unwrapping {

    private Unwrapping() {
    }

    static <T> T unwrap(Object self, Wrapper delegate, Class<T> iface) throws SQLException {
        if (iface.isInstance(self)) {
            return iface.cast(self);
        }
        if (iface.isInstance(delegate)) {
            return iface.cast(delegate);
        }
        return delegate.unwrap(iface);
    }

    /** Unwrapping an object that wraps nothing (a result set the guard answers itself) gives that object or fails. */
    static <T> T unwrap(Object self, Class<T> iface) throws SQLException {
        if (iface.isInstance(self)) {
            return iface.cast(self);
        }
        throw new SQLException("not a wrapper for " + iface.getName(), "S1009");
    }

    static boolean isWrapperFor(Object self, Class<?> iface) {
        return iface.isInstance(self);
    }

    static boolean isWrapperFor(Object self, Wrapper delegate, Class<?> iface) {
        if (iface.isInstance(self) || iface.isInstance(delegate)) {
            return true;
        }
        try {
            return delegate.isWrapperFor(iface);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }
}
