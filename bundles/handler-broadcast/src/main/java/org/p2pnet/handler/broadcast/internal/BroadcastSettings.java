package org.p2pnet.handler.broadcast.internal;

import java.time.Duration;
import java.util.function.IntSupplier;

import org.p2pnet.api.packet.BroadcastPacket;

/**
 * The checked configuration of PID {@value BroadcastService#PID}. Built only through {@link #from},
 * so an instance always holds values in range.
 *
 * @param hopLimit               the hop limit of broadcasts this node originates
 * @param maxMessageChars        longest message accepted (originated or received)
 * @param seenCacheSize          most ids kept in the seen-cache
 * @param seenTtl                how long an id stays in the seen-cache, and how old a broadcast may be
 * @param maxPerSecondPerChannel most new broadcasts taken from one channel per second
 * @param recentSize             how many delivered broadcasts are kept for {@code recent}
 */
record BroadcastSettings(int hopLimit, int maxMessageChars, int seenCacheSize, Duration seenTtl,
                         int maxPerSecondPerChannel, int recentSize) {
    static final String HOP_LIMIT = "hopLimit";
    static final String MAX_MESSAGE_CHARS = "maxMessageChars";
    static final String SEEN_CACHE_SIZE = "seenCacheSize";
    static final String SEEN_TTL_MINUTES = "seenTtlMinutes";
    static final String MAX_PER_SECOND = "maxPerSecondPerChannel";
    static final String RECENT_SIZE = "recentSize";

    static final int DEFAULT_HOP_LIMIT = 16;
    static final int DEFAULT_MAX_MESSAGE_CHARS = BroadcastPacket.MAX_MESSAGE_LENGTH;
    static final int DEFAULT_SEEN_CACHE_SIZE = 100_000;
    static final int DEFAULT_SEEN_TTL_MINUTES = 60;
    static final int DEFAULT_MAX_PER_SECOND = 50;
    static final int DEFAULT_RECENT_SIZE = 1000;

    static final int MIN_SEEN_CACHE_SIZE = 100;
    static final int MAX_SEEN_CACHE_SIZE = 10_000_000;
    static final int MAX_SEEN_TTL_MINUTES = 7 * 24 * 60;
    static final int MAX_PER_SECOND_LIMIT = 10_000;
    static final int MAX_RECENT_SIZE = 100_000;

    /** How far in the future a received broadcast's time may be. */
    static final Duration MAX_FUTURE = Duration.ofMinutes(5);

    /** The defaults, as documented in the README and the shipped .cfg file. */
    static final BroadcastSettings DEFAULTS = new BroadcastSettings(DEFAULT_HOP_LIMIT, DEFAULT_MAX_MESSAGE_CHARS,
            DEFAULT_SEEN_CACHE_SIZE, Duration.ofMinutes(DEFAULT_SEEN_TTL_MINUTES), DEFAULT_MAX_PER_SECOND,
            DEFAULT_RECENT_SIZE);

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the PID, the first key whose value is invalid, and the value
     */
    static BroadcastSettings from(BroadcastService.Config c) {
        int hops = range(HOP_LIMIT, c::hopLimit, 1, BroadcastPacket.MAX_HOPS);
        int chars = range(MAX_MESSAGE_CHARS, c::maxMessageChars, 1, BroadcastPacket.MAX_MESSAGE_LENGTH);
        int cache = range(SEEN_CACHE_SIZE, c::seenCacheSize, MIN_SEEN_CACHE_SIZE, MAX_SEEN_CACHE_SIZE);
        int ttl = range(SEEN_TTL_MINUTES, c::seenTtlMinutes, 1, MAX_SEEN_TTL_MINUTES);
        int rate = range(MAX_PER_SECOND, c::maxPerSecondPerChannel, 1, MAX_PER_SECOND_LIMIT);
        int recent = range(RECENT_SIZE, c::recentSize, 1, MAX_RECENT_SIZE);
        return new BroadcastSettings(hops, chars, cache, Duration.ofMinutes(ttl), rate, recent);
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
        return new IllegalArgumentException("invalid configuration of " + BroadcastService.PID + ": " + key + " = "
                + value + " " + problem);
    }
}
