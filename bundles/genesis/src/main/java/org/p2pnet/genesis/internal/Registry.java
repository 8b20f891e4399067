package org.p2pnet.genesis.internal;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.random.RandomGenerator;

import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.genesis.GenesisRegistration;
import org.p2pnet.api.genesis.GenesisRegistration.DialBack;

/**
 * The registrations of a genesis node: bounded, expiring, sampled at random.
 *
 * <p>Two structures hold the same entries: a map in order of last registration (renewal moves an
 * entry to the end), which finds an id, evicts the least recently seen and purges the expired from
 * its head; and a dense array (each entry knows its slot, removal swaps the last entry in), from
 * which a sample picks uniformly at random in O(count). A read-write lock guards both: samples —
 * the hot path — share the read lock; registrations, purges and dial-back results take the write
 * lock. Expired entries still in the structures (the timer purges every second) are never handed
 * out.
 */
final class Registry {
    /** What a sample hands out: immutable, replaced when a registration's address changes. */
    record Peer(String id, String host, int port) {
    }

    private static final class Entry {
        final PeerId peerId;
        final long firstSeen;
        Peer peer;
        InetAddress address;
        long lastSeen;
        long expiresAt;
        DialBack dialBack;
        int slot;

        Entry(PeerId peerId, long firstSeen) {
            this.peerId = peerId;
            this.firstSeen = firstSeen;
        }
    }

    /**
     * What a registration did.
     *
     * @param peer    the registered peer as a sample would hand it out
     * @param address its address, for a dial-back check
     * @param evicted whether the least recently seen registration had to make room
     */
    record Registered(Peer peer, InetAddress address, boolean evicted) {
    }

    private final int capacity;
    private final long ttlMillis;
    private final boolean dialBack;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    /** Least recently seen first. */
    private final LinkedHashMap<PeerId, Entry> byRecency = new LinkedHashMap<>();
    private Entry[] slots = new Entry[64];
    private int size;

    /**
     * @param capacity  most registrations held
     * @param ttlMillis a registration's life after its last registration
     * @param dialBack  whether entries are handed out only once their dial-back check passed
     */
    Registry(int capacity, long ttlMillis, boolean dialBack) {
        this.capacity = capacity;
        this.ttlMillis = ttlMillis;
        this.dialBack = dialBack;
    }

