package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Waits for conditions with a timeout; never a fixed sleep. */
final class Await {
    static final long TIMEOUT_MS = 10_000;

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting until " + what);
            }
        }
    }

    static <T> T result(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("stage failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("stage did not complete", e);
        }
    }

    /** The failure of a stage that must fail. */
    static Throwable failure(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            throw new AssertionError("stage completed with " + value + " but should have failed");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("stage did not complete", e);
        }
    }
}
