package org.p2pnet.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition, polling, with a timeout: what tests do instead of sleeping a fixed time. */
public final class Conditions {
    private static final long POLL_MILLIS = 5;

    private Conditions() {
    }

    /**
     * Returns as soon as the condition holds.
     *
     * @throws AssertionError naming {@code what} when it does not hold within the timeout, or when interrupted
     */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting until " + what);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }
}
