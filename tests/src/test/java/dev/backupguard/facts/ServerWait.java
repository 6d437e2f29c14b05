package dev.backupguard.facts;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting for the server's state, never for time: a poll of the server until it shows what the test waits for. */
public final class ServerWait {

    private ServerWait() {
    }

    /**
     * Polls {@code shown} (each call asks the server) until it is true. The 60 s bound only turns a broken test into a
     * failure instead of a hang; nothing depends on how long the wait takes.
     */
    public static void until(String what, BooleanSupplier shown) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!shown.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server never showed " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // between two polls of the server
        }
    }
}
