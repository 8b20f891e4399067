package org.p2pnet.core.internal;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import org.p2pnet.testing.Conditions;

/** Waits for stages and conditions with a timeout; never a fixed sleep. */
final class Await {
    static final long TIMEOUT_MS = 10_000;

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        Conditions.await(what, Duration.ofMillis(TIMEOUT_MS), condition);
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
