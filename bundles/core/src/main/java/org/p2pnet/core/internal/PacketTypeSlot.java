package org.p2pnet.core.internal;

import java.util.ArrayDeque;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.StampedLock;

import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatch state of one packet type: its candidate handlers (the first is active), and the FIFO
 * buffer that holds its packets while no handler is registered.
 *
 * <p>Ordering argument. One invariant, kept under the write lock: <em>the buffer is non-empty
 * only while there is no active handler or a drain is running</em>. A packet is buffered only
 * under the write lock, and only while {@code active == null} or a drain is running. A drain
 * starts in the same critical section that makes a handler active over a non-empty buffer, and
 * ends, under the write lock, only after it has delivered everything it took and found the buffer
 * empty (or, if it fails unexpectedly, after dropping what is left, counted). So a packet that sees
 * {@code active != null && !draining} (consistently, through an optimistic read) knows nothing
 * older is waiting and goes straight to the handler on the calling thread.
 *
 * <p>A packet that arrives during a drain first waits, at most {@link Dispatcher#DRAIN_WAIT_NANOS},
 * for the drain to end, then goes straight to the handler. When the drain takes longer (a slow
 * handler), the packet is appended to the buffer behind the drain instead, and so is every later
 * arrival until the drain ends; the drainer keeps going until the buffer is empty. Either way
 * every buffered packet stays ahead of every newer one, nothing is lost beyond the buffer's bounds,
 * and a network thread never waits on handler code for long: a handler running on the thread that
 * registers handlers can never deadlock the event loops. The draining thread itself (a handler
 * that dispatches re-entrantly) appends at once. Packets are taken from the head one at a time
 * and delivered outside the lock; no lock of ours is held while a handler runs.
 *
 * <p>Packets of a type that never had a handler (see {@link Dispatcher#buffers}) are not buffered
 * at all: they are dropped and counted at once.
 */
final class PacketTypeSlot {
    private static final Logger LOG = LoggerFactory.getLogger(PacketTypeSlot.class);

    enum Offer {
        /** Delivered, buffered or dropped (counted). */
        DONE,
        /** The slot was retired: look the type up again. */
        RETIRED
    }

    /** What a change of candidates did. */
    record Change(HandlerEntry before, HandlerEntry after, boolean drain) {
    }

    private record Pending(PeerChannel channel, Packet packet, long deadline, long bytes) {
    }

    private final String type;
    private final Dispatcher owner;
    private final StampedLock lock = new StampedLock();

    // guarded by lock (write mode)
    private final TreeSet<HandlerEntry> candidates = new TreeSet<>(HandlerEntry.PRECEDENCE);
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private boolean expiryScheduled;
    private boolean dropStreak;
    private boolean holdingLogged;
    /** A waiter gave up on the running drain: arrivals queue behind it at once until it ends. */
    private boolean drainOverdue;

    // written under the lock; read without it by the fast path and by info()
    private volatile HandlerEntry active;
    private volatile boolean draining;
    /** The thread running the drain; only it may still buffer while a handler is active. */
    private volatile Thread drainer;
    private volatile boolean retired;
    private volatile int pendingCount;
    private volatile int candidateCount;

    /** Arrivals wait on it while a drain runs. */
    private final Object drainEnd = new Object();
    private final AtomicBoolean failStreak = new AtomicBoolean();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();

    PacketTypeSlot(String type, Dispatcher owner) {
        this.type = type;
        this.owner = owner;
    }

    String type() {
        return type;
    }

    boolean hasCandidates() {
        return candidateCount > 0;
    }

    /**
     * Delivers the packet now on the calling thread, or buffers it behind older ones, or drops it
     * (counted) when the buffer is full. Waits while a drain of this type runs.
     */
    Offer offer(PeerChannel channel, Packet packet) {
        long stamp = lock.tryOptimisticRead();
        HandlerEntry handler = active;
        boolean busy = draining;
        boolean gone = retired;
        if (lock.validate(stamp)) {
            if (gone) {
                return Offer.RETIRED;
            }
            if (handler != null && !busy) {
                deliver(handler, channel, packet);
                return Offer.DONE;
            }
        }
        long waitUntil = 0;
        boolean gaveUp = false;
        for (;;) {
            boolean logOverdue = false;
            stamp = lock.writeLock();
            try {
                if (retired) {
                    return Offer.RETIRED;
                }
                handler = active;
                if (handler == null) {
                    enqueue(channel, packet);
                    return Offer.DONE;
                }
                if (!draining) {
                    break;
                }
                if (gaveUp || drainOverdue || drainer == Thread.currentThread()) {
                    if (gaveUp && !drainOverdue) {
                        drainOverdue = true;
                        logOverdue = true;
                    }
                    enqueue(channel, packet);
                    return Offer.DONE;
                }
            } finally {
                lock.unlockWrite(stamp);
                if (logOverdue) {
                    LOG.info("Held packets of type {} take more than {} ms to deliver (a slow handler): newer"
                            + " packets queue behind them", type, TimeUnit.NANOSECONDS.toMillis(
                            Dispatcher.DRAIN_WAIT_NANOS));
                }
            }
            if (waitUntil == 0) {
                waitUntil = System.nanoTime() + Dispatcher.DRAIN_WAIT_NANOS;
            }
            gaveUp = !awaitDrainEnd(waitUntil);
        }
        deliver(handler, channel, packet);
        return Offer.DONE;
    }

    /**
     * Waits until no drain runs, or the deadline passes.
     *
     * @return false when the deadline passed or the thread was interrupted: the caller then
     *         queues behind the drain instead of waiting longer
     */
    private boolean awaitDrainEnd(long deadline) {
        synchronized (drainEnd) {
            while (draining) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(drainEnd, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Removes the candidate with {@code serviceId} and adds {@code replacement} (when not null),
     * then makes the first candidate active. When that exposes a non-empty buffer to a handler,
     * the caller must {@link #drain()}.
     */
    Change changeCandidate(long serviceId, HandlerEntry replacement) {
        long stamp = lock.writeLock();
        try {
            candidates.removeIf(e -> e.serviceId() == serviceId);
            if (replacement != null) {
                candidates.add(replacement);
            }
            candidateCount = candidates.size();
            HandlerEntry before = active;
            HandlerEntry after = candidates.isEmpty() ? null : candidates.first();
            active = after;
            if (!PacketTypeSlot.sameService(before, after)) {
                failStreak.set(false);
            }
            if (after != null) {
                dropStreak = false;
                holdingLogged = false;
            }
            boolean drain = after != null && !pending.isEmpty() && !draining;
            if (drain) {
                draining = true;
                drainer = Thread.currentThread();
            }
            return new Change(before, after, drain);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Delivers buffered packets, oldest first, while a handler is active, until the buffer is
     * empty (including packets queued behind the drain meanwhile). Called by whoever started the
     * drain in {@link #changeCandidate}. A VirtualMachineError from a handler is counted like any
     * failure and the drain goes on; the first one is rethrown once the drain has ended. Whatever
     * happens, the drain ends here: a type is never left draining.
     *
     * @return how many packets were delivered
     */
    int drain() {
        int count = 0;
        VirtualMachineError fatal = null;
        boolean finished = false;
        try {
            for (;;) {
                Pending next;
                HandlerEntry handler;
                long stamp = lock.writeLock();
                try {
                    handler = active;
                    if (handler == null || pending.isEmpty()) {
                        endDrain();
                        finished = true;
                        break;
                    }
                    next = pending.pollFirst();
                    pendingCount = pending.size();
                    owner.release(next.bytes());
                } finally {
                    lock.unlockWrite(stamp);
                }
                try {
                    deliver(handler, next.channel(), next.packet());
                } catch (VirtualMachineError e) {
                    if (fatal == null) {
                        fatal = e;
                    }
                }
                count++;
            }
        } finally {
            if (!finished) {
                abandonDrain();
            }
            synchronized (drainEnd) {
                drainEnd.notifyAll();
            }
        }
        if (fatal != null) {
            throw fatal;
        }
        return count;
    }

    /** Under the write lock. */
    private void endDrain() {
        draining = false;
        drainer = null;
        drainOverdue = false;
        scheduleExpiry();
    }

    /**
     * The drain failed unexpectedly. What is still buffered while a handler is active can be
     * neither delivered ahead of newer packets nor left behind them: drop it (counted) and end
     * the drain, so the type is not stuck.
     */
    private void abandonDrain() {
        int discarded = 0;
        long stamp = lock.writeLock();
        try {
            if (active != null) {
                discarded = clearPending();
            }
            endDrain();
        } finally {
            lock.unlockWrite(stamp);
        }
        if (discarded > 0) {
            dropped.add(discarded);
            LOG.warn("Dropped {} held packets of type {}: delivering them failed unexpectedly", discarded, type);
        }
    }

    /** Under the write lock: empties the buffer, giving its bytes back. @return how many packets it held */
    private int clearPending() {
        int n = pending.size();
        long bytes = 0;
        for (Pending p : pending) {
            bytes += p.bytes();
        }
        pending.clear();
        pendingCount = 0;
        owner.release(bytes);
        return n;
    }

    /** True when both are the same service (or both absent), whatever their captured properties. */
    static boolean sameService(HandlerEntry a, HandlerEntry b) {
        return a == null ? b == null : b != null && a.serviceId() == b.serviceId();
    }

    /** Marks the slot retired when it has no handler, no buffered packet and no drain. */
    boolean retireIfIdle() {
        long stamp = lock.writeLock();
        try {
            if (candidates.isEmpty() && pending.isEmpty() && !draining) {
                retired = true;
                return true;
            }
            return false;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Drops every buffered packet (counted); the node is stopping. */
    void discardPending() {
        int discarded;
        long stamp = lock.writeLock();
        try {
            discarded = clearPending();
        } finally {
            lock.unlockWrite(stamp);
        }
        if (discarded > 0) {
            dropped.add(discarded);
            LOG.info("Dropped {} buffered packets of type {}: the peer network stopped before a handler appeared",
                    discarded, type);
        }
    }

    HandlerInfo info() {
        HandlerEntry h = active;
        return new HandlerInfo(type, h == null ? "" : h.bundle(), h == null ? -1 : h.bundleId(),
                h == null ? 0 : h.ranking(), candidateCount, delivered.sum(), pendingCount, dropped.sum(),
                failed.sum());
    }

    // --- under the write lock ---

    private void enqueue(PeerChannel channel, Packet packet) {
        if (owner.isClosed()) {
            dropped.increment();
            return;
        }
        if (!owner.buffers(type)) {
            // never had a handler: holding its packets would let a peer pin memory with invented types
            dropped.increment();
            owner.strangerDropped(type);
            return;
        }
        int capacity = owner.capacity();
        if (pending.size() >= capacity) {
            dropped.increment();
            if (!dropStreak) {
                dropStreak = true;
                LOG.warn("No handler for packet type {} and its buffer is full ({} packets): dropping new ones;"
                        + " further drops are counted silently until a handler appears", type, capacity);
            }
            return;
        }
        long bytes = PacketSizes.estimate(packet);
        if (!owner.reserve(bytes)) {
            dropped.increment();
            if (!dropStreak) {
                dropStreak = true;
                LOG.warn("No handler for packet type {} and the held packets of all types reach pendingBufferMaxBytes"
                        + " ({} bytes): dropping new ones; further drops are counted silently until a handler"
                        + " appears", type, owner.maxBytes());
            }
            return;
        }
        if (!holdingLogged) {
            holdingLogged = true;
            LOG.info("No handler for packet type {}: holding its packets (at most {} for {} s) until one appears",
                    type, capacity, TimeUnit.NANOSECONDS.toSeconds(owner.maxWaitNanos()));
        }
        pending.addLast(new Pending(channel, packet, System.nanoTime() + owner.maxWaitNanos(), bytes));
        pendingCount = pending.size();
        scheduleExpiry();
    }

    private void scheduleExpiry() {
        if (expiryScheduled || pending.isEmpty()) {
            return;
        }
        long delay = Math.max(0, pending.peekFirst().deadline() - System.nanoTime());
        expiryScheduled = owner.schedule(this::expire, delay);
    }

    // --- timer thread ---

    private void expire() {
        int expired = 0;
        boolean log = false;
        long stamp = lock.writeLock();
        try {
            expiryScheduled = false;
            if (draining) {
                // the drain is delivering them: look again later, not in a busy loop
                expiryScheduled = owner.schedule(this::expire, owner.maxWaitNanos());
            } else {
                long now = System.nanoTime();
                while (!pending.isEmpty() && pending.peekFirst().deadline() - now <= 0) {
                    owner.release(pending.pollFirst().bytes());
                    expired++;
                }
                pendingCount = pending.size();
                scheduleExpiry();
            }
            if (expired > 0) {
                dropped.add(expired);
                log = !dropStreak;
                dropStreak = true;
            }
        } finally {
            lock.unlockWrite(stamp);
        }
        if (log) {
            LOG.warn("No handler for packet type {} appeared within {} s: dropped {} buffered packets;"
                    + " further drops are counted silently until a handler appears", type,
                    TimeUnit.NANOSECONDS.toSeconds(owner.maxWaitNanos()), expired);
        }
    }

    // --- no lock held ---

    private void deliver(HandlerEntry handler, PeerChannel channel, Packet packet) {
        try {
            PacketHandler service = handler.handler().get();
            if (service == null) {
                throw new IllegalStateException("the handler service " + handler.serviceId() + " of bundle "
                        + handler.bundle() + " could not be obtained (its component did not activate; see its log)");
            }
            service.handle(channel, packet);
            delivered.increment();
            if (failStreak.get() && failStreak.compareAndSet(true, false)) {
                LOG.info("The handler of packet type {} (bundle {}) handles packets again", type, handler.bundle());
            }
        } catch (VirtualMachineError e) {
            // counted, logged like any failure, and passed on to the thread's owner
            failed.increment();
            if (failStreak.compareAndSet(false, true)) {
                LOG.error("The handler of packet type {} (bundle {}, service {}) failed with {} on a packet from {};"
                        + " further failures are counted silently until it succeeds again", type, handler.bundle(),
                        handler.serviceId(), e.getClass().getName(), describe(channel));
            }
            throw e;
        } catch (Throwable t) {
            failed.increment();
            if (failStreak.compareAndSet(false, true)) {
                LOG.warn("The handler of packet type {} (bundle {}, service {}) failed on a packet from {};"
                        + " the channel stays open, further failures are counted silently until it succeeds again",
                        type, handler.bundle(), handler.serviceId(), describe(channel), t);
            }
        }
    }

    private static String describe(PeerChannel channel) {
        try {
            return channel.peerId().shortForm();
        } catch (RuntimeException e) {
            return String.valueOf(channel);
        }
    }
}
