package org.p2pnet.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.packet.Packet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packet handler whiteboard: per packet type the highest-ranked handler is active; while a
 * type has none, its packets wait in a bounded buffer for a bounded time (see {@link PacketTypeSlot}).
 * Owns the core's single timer thread, which expires buffered packets.
 */
final class Dispatcher {
    /** Most packet types without any handler that are tracked at once; a peer cannot make more slots. */
    static final int MAX_UNHANDLED_TYPES = 64;
    static final String TIMER_THREAD = "p2pnet-core-timer";

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final ScheduledThreadPoolExecutor timer;
    private final ConcurrentHashMap<String, PacketTypeSlot> slots = new ConcurrentHashMap<>();
    /** Guards {@link #handlers}, handler changes and the creation and retirement of slots. */
    private final Object structure = new Object();
    private final Map<Long, HandlerEntry> handlers = new HashMap<>();
    private final LongAdder unroutable = new LongAdder();
    private final AtomicBoolean unroutableStreak = new AtomicBoolean();
    private volatile int capacity;
    private volatile long maxWaitNanos;
    private volatile boolean closed;

    Dispatcher(int capacity, Duration maxWait) {
        limits(capacity, maxWait);
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, TIMER_THREAD);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Applies new buffer bounds; packets already buffered keep their deadline. */
    void limits(int newCapacity, Duration maxWait) {
        capacity = newCapacity;
        maxWaitNanos = maxWait.toNanos();
    }

    int capacity() {
        return capacity;
    }

    long maxWaitNanos() {
        return maxWaitNanos;
    }

    boolean isClosed() {
        return closed;
    }

    /** Hands a received packet to its type's active handler on the calling thread, or buffers it. */
    void dispatch(PeerChannel channel, Packet packet) {
        String type = packet.type();
        for (;;) {
            PacketTypeSlot slot = slots.get(type);
            if (slot == null) {
                slot = slotForUnhandled(type);
                if (slot == null) {
                    unroutable.increment();
                    if (unroutableStreak.compareAndSet(false, true)) {
                        LOG.warn("Dropping packets of type {}: {} other packet types without a handler are already"
                                + " tracked; further such drops are counted silently", type, MAX_UNHANDLED_TYPES);
                    }
                    return;
                }
            }
            if (slot.offer(channel, packet) == PacketTypeSlot.Offer.DONE) {
                return;
            }
        }
    }

    /** Adds or updates (same service id) a handler. Buffered packets of its types are delivered before this returns. */
    void putHandler(HandlerEntry entry) {
        List<PacketTypeSlot> toDrain = new ArrayList<>();
        synchronized (structure) {
            HandlerEntry old = handlers.put(entry.serviceId(), entry);
            Set<String> affected = new LinkedHashSet<>(entry.types());
            if (old != null) {
                affected.addAll(old.types());
            }
            for (String type : affected) {
                PacketTypeSlot slot = slots.computeIfAbsent(type, t -> new PacketTypeSlot(t, this));
                apply(slot, slot.changeCandidate(entry.serviceId(), entry.types().contains(type) ? entry : null),
                        toDrain);
            }
        }
        drain(toDrain);
    }

    /** Removes a handler; its types fall back to the next-ranked candidate, or start buffering. */
    void removeHandler(long serviceId) {
        List<PacketTypeSlot> toDrain = new ArrayList<>();
        synchronized (structure) {
            HandlerEntry old = handlers.remove(serviceId);
            if (old == null) {
                return;
            }
            for (String type : old.types()) {
                PacketTypeSlot slot = slots.get(type);
                if (slot != null) {
                    apply(slot, slot.changeCandidate(serviceId, null), toDrain);
                }
            }
        }
        drain(toDrain);
    }

    List<HandlerInfo> info() {
        List<HandlerInfo> list = new ArrayList<>();
        for (PacketTypeSlot slot : slots.values()) {
            list.add(slot.info());
        }
        list.sort(Comparator.comparing(HandlerInfo::packetType));
        return list;
    }

    /** Packets dropped because too many types without a handler were tracked already. */
    long unroutable() {
        return unroutable.sum();
    }

    /** Schedules a task on the timer thread; false when the dispatcher is closed. */
    boolean schedule(Runnable task, long delayNanos) {
        try {
            timer.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Timer task failed", e);
                }
            }, delayNanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Stops the timer thread (waiting briefly for it to end) and drops what is still buffered. */
    void close() {
        closed = true;
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("The {} thread did not stop within 5 s", TIMER_THREAD);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (PacketTypeSlot slot : slots.values()) {
            slot.discardPending();
        }
    }

    private PacketTypeSlot slotForUnhandled(String type) {
        synchronized (structure) {
            PacketTypeSlot slot = slots.get(type);
            if (slot != null) {
                return slot;
            }
            if (closed) {
                return null;
            }
            long unhandled = slots.values().stream().filter(s -> !s.hasCandidates()).count();
            if (unhandled >= MAX_UNHANDLED_TYPES && !retireOneIdle()) {
                return null;
            }
            slot = new PacketTypeSlot(type, this);
            slots.put(type, slot);
            unroutableStreak.set(false);
            return slot;
        }
    }

    /** Forgets one type that has no handler and nothing buffered, to make room. */
    private boolean retireOneIdle() {
        for (PacketTypeSlot slot : slots.values()) {
            if (!slot.hasCandidates() && slot.retireIfIdle()) {
                slots.remove(slot.type(), slot);
                return true;
            }
        }
        return false;
    }

    private void apply(PacketTypeSlot slot, PacketTypeSlot.Change change, List<PacketTypeSlot> toDrain) {
        HandlerEntry b = change.before();
        boolean switched = !PacketTypeSlot.sameService(b, change.after())
                || (b != null && b.ranking() != change.after().ranking());
        // handlers are unbound one by one after deactivation: that is no news
        if (switched && !closed) {
            HandlerEntry a = change.after();
            if (a == null) {
                LOG.info("Packet type {} has no handler now; its packets are held until one appears", slot.type());
            } else {
                LOG.info("Packet type {} is now handled by service {} of bundle {} (ranking {})", slot.type(),
                        a.serviceId(), a.bundle(), a.ranking());
            }
        }
        if (change.drain()) {
            toDrain.add(slot);
        }
    }

    private static void drain(List<PacketTypeSlot> slots) {
        for (PacketTypeSlot slot : slots) {
            int n = slot.drain();
            if (n > 0) {
                LOG.info("Delivered {} held packets of type {}", n, slot.type());
            }
        }
    }
}
