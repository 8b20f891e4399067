package org.p2pnet.handler.broadcast.internal;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Per-key allowances that renew every second: a key's window opens with its first use and lasts
 * {@value #WINDOW_MILLIS} ms; within it at most {@code limit} are granted. At most {@code maxKeys}
 * windows are kept: expired ones make room first, then the oldest. Thread-safe.
 */
final class SecondBudget {
    static final long WINDOW_MILLIS = 1000;

    private static final class Window {
        long openedAt;
        int used;
    }

    private final Clock clock;
    private final int maxKeys;
    /** In order of window opening. Guarded by this. */
    private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();

    SecondBudget(Clock clock, int maxKeys) {
        this.clock = clock;
        this.maxKeys = maxKeys;
    }

    /** Takes one from the key's current window: true when granted. */
    synchronized boolean take(String key, int limit) {
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
        if (w.used >= limit) {
            return false;
        }
        w.used++;
        return true;
    }

    /** Forgets every key not in {@code keep}. */
    synchronized void retain(Set<String> keep) {
        windows.keySet().retainAll(keep);
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
        Iterator<Map.Entry<String, Window>> oldest = windows.entrySet().iterator();
        while (windows.size() >= maxKeys && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    /** Expired after a second, or when the clock went back before the window opened. */
    private static boolean expired(Window w, long now) {
        return now - w.openedAt >= WINDOW_MILLIS || now < w.openedAt;
    }
}
