package org.p2pnet.api.routine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class IntervalsTest {

    @Test
    void parsesEveryUnitInAnyCase() {
        assertEquals(Duration.ofMillis(500), Intervals.parse("500ms"));
        assertEquals(Duration.ofSeconds(30), Intervals.parse("30s"));
        assertEquals(Duration.ofMinutes(5), Intervals.parse(" 5M "));
        assertEquals(Duration.ofHours(1), Intervals.parse("1h"));
        assertEquals(Duration.ofDays(7), Intervals.parse("7d"));
    }

    @Test
    void refusesNonsenseAndOutOfRangeWithTheReason() {
        for (String bad : new String[] {"", "abc", "5 minutes", "-3s", "1.5s", "30", "s", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Intervals.parse(bad));
            assertTrue(e.getMessage().contains("not an interval"), e.getMessage());
        }
        for (String out : new String[] {"0s", "99ms", "8d"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Intervals.parse(out));
            assertTrue(e.getMessage().contains("between 100ms and 7d"), e.getMessage());
        }
    }

    @Test
    void formatsTheShortestExactForm() {
        assertEquals("0ms", Intervals.format(Duration.ZERO));
        assertEquals("250ms", Intervals.format(Duration.ofMillis(250)));
        assertEquals("1500ms", Intervals.format(Duration.ofMillis(1500)));
        assertEquals("90s", Intervals.format(Duration.ofSeconds(90)));
        assertEquals("5m", Intervals.format(Duration.ofMinutes(5)));
        assertEquals("2h", Intervals.format(Duration.ofHours(2)));
        assertEquals("1d", Intervals.format(Duration.ofDays(1)));
    }
}
