package org.p2pnet.common;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Per-key allowances that renew every window: a key's window opens with its first use and lasts the
 * window length given to the constructor (a second, a minute); within it, at most {@code limit} units
 * are granted. At most {@code maxKeys} windows are kept: expired ones make room first, then the
 * oldest. A clock that goes back before a window opened expires that window. Thread-safe.
 *
 * <p>Part of {@code p2pnet-common}: not a bundle and never deployed on its own. Each bundle that uses
 * it gets its own private copy, inlined by bnd's {@code -conditionalpackage: org.p2pnet.common}, so
 * it is never imported or exported.
 *
 * @param <K> the keys (channel ids, peer ids)
 */
public final class RateBudget<K> {
    private static final class Window {
        long openedAt;
        long used;
    }

    private final Clock clock;
    private final long windowMillis;
    private final int maxKeys;
    /** In order of window opening. Guarded by this. */
    private final LinkedHashMap<K, Window> windows = new LinkedHashMap<>();

    /**
     * @param window how long each key's window lasts from its first use; positive
     * @param maxKeys at most this many windows are kept
     */
    public RateBudget(Clock clock, Duration window, int maxKeys) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.windowMillis = window.toMillis();
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("window must be at least a millisecond: " + window);
        }
        this.maxKeys = maxKeys;
    }

    /** The window length in milliseconds. */
    public long windowMillis() {
        return windowMillis;
    }

    /**
     * Takes up to {@code wanted} units from the key's current window.
     *
     * @return how many were granted: 0 to {@code wanted}
     */
    public synchronized int take(K key, int wanted, int limit) {
        Window w = current(key);
        long granted = Math.max(0, Math.min(wanted, limit - w.used));
        w.used += granted;
        return (int) granted;
    }

    /** Takes one from the key's current window: true when granted. */
    public synchronized boolean take(K key, int limit) {
        Window w = current(key);
        if (w.used >= limit) {
            return false;
        }
        w.used++;
        return true;
    }

    /** Forgets every key not in {@code keep}. */
    public synchronized void retain(Set<? extends K> keep) {
        windows.keySet().retainAll(keep);
    }

    /** How many windows are kept. */
    public synchronized int size() {
        return windows.size();
    }

    /** Forgets every key. */
    public synchronized void clear() {
        windows.clear();
    }

    /** The key's window, opening a new one when it has none or it expired. Holding this. */
    private Window current(K key) {
        long now = clock.millis();
        Window w = windows.get(key);
        if (w == null || expired(w, now)) {
            if (w != null) {
                windows.remove(key); // re-inserted last: the order stays by opening time
            }
            makeRoom(now);
            w = new Window();
            w.openedAt = now;
            windows.put(key, w);
        }
        return w;
    }

    private void makeRoom(long now) {
        if (windows.size() < maxKeys) {
            return;
        }
        windows.values().removeIf(w -> expired(w, now));
        Iterator<Map.Entry<K, Window>> oldest = windows.entrySet().iterator();
        while (windows.size() >= maxKeys && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    /** Expired after the window length, or when the clock went back before the window opened. */
    private boolean expired(Window w, long now) {
        return now - w.openedAt >= windowMillis || now < w.openedAt;
    }
}
