package org.p2pnet.discovery.genesis.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff after failed rounds: {@code min · 2^(failures-1)}, capped at {@code max},
 * times a random factor in {@code [1 - JITTER, 1 + JITTER)}, and never more than {@code max}.
 * Not thread-safe: the client's timer thread owns it.
 */
final class Backoff {
    static final double JITTER = 0.2;
    /** Doubling stops here; 2^30 times any minimum is beyond every maximum. */
    private static final int MAX_DOUBLINGS = 30;

    private final Duration min;
    private final Duration max;
    private final RandomGenerator random;
    private int failures;

    Backoff(Duration min, Duration max, RandomGenerator random) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + " and " + max);
        }
        this.min = min;
        this.max = max;
        this.random = random;
    }

    /** Counts a failure and returns how long to wait before the next try. */
    Duration next() {
        failures = Math.min(failures + 1, MAX_DOUBLINGS + 1);
        return delay(min, max, failures, random.nextDouble(-1, 1));
    }

    /** After a success: the next failure waits about {@code min} again. */
    void reset() {
        failures = 0;
    }

    int failures() {
        return failures;
    }

    /**
     * The delay after {@code failures} failures in a row (at least 1).
     *
     * @param unit a number in [-1, 1): where in the jitter range this delay falls
     */
    static Duration delay(Duration min, Duration max, int failures, double unit) {
        int doublings = Math.min(Math.max(failures, 1) - 1, MAX_DOUBLINGS);
        double base = Math.min((double) max.toMillis(), min.toMillis() * Math.pow(2, doublings));
        long jittered = Math.round(base * (1 + JITTER * unit));
        return Duration.ofMillis(Math.max(1, Math.min(max.toMillis(), jittered)));
    }
}
