package org.p2pnet.core.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packet handler whiteboard: per packet type the highest-ranked handler is active; while a
 * type has none, its packets wait in a bounded buffer for a bounded time (see {@link PacketTypeSlot}).
 * Owns the core's single timer thread, which expires buffered packets.
 *
 * <p>Only types that deserve it are buffered: the built-in types, and types that have had a
 * handler since the core started (a handler being swapped). Packets of any other type are dropped
 * at once and counted under their type, so a peer cannot make the core hold memory with invented
 * type names. All buffers together hold at most {@code maxBytes} (estimated by {@link PacketSizes}).
 */
final class Dispatcher {
    /** Most packet types without any handler that are tracked at once; a peer cannot make more slots. */
    static final int MAX_UNHANDLED_TYPES = 64;
    static final String TIMER_THREAD = "p2pnet-core-timer";
    /**
     * How long a network thread waits for a drain of its packet's type to end before it queues the
     * packet behind the drain instead: network threads never wait on handler code without bound.
     */
    static final long DRAIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Types never handled whose drops are logged by name; beyond, one line says the rest are silent. */
    private static final int MAX_LOGGED_STRANGERS = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final ScheduledThreadPoolExecutor timer;
    private final ConcurrentHashMap<String, PacketTypeSlot> slots = new ConcurrentHashMap<>();
    /** Guards {@link #handlers}, handler changes and the creation and retirement of slots. */
    private final Object structure = new Object();
    private final Map<Long, HandlerEntry> handlers = new HashMap<>();
    private final LongAdder unroutable = new LongAdder();
    private final AtomicBoolean unroutableStreak = new AtomicBoolean();
    /** Types that have had a handler since the core started; written under {@link #structure}. */
    private final Set<String> handledTypes = ConcurrentHashMap.newKeySet();
    /** Never-handled types whose drops were logged; guarded by itself. */
    private final Set<String> strangersLogged = new HashSet<>();
    /** Estimated bytes held by all buffers together. */
    private final AtomicLong bufferedBytes = new AtomicLong();
    private volatile int capacity;
    private volatile long maxWaitNanos;
    private volatile long maxBytes;
    private volatile boolean closed;

    Dispatcher(int capacity, Duration maxWait, long maxBytes) {
        limits(capacity, maxWait, maxBytes);
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, TIMER_THREAD);
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Applies new buffer bounds; packets already buffered keep their deadline and stay even when
     * they exceed a lowered byte budget (new ones are dropped until enough of them are gone).
     */
    void limits(int newCapacity, Duration maxWait, long newMaxBytes) {
        capacity = newCapacity;
        maxWaitNanos = maxWait.toNanos();
        maxBytes = newMaxBytes;
    }

    int capacity() {
        return capacity;
    }

    long maxWaitNanos() {
        return maxWaitNanos;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Estimated bytes held now by all buffers. */
    long bufferedBytes() {
        return bufferedBytes.get();
    }

    /** Takes {@code bytes} from the budget. @return false (nothing taken) when they do not fit */
    boolean reserve(long bytes) {
        long max = maxBytes;
        for (;;) {
            long current = bufferedBytes.get();
            if (current + bytes > max || current + bytes < 0) {
                return false;
            }
            if (bufferedBytes.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    /** Gives back what {@link #reserve} took. */
    void release(long bytes) {
        bufferedBytes.addAndGet(-bytes);
    }

    /**
     * True when packets of the type may wait for a handler: a built-in type, {@code TRUST} (the
     * default trust protocol's type: a peer's challenge may arrive before this node's trust bundle
     * has started, and dropping it would leave the channel untrusted on the peer's side for good), or
     * one that has had a handler since the core started.
     */
    boolean buffers(String type) {
        return PacketTypes.BUILT_IN.contains(type) || PacketTypes.TRUST.equals(type) || handledTypes.contains(type);
    }

    /** Logs, once per type (for the first types only), that packets of a never-handled type are dropped. */
    void strangerDropped(String type) {
        boolean log;
        boolean last = false;
        synchronized (strangersLogged) {
            if (strangersLogged.size() > MAX_LOGGED_STRANGERS) {
                return;
            }
            log = strangersLogged.add(type);
            if (log && strangersLogged.size() > MAX_LOGGED_STRANGERS) {
                last = true;
            }
        }
        if (last) {
            LOG.warn("Dropping packets of type {} too; packets of more types that never had a handler are dropped"
                    + " and counted without a log line", type);
        } else if (log) {
            LOG.warn("Dropping packets of type {}: no handler has ever been registered for it, so they are not"
                    + " held (see p2p:handlers for the count)", type);
        }
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
            handledTypes.addAll(entry.types());
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

    /**
     * Drains every slot, each on its own: a failure in one (a handler rethrowing a
     * VirtualMachineError) does not leave the others draining. The first failure is rethrown
     * after all slots are done.
     */
    private static void drain(List<PacketTypeSlot> slots) {
        Throwable failure = null;
        for (PacketTypeSlot slot : slots) {
            try {
                int n = slot.drain();
                if (n > 0) {
                    LOG.info("Delivered {} held packets of type {}", n, slot.type());
                }
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                } else if (failure != t) {
                    failure.addSuppressed(t);
                }
            }
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }
}
