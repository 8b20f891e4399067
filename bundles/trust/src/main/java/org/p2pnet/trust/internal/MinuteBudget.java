package org.p2pnet.trust.internal;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-key allowances that renew every minute: a key's window opens with its first use and lasts
 * {@value #WINDOW_MILLIS} ms; within it, at most {@code limit} units are granted. At most
 * {@code maxKeys} windows are kept: expired ones make room first, then the oldest. Thread-safe.
 */
final class MinuteBudget<K> {
    static final long WINDOW_MILLIS = 60_000;

    private static final class Window {
        long openedAt;
        long used;
    }

    private final Clock clock;
    private final int maxKeys;
    /** In order of window opening. Guarded by this. */
    private final LinkedHashMap<K, Window> windows = new LinkedHashMap<>();

    MinuteBudget(Clock clock, int maxKeys) {
        this.clock = clock;
        this.maxKeys = maxKeys;
    }

    /**
     * Takes up to {@code wanted} units from the key's current window.
     *
     * @return how many were granted: 0 to {@code wanted}
     */
    synchronized int take(K key, int wanted, int limit) {
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
        long granted = Math.max(0, Math.min(wanted, limit - w.used));
        w.used += granted;
        return (int) granted;
    }

    synchronized int size() {
        return windows.size();
    }

    synchronized void clear() {
        windows.clear();
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

    /** Expired after a minute, or when the clock went back before the window opened. */
    private static boolean expired(Window w, long now) {
        return now - w.openedAt >= WINDOW_MILLIS || now < w.openedAt;
    }
}
