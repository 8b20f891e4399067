package org.p2pnet.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The per-minute cases were handler-peergroup's MinuteBudgetTest; the per-second ones are new. */
class RateBudgetTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration SECOND = Duration.ofSeconds(1);

    private final TestClock clock = new TestClock(Instant.parse("2026-11-21T10:00:00Z"));

    @Test
    void grantsUpToTheLimitPerKeyPerMinute() {
        RateBudget<String> budget = new RateBudget<>(clock, MINUTE, 100);

        assertEquals(30, budget.take("a", 30, 50));
        assertEquals(20, budget.take("a", 30, 50));
        assertEquals(0, budget.take("a", 1, 50));
        assertEquals(5, budget.take("b", 5, 50));

        clock.advance(Duration.ofSeconds(59));
        assertEquals(0, budget.take("a", 1, 50));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(50, budget.take("a", 80, 50));
    }

    @Test
    void aLowerLimitAppliesAtOnceAndZeroGrantsNothing() {
        RateBudget<String> budget = new RateBudget<>(clock, MINUTE, 100);
        budget.take("a", 10, 50);

        assertEquals(0, budget.take("a", 5, 10));
        assertEquals(0, budget.take("b", 5, 0));
    }

    @Test
    void aClockThatGoesBackOpensANewWindow() {
        RateBudget<String> budget = new RateBudget<>(clock, MINUTE, 100);
        budget.take("a", 6, 6);

        clock.advance(Duration.ofSeconds(-5));

        assertEquals(6, budget.take("a", 6, 6));
    }

    @Test
    void keepsAtMostMaxKeysWindowsExpiredOnesFirst() {
        RateBudget<String> budget = new RateBudget<>(clock, MINUTE, 3);
        budget.take("old", 1, 1);
        clock.advance(Duration.ofMinutes(2));
        budget.take("a", 1, 1);
        budget.take("b", 1, 1);

        budget.take("c", 1, 1);
        assertEquals(3, budget.size());
        assertEquals(0, budget.take("a", 1, 1), "a live window stayed while an expired one made room");

        budget.take("d", 1, 1);
        assertEquals(3, budget.size());
    }

    @Test
    void takesOneAtATimeUpToTheLimitPerSecond() {
        RateBudget<String> budget = new RateBudget<>(clock, SECOND, 100);

        assertTrue(budget.take("a", 2));
        assertTrue(budget.take("a", 2));
        assertFalse(budget.take("a", 2));
        assertTrue(budget.take("b", 2));
        assertFalse(budget.take("c", 0));

        clock.advance(Duration.ofMillis(999));
        assertFalse(budget.take("a", 2));
        clock.advance(Duration.ofMillis(1));
        assertTrue(budget.take("a", 2));
    }

    @Test
    void bothFormsDrawOnTheSameWindow() {
        RateBudget<String> budget = new RateBudget<>(clock, SECOND, 100);

        assertEquals(4, budget.take("a", 4, 5));
        assertTrue(budget.take("a", 5));
        assertFalse(budget.take("a", 5));
        assertEquals(0, budget.take("a", 1, 5));
    }

    @Test
    void retainForgetsOtherKeysAndClearForgetsAll() {
        RateBudget<String> budget = new RateBudget<>(clock, SECOND, 100);
        budget.take("a", 1);
        budget.take("b", 1);
        budget.take("c", 1);

        budget.retain(Set.of("b", "z"));
        assertEquals(1, budget.size());
        assertFalse(budget.take("b", 1), "a retained key keeps its window");
        assertTrue(budget.take("a", 1), "a forgotten key starts afresh");

        budget.clear();
        assertEquals(0, budget.size());
        assertTrue(budget.take("b", 1));
    }

    @Test
    void aWindowOfLessThanAMillisecondIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RateBudget<String>(clock, Duration.ZERO, 10));
        assertEquals(1000, new RateBudget<String>(clock, SECOND, 10).windowMillis());
    }
}
