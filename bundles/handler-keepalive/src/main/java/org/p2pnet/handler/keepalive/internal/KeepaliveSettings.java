package org.p2pnet.handler.keepalive.internal;

import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The checked configuration of PID {@value KeepaliveComponent#PID}. Built only through {@link #from},
 * so an instance always holds values in range.
 *
 * @param idle              a channel on which nothing was received for this long gets a PING
 * @param timeout           how long each PING waits for an answer
 * @param checkInterval     how often the Keepalive routine runs (its default interval)
 * @param answersPerSecond  most PINGs answered per channel per second
 */
record KeepaliveSettings(Duration idle, Duration timeout, Duration checkInterval, int answersPerSecond) {
    static final String IDLE_SECONDS = "idleSeconds";
    static final String TIMEOUT_SECONDS = "timeoutSeconds";
    static final String CHECK_INTERVAL_SECONDS = "checkIntervalSeconds";
    static final String ANSWERS_PER_SECOND = "answersPerSecondPerChannel";

    static final int DEFAULT_IDLE_SECONDS = 30;
    static final int DEFAULT_TIMEOUT_SECONDS = 10;
    static final int DEFAULT_CHECK_INTERVAL_SECONDS = 5;
    static final int DEFAULT_ANSWERS_PER_SECOND = 5;

    static final int MAX_IDLE_SECONDS = 3600;
    static final int MAX_TIMEOUT_SECONDS = 300;
    static final int MAX_CHECK_INTERVAL_SECONDS = 300;
    static final int MAX_ANSWERS_PER_SECOND = 100;

    /** The defaults, as documented in the README and the shipped .cfg file. */
    static final KeepaliveSettings DEFAULTS = new KeepaliveSettings(Duration.ofSeconds(DEFAULT_IDLE_SECONDS),
            Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS), Duration.ofSeconds(DEFAULT_CHECK_INTERVAL_SECONDS),
            DEFAULT_ANSWERS_PER_SECOND);

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the PID, the first key whose value is invalid, and the value
     */
    static KeepaliveSettings from(KeepaliveComponent.Config c) {
        int idle = range(IDLE_SECONDS, c::idleSeconds, 1, MAX_IDLE_SECONDS);
        int timeout = range(TIMEOUT_SECONDS, c::timeoutSeconds, 1, MAX_TIMEOUT_SECONDS);
        int interval = range(CHECK_INTERVAL_SECONDS, c::checkIntervalSeconds, 1, MAX_CHECK_INTERVAL_SECONDS);
        int answers = range(ANSWERS_PER_SECOND, c::answersPerSecondPerChannel, 1, MAX_ANSWERS_PER_SECOND);
        return new KeepaliveSettings(Duration.ofSeconds(idle), Duration.ofSeconds(timeout),
                Duration.ofSeconds(interval), answers);
    }

    /**
     * The longest time from the last packet received from a frozen peer to its channel being
     * closed, when the routine runs every {@link #checkInterval}: {@code idle + 2 × timeout +
     * checkInterval}, each of idle and timeout rounded up to a whole number of check intervals
     * (the routine only looks at its runs).
     */
    Duration detectionBound() {
        return roundUp(idle).plus(roundUp(timeout).multipliedBy(2)).plus(checkInterval);
    }

    private Duration roundUp(Duration d) {
        long step = checkInterval.toMillis();
        return Duration.ofMillis((d.toMillis() + step - 1) / step * step);
    }

    private static int range(String key, IntSupplier configured, int min, int max) {
        int value;
        try {
            value = configured.getAsInt();
        } catch (RuntimeException notAnInteger) {
            throw invalid(key, "?", "is not an integer (" + notAnInteger.getMessage() + ")");
        }
        if (value < min || value > max) {
            throw invalid(key, value, "must be " + min + "-" + max);
        }
        return value;
    }

    private static IllegalArgumentException invalid(String key, Object value, String problem) {
        return new IllegalArgumentException("invalid configuration of " + KeepaliveComponent.PID + ": " + key + " = "
                + value + " " + problem);
    }
}
