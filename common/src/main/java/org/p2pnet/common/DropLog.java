package org.p2pnet.common;

import java.time.Clock;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;

/**
 * Counts ignored (or refused) input by kind and logs it rate-limited: the first of a kind at once, then
 * at most one line per kind a minute, saying how many were dropped since the last line.
 *
 * <p>Part of {@code p2pnet-common}: not a bundle and never deployed on its own. Each bundle that uses
 * it gets its own private copy, inlined by bnd's {@code -conditionalpackage: org.p2pnet.common}, so
 * it is never imported or exported.
 *
 * @param <K> the kinds of dropped input
 */
public final class DropLog<K extends Enum<K>> {
    /** At most one log line per kind within this many milliseconds. */
    public static final long INTERVAL_MILLIS = 60_000;

    private final Logger log;
    private final Clock clock;
    private final String verb;
    private final Map<K, LongAdder> counts;
    private final Map<K, Long> lastLogged = new ConcurrentHashMap<>();
    private final Map<K, LongAdder> sinceLogged;
    private final LongAdder lines = new LongAdder();

    /** A drop log whose lines begin "Ignored ...". */
    public DropLog(Class<K> kinds, Logger log, Clock clock) {
        this(kinds, log, clock, "Ignored");
    }

    /**
     * @param verb the first word of each log line, such as "Ignored" or "Refused"
     */
    public DropLog(Class<K> kinds, Logger log, Clock clock, String verb) {
        this.log = log;
        this.clock = clock;
        this.verb = verb;
        this.counts = new EnumMap<>(kinds);
        this.sinceLogged = new EnumMap<>(kinds);
        for (K k : kinds.getEnumConstants()) {
            counts.put(k, new LongAdder());
            sinceLogged.put(k, new LongAdder());
        }
    }

    /** Counts one, and logs it at WARN unless this kind was logged within the last minute. */
    public void drop(K kind, String what) {
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
            log.warn("{} {} ({}): {}; such input is logged at most once a minute",
                    verb, n == 1 ? "one" : n + " in the last minute", kind, what);
        }
    }

    /** How many of this kind were dropped so far. */
    public long count(K kind) {
        return counts.get(kind).sum();
    }

    /** Log lines written so far (for tests of the rate limit). */
    public long lines() {
        return lines.sum();
    }

    /** The count of every kind, in declaration order. */
    public Map<K, Long> counts() {
        Map<K, Long> m = new LinkedHashMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
