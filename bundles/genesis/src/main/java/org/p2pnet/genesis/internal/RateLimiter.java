package org.p2pnet.genesis.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source address: {@code burst} tokens, refilled at {@code perSecond}; each
 * request takes one. The buckets live in a bounded LRU map (at most {@link #MAX_SOURCES} sources,
 * split into {@link #STRIPES} independently locked stripes so that concurrent requests from
 * different sources rarely wait on each other). A source pushed out of the map starts again with
 * a full bucket when it comes back; with more than that many active sources the limit is loose,
 * never wrong for a well-behaved client.
 */
final class RateLimiter {
    static final int MAX_SOURCES = 10_000;
    static final int STRIPES = 16;

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long lastNanos) {
            this.tokens = tokens;
            this.lastNanos = lastNanos;
        }
    }

    private final int perSecond;
    private final int burst;
    private final Stripe[] stripes = new Stripe[STRIPES];

    /** One stripe: an access-ordered map that drops its least recently used source when full. */
    private static final class Stripe extends LinkedHashMap<String, Bucket> {
        private static final long serialVersionUID = 1L;
        private final int capacity;

        Stripe(int capacity) {
            super(16, 0.75f, true);
            this.capacity = capacity;
        }

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > capacity;
        }
    }

    /** @param perSecond tokens per second per source; 0 turns the limit off */
    RateLimiter(int perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = burst;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe(MAX_SOURCES / STRIPES);
        }
    }

    boolean enabled() {
        return perSecond > 0;
    }

    /**
     * Takes a token for the source.
     *
     * @param nowNanos a monotonic time ({@link System#nanoTime()})
     * @return 0 when admitted; otherwise the whole seconds (at least 1) until a token is back
     */
    long acquire(String source, long nowNanos) {
        if (perSecond <= 0) {
            return 0;
        }
        int h = source.hashCode();
        Stripe stripe = stripes[((h ^ (h >>> 16)) & 0x7fffffff) % STRIPES];
        synchronized (stripe) {
            Bucket bucket = stripe.get(source);
            if (bucket == null) {
                bucket = new Bucket(burst, nowNanos);
                stripe.put(source, bucket);
            } else {
                long elapsed = nowNanos - bucket.lastNanos;
                if (elapsed > 0) {
                    bucket.tokens = Math.min(burst, bucket.tokens + elapsed * (perSecond / 1e9));
                    bucket.lastNanos = nowNanos;
                }
            }
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perSecond));
        }
    }

    /** Sources remembered now (for tests). */
    int sources() {
        int n = 0;
        for (Stripe stripe : stripes) {
            synchronized (stripe) {
                n += stripe.size();
            }
        }
        return n;
    }
}
