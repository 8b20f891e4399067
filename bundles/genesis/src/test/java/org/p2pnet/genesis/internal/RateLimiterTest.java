package org.p2pnet.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstThenTheRate() {
        RateLimiter limiter = new RateLimiter(2, 3);
        long t = 5 * SECOND;
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire("a", t), "the burst");
        }
        assertEquals(1, limiter.acquire("a", t), "empty: a token is back within a second");
        assertEquals(0, limiter.acquire("a", t + SECOND / 2), "refilled at 2 a second");
        assertEquals(1, limiter.acquire("a", t + SECOND / 2));
        assertEquals(0, limiter.acquire("b", t), "another source has its own bucket");
        // a long pause refills up to the burst, not beyond
        long later = t + 100 * SECOND;
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire("a", later));
        }
        assertEquals(1, limiter.acquire("a", later));
    }

    @Test
    void retryAfterIsTheWholeSecondsUntilATokenIsBack() {
        RateLimiter slow = new RateLimiter(1, 1);
        assertEquals(0, slow.acquire("a", 0));
        assertEquals(1, slow.acquire("a", 0));
        assertEquals(1, slow.acquire("a", SECOND / 10), "0.9 s left rounds up to 1");
        assertEquals(0, slow.acquire("a", SECOND));
    }

    @Test
    void zeroTurnsTheLimitOffAndTheSourcesAreBounded() {
        RateLimiter off = new RateLimiter(0, 1);
        assertFalse(off.enabled());
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, off.acquire("a", 0));
        }
        assertEquals(0, off.sources());
        RateLimiter limiter = new RateLimiter(1, 1);
        for (int i = 0; i < 50_000; i++) {
            limiter.acquire("198.51." + (i / 256) + "." + (i % 256), 0);
        }
        assertEquals(RateLimiter.MAX_SOURCES, limiter.sources(), "at most 10,000 sources remembered");
    }
}
