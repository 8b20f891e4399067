package org.p2pnet.bench.messages;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What the receiving ends of every system under test report to, so that all of them are counted
 * and woken the same way. The receiving side (member 2) calls {@link #echoing()} to learn whether
 * to answer, then either {@link #received()} (rate phase) or answers; the sending side (member 1)
 * calls {@link #pong()} when an answer arrives (latency phase).
 *
 * <p>Rate: {@link #arm} sets how many messages to wait for; the receipt that reaches that count
 * records the time (System.nanoTime) and wakes the waiting sender thread. Latency: the thread that
 * sent one ping parks until the pong count passes its sequence number. Waking is by
 * {@link LockSupport#unpark}, the same for every system.
 */
public final class Traffic {
    private volatile boolean echo;
    private final AtomicLong count = new AtomicLong();
    private volatile long target = Long.MAX_VALUE;
    private final AtomicLong lastReceiptNanos = new AtomicLong();
    private final AtomicLong pongs = new AtomicLong();
    private volatile Thread waiter;

    /** True in the latency phase: member 2 answers each message instead of counting it. */
    public boolean echoing() {
        return echo;
    }

    /** Member 2 received one message in the rate phase. */
    public void received() {
        long c = count.incrementAndGet();
        if (c >= target && lastReceiptNanos.compareAndSet(0, System.nanoTime())) {
            wake();
        }
    }

    /** Member 1 received the answer to its ping. */
    public void pong() {
        pongs.incrementAndGet();
        wake();
    }

    // ---- the driver's side

    void echo(boolean on) {
        echo = on;
    }

    /** Starts a rate round: nothing received yet, waiting for {@code expected} messages. */
    void arm(long expected) {
        waiter = Thread.currentThread();
        target = Long.MAX_VALUE;
        lastReceiptNanos.set(0);
        count.set(0);
        target = expected;
    }

    /** The sender stopped early (time limit): wait for what was sent only. */
    void retarget(long expected) {
        target = expected;
        if (count.get() >= expected && lastReceiptNanos.compareAndSet(0, System.nanoTime())) {
            wake();
        }
    }

    long receivedCount() {
        return count.get();
    }

    /**
     * Waits until the armed count arrived or until {@code deadlineNanos}; returns the receipt time
     * of the last expected message, or 0 when it did not arrive in time.
     */
    long awaitAll(long deadlineNanos) {
        waiter = Thread.currentThread();
        for (;;) {
            long end = lastReceiptNanos.get();
            if (end != 0) {
                return end;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            LockSupport.parkNanos(this, Math.min(left, 10_000_000L));
        }
    }

    /** Latency: the calling thread is the one that sends the pings and waits for the pongs. */
    void startPings() {
        waiter = Thread.currentThread();
        pongs.set(0);
    }

    long pongCount() {
        return pongs.get();
    }

    /** Waits until {@code n} pongs arrived in all; false at {@code deadlineNanos}. */
    boolean awaitPongs(long n, long deadlineNanos) {
        while (pongs.get() < n) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, Math.min(left, 10_000_000L));
        }
        return true;
    }

    private void wake() {
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
