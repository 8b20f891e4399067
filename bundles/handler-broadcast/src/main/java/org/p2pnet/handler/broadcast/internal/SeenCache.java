package org.p2pnet.handler.broadcast.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of broadcasts already seen, each until its expiry, at most {@code capacity} of them:
 * when full the oldest entry goes (and is counted). Expired entries are dropped lazily: from the
 * oldest end on every insertion, and on lookup. Thread-safe.
 */
final class SeenCache {
    /** Insertion order. Value: expiry, epoch millis. Guarded by this. */
    private final LinkedHashMap<String, Long> entries = new LinkedHashMap<>();
    private int capacity;
    private long evicted;

    SeenCache(int capacity) {
        this.capacity = capacity;
    }

    /** True when the id is in the cache and has not expired at {@code now}. */
    synchronized boolean contains(String id, long now) {
        Long expiry = entries.get(id);
        if (expiry == null) {
            return false;
        }
        if (expiry <= now) {
            entries.remove(id);
            return false;
        }
        return true;
    }

    /**
     * Marks the id seen until {@code expiresAt}, unless it is already seen.
     *
     * @return true when it was not seen before (the caller got the first copy)
     */
    synchronized boolean markSeen(String id, long now, long expiresAt) {
        if (contains(id, now)) {
            return false;
        }
        purgeExpired(now);
        while (entries.size() >= capacity) {
            Iterator<Map.Entry<String, Long>> oldest = entries.entrySet().iterator();
            oldest.next();
            oldest.remove();
            evicted++;
        }
        entries.put(id, expiresAt);
        return true;
    }

    /** A new bound; the oldest entries beyond it go. */
    synchronized void resize(int newCapacity) {
        capacity = newCapacity;
        Iterator<Map.Entry<String, Long>> oldest = entries.entrySet().iterator();
        while (entries.size() > capacity && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
            evicted++;
        }
    }

    synchronized int size() {
        return entries.size();
    }

    /** Entries pushed out before they expired because the cache was full. */
    synchronized long evicted() {
        return evicted;
    }

    synchronized void clear() {
        entries.clear();
    }

    /** Drops expired entries from the oldest end (entries are inserted in roughly expiry order). */
    private void purgeExpired(long now) {
        Iterator<Map.Entry<String, Long>> oldest = entries.entrySet().iterator();
        while (oldest.hasNext()) {
            if (oldest.next().getValue() > now) {
                return;
            }
            oldest.remove();
        }
    }
}
