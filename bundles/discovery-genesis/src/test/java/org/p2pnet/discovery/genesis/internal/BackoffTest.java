package org.p2pnet.discovery.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final Duration MIN = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofSeconds(300);

    @Test
    void doublesFromTheMinimumUpToTheMaximum() {
        long[] expected = {1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300};
        for (int failures = 1; failures <= expected.length; failures++) {
            assertEquals(Duration.ofSeconds(expected[failures - 1]), Backoff.delay(MIN, MAX, failures, 0),
                    "after " + failures + " failures");
        }
        assertEquals(MAX, Backoff.delay(MIN, MAX, Integer.MAX_VALUE, 0), "no overflow");
    }

    @Test
    void jitterIsTwentyPercentEitherWayButNeverBeyondTheCap() {
        assertEquals(Duration.ofMillis(3200), Backoff.delay(MIN, MAX, 3, -1));
        assertEquals(Duration.ofMillis(4800), Backoff.delay(MIN, MAX, 3, 1));
        assertEquals(Duration.ofSeconds(240), Backoff.delay(MIN, MAX, 20, -1));
        assertEquals(MAX, Backoff.delay(MIN, MAX, 20, 0.99), "the cap holds with jitter");
    }

    @Test
    void growsWithFailuresStaysCappedAndResetsAfterASuccess() {
        Backoff backoff = new Backoff(MIN, MAX, RandomGenerator.getDefault());
        Duration previousBase = Duration.ZERO;
        for (int i = 1; i <= 40; i++) {
            Duration d = backoff.next();
            long base = Math.min(MAX.toMillis(), MIN.toMillis() << Math.min(i - 1, 20));
            assertTrue(d.toMillis() >= base * 0.8 - 1 && d.toMillis() <= Math.min(base * 1.2 + 1, MAX.toMillis()),
                    "failure " + i + ": " + d);
            assertTrue(Duration.ofMillis(base).compareTo(previousBase) >= 0);
            previousBase = Duration.ofMillis(base);
        }
        backoff.reset();
        assertTrue(backoff.next().toMillis() <= 1200);
        assertEquals(1, backoff.failures());
    }

    @Test
    void rejectsAnEmptyRange() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, MAX, RandomGenerator.getDefault()));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(MAX, MIN, RandomGenerator.getDefault()));
    }
}
