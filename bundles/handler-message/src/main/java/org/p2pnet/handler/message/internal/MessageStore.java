package org.p2pnet.handler.message.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.message.ReceivedMessage;

/**
 * The last messages received, bounded per peer and in total; when a bound is exceeded the oldest
 * message goes. Thread-safe: every operation holds the store's lock for O(log n), or for the
 * number of messages it returns.
 */
final class MessageStore {
    /** Every kept message by arrival number, oldest first. */
    private final NavigableMap<Long, ReceivedMessage> all = new TreeMap<>();
    /** Per peer, the arrival numbers of its kept messages, oldest first; no empty deques. */
    private final Map<PeerId, Deque<Long>> byPeer = new HashMap<>();
    private long nextArrival;
    private int keepPerPeer;
    private int keepTotal;

    MessageStore(int keepPerPeer, int keepTotal) {
        this.keepPerPeer = keepPerPeer;
        this.keepTotal = keepTotal;
    }

    synchronized void add(ReceivedMessage message) {
        long arrival = nextArrival++;
        all.put(arrival, message);
        Deque<Long> fromPeer = byPeer.computeIfAbsent(message.from(), peer -> new ArrayDeque<>());
        fromPeer.addLast(arrival);
        if (fromPeer.size() > keepPerPeer) {
            all.remove(fromPeer.removeFirst());
        }
        trimTotal();
    }

    /** Applies new bounds (each at least 1), dropping the oldest messages beyond them. */
    synchronized void resize(int newKeepPerPeer, int newKeepTotal) {
        keepPerPeer = newKeepPerPeer;
        keepTotal = newKeepTotal;
        for (Deque<Long> fromPeer : byPeer.values()) {
            while (fromPeer.size() > keepPerPeer) {
                all.remove(fromPeer.removeFirst());
            }
        }
        trimTotal();
    }

    /** At most {@code limit} of the newest messages from everyone, oldest first. */
    synchronized List<ReceivedMessage> recent(int limit) {
        List<ReceivedMessage> newestFirst = new ArrayList<>(Math.min(limit, all.size()));
        Iterator<ReceivedMessage> newer = all.descendingMap().values().iterator();
        while (newer.hasNext() && newestFirst.size() < limit) {
            newestFirst.add(newer.next());
        }
        return oldestFirst(newestFirst);
    }

    /** At most {@code limit} of the newest messages from one peer, oldest first. */
    synchronized List<ReceivedMessage> recent(PeerId from, int limit) {
        Deque<Long> fromPeer = byPeer.get(from);
        if (fromPeer == null) {
            return List.of();
        }
        List<ReceivedMessage> newestFirst = new ArrayList<>(Math.min(limit, fromPeer.size()));
        Iterator<Long> newer = fromPeer.descendingIterator();
        while (newer.hasNext() && newestFirst.size() < limit) {
            newestFirst.add(all.get(newer.next()));
        }
        return oldestFirst(newestFirst);
    }

    synchronized int size() {
        return all.size();
    }

    synchronized int size(PeerId from) {
        Deque<Long> fromPeer = byPeer.get(from);
        return fromPeer == null ? 0 : fromPeer.size();
    }

    private void trimTotal() {
        while (all.size() > keepTotal) {
            ReceivedMessage oldest = all.pollFirstEntry().getValue();
            // The oldest of all is also the oldest of its sender, so it heads that peer's deque.
            Deque<Long> fromPeer = byPeer.get(oldest.from());
            fromPeer.removeFirst();
            if (fromPeer.isEmpty()) {
                byPeer.remove(oldest.from());
            }
        }
    }

    private static List<ReceivedMessage> oldestFirst(List<ReceivedMessage> newestFirst) {
        Collections.reverse(newestFirst);
        return Collections.unmodifiableList(newestFirst);
    }
}
