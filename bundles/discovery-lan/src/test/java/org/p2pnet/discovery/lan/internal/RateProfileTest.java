package org.p2pnet.discovery.lan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class RateProfileTest {
    private final RateProfile defaults = new RateProfile(1000, 20_000, 120_000, 0.2, true, 3.0, 60_000);

    @Test
    void minimumAtStartMaximumAtHalfPeriodAndBackAtAFullPeriod() {
        assertEquals(Duration.ofMillis(1000), defaults.interval(0, 0, false));
        assertEquals(Duration.ofMillis(20_000), defaults.interval(60_000, 0, false));
        assertEquals(Duration.ofMillis(1000), defaults.interval(120_000, 0, false));
        assertEquals(Duration.ofMillis(10_500), defaults.interval(30_000, 0, false));
    }

    @Test
    void theWaveRisesMonotonicallyOverTheFirstHalf() {
        long previous = 0;
        for (long t = 0; t <= 60_000; t += 1000) {
            long now = defaults.interval(t, 0, false).toMillis();
            assertTrue(now >= previous, "at " + t);
            previous = now;
        }
    }

    @Test
    void jitterStaysWithinItsFraction() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long t = random.nextLong(0, 1_000_000);
            double base = defaults.interval(t, 0, false).toMillis();
            long jittered = defaults.interval(t, random.nextDouble(-1, 1), false).toMillis();
            assertTrue(jittered >= Math.floor(base * 0.8) && jittered <= Math.ceil(base * 1.2), jittered + " vs " + base);
        }
        assertEquals(Duration.ofMillis(800), defaults.interval(0, -1, false));
        assertEquals(Duration.ofMillis(1200), defaults.interval(0, 1, false));
        assertEquals(Duration.ofMillis(1200), defaults.interval(0, 5, false), "random is clamped to [-1, 1]");
    }

    @Test
    void throttleMultipliesTheIntervalWhenEnabled() {
        assertEquals(Duration.ofMillis(3000), defaults.interval(0, 0, true));
        assertEquals(Duration.ofMillis(60_000), defaults.interval(60_000, 0, true));
        RateProfile off = new RateProfile(1000, 20_000, 120_000, 0.2, false, 3.0, 60_000);
        assertEquals(Duration.ofMillis(1000), off.interval(0, 0, true));
    }

    @Test
    void equalMinimumAndMaximumGiveAFixedRate() {
        RateProfile fixed = new RateProfile(5000, 5000, 120_000, 0, false, 1, 0);
        for (long t = 0; t < 240_000; t += 7_000) {
            assertEquals(Duration.ofMillis(5000), fixed.interval(t, 1, false));
        }
    }
}
