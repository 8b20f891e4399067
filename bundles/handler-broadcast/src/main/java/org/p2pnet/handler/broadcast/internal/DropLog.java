package org.p2pnet.handler.broadcast.internal;

import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;

/**
 * Counts refused input by kind and logs it rate-limited: the first of a kind at once, then at most
 * one line per kind a minute, saying how many were ignored since the last line (the trust bundle's
 * pattern).
 */
final class DropLog<K extends Enum<K>> {
    static final long INTERVAL_MILLIS = 60_000;

    private final Logger log;
    private final Clock clock;
    private final Map<K, LongAdder> counts;
    private final Map<K, Long> lastLogged = new ConcurrentHashMap<>();
    private final Map<K, LongAdder> sinceLogged;
    private final LongAdder lines = new LongAdder();

    DropLog(Class<K> kinds, Logger log, Clock clock) {
        this.log = log;
        this.clock = clock;
        this.counts = new EnumMap<>(kinds);
        this.sinceLogged = new EnumMap<>(kinds);
        for (K k : kinds.getEnumConstants()) {
            counts.put(k, new LongAdder());
            sinceLogged.put(k, new LongAdder());
        }
    }

    /** Counts one, and logs it at WARN unless this kind was logged within the last minute. */
    void drop(K kind, String what) {
        counts.get(kind).increment();
        sinceLogged.get(kind).increment();
        long now = clock.millis();
        Long last = lastLogged.get(kind);
        if (last != null && now - last < INTERVAL_MILLIS && now >= last) {
            return;
        }
        boolean mine = last == null ? lastLogged.putIfAbsent(kind, now) == null : lastLogged.replace(kind, last, now);
        if (mine) {
            long n = sinceLogged.get(kind).sumThenReset();
            lines.increment();
            log.warn("Refused {} ({}): {}; such input is logged at most once a minute",
                    n == 1 ? "one" : n + " in the last minute", kind, what);
        }
    }

    long count(K kind) {
        return counts.get(kind).sum();
    }

    /** Log lines written so far (for tests of the rate limit). */
    long lines() {
        return lines.sum();
    }

    Map<K, Long> counts() {
        Map<K, Long> m = new LinkedHashMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
