package org.p2pnet.core.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a log line through at most once per interval; counts the ones held back, so the next line
 * can say how many were left out.
 */
final class Throttle {
    private final long intervalNanos;
    private final AtomicLong last;
    private final AtomicLong suppressed = new AtomicLong();

    Throttle(long interval, TimeUnit unit) {
        this.intervalNanos = unit.toNanos(interval);
        this.last = new AtomicLong(System.nanoTime() - 2 * intervalNanos);
    }

    /**
     * @return -1 when this line is to be left out (it is counted), else how many were left out
     *         since the last line that went through
     */
    long pass() {
        long now = System.nanoTime();
        long previous = last.get();
        if (now - previous < intervalNanos || !last.compareAndSet(previous, now)) {
            suppressed.incrementAndGet();
            return -1;
        }
        return suppressed.getAndSet(0);
    }
}
