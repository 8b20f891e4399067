package org.p2pnet.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import org.p2pnet.api.PacketTypeStats;

/**
 * Node-wide wire counters per packet type: packets and frame bytes in and out. Counting takes no
 * lock: a map lookup and {@link LongAdder}s. Packet types are chosen by peers, so at most
 * {@value #MAX_TYPES} distinct types get a counter of their own; packets of any further type are
 * counted together under {@link PacketTypeStats#OTHER}. Types the node knows ({@code known}: the
 * built-in types and types that have had a handler) always get their own, past the cap too: a
 * peer inventing type names cannot push them into {@code (other)}.
 */
final class PacketCounters {
    /** Most distinct packet types the node does not know that are counted on their own. */
    static final int MAX_TYPES = 256;

    private static final class Counter {
        final LongAdder packetsIn = new LongAdder();
        final LongAdder packetsOut = new LongAdder();
        final LongAdder bytesIn = new LongAdder();
        final LongAdder bytesOut = new LongAdder();

        boolean isEmpty() {
            return packetsIn.sum() == 0 && packetsOut.sum() == 0 && bytesIn.sum() == 0 && bytesOut.sum() == 0;
        }

        PacketTypeStats snapshot(String type) {
            return new PacketTypeStats(type, packetsIn.sum(), packetsOut.sum(), bytesIn.sum(), bytesOut.sum());
        }
    }

    private final Map<String, Counter> byType = new ConcurrentHashMap<>();
    private final Counter other = new Counter();
    private final Predicate<String> known;
    private final int maxTypes;
    /** Types counted on their own that were not known when first seen; written under the lock on {@link #byType}. */
    private volatile int strangers;

    /** @param known types that always get a counter of their own */
    PacketCounters(Predicate<String> known) {
        this(MAX_TYPES, known);
    }

    PacketCounters(int maxTypes, Predicate<String> known) {
        this.maxTypes = maxTypes;
        this.known = Objects.requireNonNull(known, "known");
    }

    /** A packet of {@code type} arrived in {@code frameBytes} bytes (0 when the transport did not say). */
    void received(String type, int frameBytes) {
        Counter c = counter(type);
        c.packetsIn.increment();
        if (frameBytes > 0) {
            c.bytesIn.add(frameBytes);
        }
    }

    /** A packet of {@code type} was written in {@code frameBytes} bytes. */
    void sent(String type, int frameBytes) {
        Counter c = counter(type);
        c.packetsOut.increment();
        if (frameBytes > 0) {
            c.bytesOut.add(frameBytes);
        }
    }

    /** Every type counted so far, sorted by name; {@code (other)} when packets were counted there. */
    List<PacketTypeStats> snapshot() {
        List<PacketTypeStats> list = new ArrayList<>(byType.size() + 1);
        byType.forEach((type, c) -> list.add(c.snapshot(type)));
        if (!other.isEmpty()) {
            list.add(other.snapshot(PacketTypeStats.OTHER));
        }
        list.sort(Comparator.comparing(PacketTypeStats::packetType));
        return list;
    }

    private Counter counter(String type) {
        if (type == null) {
            return other;
        }
        Counter c = byType.get(type);
        if (c != null) {
            return c;
        }
        boolean isKnown = known.test(type);
        if (!isKnown && strangers >= maxTypes) {
            // past the cap: no lock, no allocation
            return other;
        }
        synchronized (byType) {
            c = byType.get(type);
            if (c != null) {
                return c;
            }
            if (!isKnown) {
                if (strangers >= maxTypes) {
                    return other;
                }
                strangers++;
            }
            c = new Counter();
            byType.put(type, c);
            return c;
        }
    }
}