    /**
     * Registers or renews a peer at an address. A renewal at the same address keeps the dial-back
     * state (an OK peer stays handed out while it is checked again); at another address the state
     * is PENDING until checked.
     */
    Registered register(PeerId id, InetAddress address, String host, int port, long now) {
        lock.writeLock().lock();
        try {
            purgeExpiredLocked(now);
            boolean evicted = false;
            Entry entry = byRecency.remove(id);
            if (entry == null) {
                if (byRecency.size() >= capacity) {
                    Iterator<Entry> eldest = byRecency.values().iterator();
                    removeSlot(eldest.next());
                    eldest.remove();
                    evicted = true;
                }
                entry = new Entry(id, now);
                entry.dialBack = dialBack ? DialBack.PENDING : DialBack.OFF;
                addSlot(entry);
            }
            if (entry.peer == null || !entry.peer.host().equals(host) || entry.peer.port() != port) {
                entry.peer = new Peer(id.value(), host, port);
                entry.address = address;
                if (dialBack) {
                    entry.dialBack = DialBack.PENDING;
                }
            }
            entry.lastSeen = now;
            entry.expiresAt = now + ttlMillis;
            byRecency.put(id, entry);
            return new Registered(entry.peer, entry.address, evicted);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Records a dial-back result, if the registration is still at the address that was checked
     * (a renewal at another address made it PENDING again and its own check decides).
     */
    void dialBackResult(PeerId id, Peer checked, boolean reachable) {
        lock.writeLock().lock();
        try {
            Entry entry = byRecency.get(id);
            if (entry != null && entry.peer == checked && entry.dialBack != DialBack.OFF) {
                entry.dialBack = reachable ? DialBack.OK : DialBack.FAILED;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Fills {@code out} from its start with a uniform random sample, without repetition, of the
     * entries that are live, not {@code excludeId} and (with dial-back on) checked OK.
     *
     * <p>First, random slots are probed and an eligible entry not taken yet is kept: conditioned on
     * being kept, each pick is uniform over the eligible entries not taken yet, so the result is a
     * uniform sample; this costs O(count) while most entries are eligible. When a bounded number of
     * probes has not found enough (few entries, or most expired, excluded or not checked), that
     * attempt is thrown away and reservoir sampling over every entry draws the whole sample afresh —
     * O(size), and still uniform, since the decision to fall back does not depend on that draw.
     *
     * @return how many peers were written: min(count, out.length, eligible entries)
     */
    int sample(Peer[] out, int count, String excludeId, long now) {
        int want = Math.min(count, out.length);
        if (want <= 0) {
            return 0;
        }
        RandomGenerator random = ThreadLocalRandom.current();
        lock.readLock().lock();
        try {
            int n = size;
            if (n == 0) {
                return 0;
            }
            int taken = 0;
            for (int probes = 0, maxProbes = 4 * want + 16; taken < want && probes < maxProbes; probes++) {
                Entry entry = slots[random.nextInt(n)];
                if (eligible(entry, excludeId, now) && !contains(out, taken, entry.peer)) {
                    out[taken++] = entry.peer;
                }
            }
            return taken == want ? want : reservoir(out, want, excludeId, now, random);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Algorithm R over every eligible entry, then a shuffle of the result (the reservoir's order is not random). */
    private int reservoir(Peer[] out, int want, String excludeId, long now, RandomGenerator random) {
        int seen = 0;
        for (int i = 0; i < size; i++) {
            Entry entry = slots[i];
            if (!eligible(entry, excludeId, now)) {
                continue;
            }
            if (seen < want) {
                out[seen] = entry.peer;
            } else {
                int j = random.nextInt(seen + 1);
                if (j < want) {
                    out[j] = entry.peer;
                }
            }
            seen++;
        }
        int filled = Math.min(seen, want);
        for (int i = filled - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Peer swap = out[i];
            out[i] = out[j];
            out[j] = swap;
        }
        return filled;
    }

    private boolean eligible(Entry entry, String excludeId, long now) {
        return entry.expiresAt > now
                && (!dialBack || entry.dialBack == DialBack.OK)
                && (excludeId == null || !excludeId.equals(entry.peer.id()));
    }

    private static boolean contains(Peer[] out, int n, Peer peer) {
        for (int i = 0; i < n; i++) {
            if (out[i] == peer) {
                return true;
            }
        }
        return false;
    }

    /** Drops the expired registrations; the service's timer calls this once a second. */
    int purgeExpired(long now) {
        lock.writeLock().lock();
        try {
            return purgeExpiredLocked(now);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Every entry has the same time to live, so the map's order (last seen) is also the order of
     * expiry: the expired are at its head, and the purge stops at the first live one.
     */
    private int purgeExpiredLocked(long now) {
        int purged = 0;
        for (Iterator<Entry> it = byRecency.values().iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (entry.expiresAt > now) {
                break;
            }
            removeSlot(entry);
            it.remove();
            purged++;
        }
        return purged;
    }

    /** Live registrations. */
    int live(long now) {
        lock.readLock().lock();
        try {
            int n = 0;
            for (int i = 0; i < size; i++) {
                if (slots[i].expiresAt > now) {
                    n++;
                }
            }
            return n;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Live registrations, most recently seen first, at most {@code limit}. */
    List<GenesisRegistration> snapshot(long now, int limit) {
        List<GenesisRegistration> list = new ArrayList<>();
        lock.readLock().lock();
        try {
            // the map iterates least recently seen first: take the tail
            List<Entry> entries = new ArrayList<>(byRecency.values());
            for (int i = entries.size() - 1; i >= 0 && list.size() < limit; i--) {
                Entry e = entries.get(i);
                if (e.expiresAt > now) {
                    list.add(new GenesisRegistration(e.peerId, new PeerAddress(e.peer.host(), e.peer.port()),
                            Instant.ofEpochMilli(e.firstSeen), Instant.ofEpochMilli(e.lastSeen),
                            Instant.ofEpochMilli(e.expiresAt), e.dialBack));
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        return Collections.unmodifiableList(list);
    }

    private void addSlot(Entry entry) {
        if (size == slots.length) {
            Entry[] bigger = new Entry[Math.min(Math.max(slots.length * 2, 64), Math.max(capacity, 64))];
            System.arraycopy(slots, 0, bigger, 0, size);
            slots = bigger;
        }
        entry.slot = size;
        slots[size++] = entry;
    }

    private void removeSlot(Entry entry) {
        Entry last = slots[--size];
        slots[entry.slot] = last;
        last.slot = entry.slot;
        slots[size] = null;
    }
}
