package org.p2pnet.core.internal;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.p2pnet.api.DisconnectReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refused channels and rejected input, counted by reason. Each refusal is logged once; a flood of
 * one reason (a hostile or broken peer) is logged at most once a second per reason, the next
 * line saying how many were left out.
 */
final class Rejections {
    private static final Logger LOG = LoggerFactory.getLogger(Rejections.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Ordinary events of a healthy network; everything else suggests a misconfigured or hostile peer. */
    private static final Set<DisconnectReason> ROUTINE = EnumSet.of(DisconnectReason.SELF_CONNECTION,
            DisconnectReason.DUPLICATE_CHANNEL, DisconnectReason.INBOUND_DISABLED, DisconnectReason.TOO_MANY_CHANNELS,
            DisconnectReason.SHUTDOWN, DisconnectReason.REQUESTED, DisconnectReason.IDLE_TIMEOUT,
            DisconnectReason.CONNECTION_LOST);

    private final Map<DisconnectReason, LongAdder> counts = new EnumMap<>(DisconnectReason.class);
    private final Map<DisconnectReason, AtomicLong> lastLogged = new EnumMap<>(DisconnectReason.class);
    private final Map<DisconnectReason, AtomicLong> suppressed = new EnumMap<>(DisconnectReason.class);

    Rejections() {
        long longAgo = System.nanoTime() - 2 * LOG_INTERVAL_NANOS;
        for (DisconnectReason r : DisconnectReason.values()) {
            counts.put(r, new LongAdder());
            lastLogged.put(r, new AtomicLong(longAgo));
            suppressed.put(r, new AtomicLong());
        }
    }

    /** Counts one rejection and logs it (rate-limited per reason). */
    void record(DisconnectReason reason, String remote, String detail) {
        record(reason, remote, detail, 1);
    }

    /** Counts {@code n} rejections that one line describes, and logs it (rate-limited per reason). */
    void record(DisconnectReason reason, String remote, String detail, int n) {
        counts.get(reason).add(n);
        long now = System.nanoTime();
        AtomicLong last = lastLogged.get(reason);
        long previous = last.get();
        if (now - previous < LOG_INTERVAL_NANOS || !last.compareAndSet(previous, now)) {
            suppressed.get(reason).incrementAndGet();
            LOG.debug("Rejected {} ({}): {}", remote, reason, detail);
            return;
        }
        long skipped = suppressed.get(reason).getAndSet(0);
        String more = skipped == 0 ? "" : " (" + skipped + " more " + reason + " rejections not logged)";
        if (ROUTINE.contains(reason)) {
            LOG.info("Rejected {} ({}): {}{}", remote, reason, detail, more);
        } else {
            LOG.warn("Rejected {} ({}): {}{}", remote, reason, detail, more);
        }
    }

    long count(DisconnectReason reason) {
        return counts.get(reason).sum();
    }

    /** Non-zero counts. */
    Map<DisconnectReason, Long> snapshot() {
        Map<DisconnectReason, Long> m = new EnumMap<>(DisconnectReason.class);
        counts.forEach((r, c) -> {
            long n = c.sum();
            if (n > 0) {
                m.put(r, n);
            }
        });
        return m;
    }
}
