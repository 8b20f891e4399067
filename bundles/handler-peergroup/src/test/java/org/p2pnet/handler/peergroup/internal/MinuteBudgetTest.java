package org.p2pnet.handler.peergroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class MinuteBudgetTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-11-21T10:00:00Z"));

    @Test
    void grantsUpToTheLimitPerKeyPerMinute() {
        MinuteBudget<String> budget = new MinuteBudget<>(clock, 100);

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
        MinuteBudget<String> budget = new MinuteBudget<>(clock, 100);
        budget.take("a", 10, 50);

        assertEquals(0, budget.take("a", 5, 10));
        assertEquals(0, budget.take("b", 5, 0));
    }

    @Test
    void aClockThatGoesBackOpensANewWindow() {
        MinuteBudget<String> budget = new MinuteBudget<>(clock, 100);
        budget.take("a", 6, 6);

        clock.advance(Duration.ofSeconds(-5));

        assertEquals(6, budget.take("a", 6, 6));
    }

    @Test
    void keepsAtMostMaxKeysWindowsExpiredOnesFirst() {
        MinuteBudget<String> budget = new MinuteBudget<>(clock, 3);
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
}
