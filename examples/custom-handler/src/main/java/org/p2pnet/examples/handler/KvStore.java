package org.p2pnet.examples.handler;

import java.util.HashMap;
import java.util.Map;

/**
 * The KV handler's store: at most {@code maxEntries} entries and {@code maxBytes} bytes (UTF-8 of
 * keys plus values). A put that would go beyond either bound is refused; nothing is evicted, so what a
 * peer stored stays until it is overwritten. Thread-safe; every operation is O(1) under the lock, so a
 * network thread never waits long here.
 */
final class KvStore {
    private final Map<String, String> entries = new HashMap<>();
    private long bytes;
    private int maxEntries;
    private long maxBytes;

    KvStore(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /**
     * Stores or overwrites the value of a key.
     *
     * @return null when stored, else why not (for the sender)
     */
    synchronized String put(String key, String value) {
        String old = entries.get(key);
        long keyBytes = KvWire.utf8Length(key);
        long after = bytes + KvWire.utf8Length(value) - (old == null ? -keyBytes : KvWire.utf8Length(old));
        if (old == null && entries.size() >= maxEntries) {
            return "the store is full: " + entries.size() + " of " + maxEntries + " entries";
        }
        if (after > maxBytes) {
            return "the store is full: " + bytes + " of " + maxBytes + " bytes used, this put needs " + (after - bytes)
                    + " more";
        }
        entries.put(key, value);
        bytes = after;
        return null;
    }

    /** The value of a key, or null. */
    synchronized String get(String key) {
        return entries.get(key);
    }

    /** New bounds apply to later puts; entries beyond them stay until overwritten. */
    synchronized void resize(int newMaxEntries, long newMaxBytes) {
        maxEntries = newMaxEntries;
        maxBytes = newMaxBytes;
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized long bytes() {
        return bytes;
    }
}
