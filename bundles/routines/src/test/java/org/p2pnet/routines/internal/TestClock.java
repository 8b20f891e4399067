package org.p2pnet.routines.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that stands still until a test moves it. */
final class TestClock extends Clock {
    static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private volatile Instant now;

    TestClock() {
        this.now = T0;
    }

    void advance(Duration by) {
        now = now.plus(by);
    }

    /** {@link #T0} plus this many seconds. */
    static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
