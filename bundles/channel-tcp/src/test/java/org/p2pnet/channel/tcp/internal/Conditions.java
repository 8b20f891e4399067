package org.p2pnet.channel.tcp.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, never for a fixed time. */
final class Conditions {
    private Conditions() {
    }

    static void waitUntil(BooleanSupplier condition, Duration timeout, Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + failure.get());
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    static List<String> transportThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("p2pnet-tcp"))
                .sorted()
                .toList();
    }

    static void awaitNoTransportThreads() {
        waitUntil(() -> transportThreads().isEmpty(), Duration.ofSeconds(10), () -> "threads left: " + transportThreads());
    }
}
