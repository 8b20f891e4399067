package org.p2pnet.genesis.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves: wall time (millis) and monotonic time (nanos) advance together. */
final class TestTime extends Clock {
    private final AtomicLong millis;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    TestTime(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    void advanceMillis(long delta) {
        millis.addAndGet(delta);
        nanos.addAndGet(delta * 1_000_000L);
    }

    long nanos() {
        return nanos.get();
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
