package org.p2pnet.core.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerInfo;

/**
 * The peers this node has identified (P2PNet's KnownPeers), in memory. Bounded: when full, the
 * peer seen least recently among those not connected makes room. Whether a peer is connected,
 * and its latest activity, are read from the channel registry when a snapshot is taken.
 */
final class KnownPeers {
    static final int MAX_PEERS = 10_000;

    private static final class Entry {
        PeerAddress address;
        String agent;
        int protocolVersion;
        final Instant firstSeen;
        Instant lastSeen;
        DisconnectRecord lastDisconnect;

        Entry(Instant firstSeen) {
            this.firstSeen = firstSeen;
        }
    }

    private final Map<PeerId, Entry> peers = new HashMap<>();

    /** Adds or refreshes a peer from what it advertised. */
    synchronized void recordIdentity(PeerId id, PeerAddress address, String agent, int protocolVersion, Instant now,
                                     Predicate<PeerId> connected) {
        Entry e = peers.get(id);
        if (e == null) {
            if (peers.size() >= MAX_PEERS) {
                evictOne(connected);
            }
            e = new Entry(now);
            peers.put(id, e);
        }
        e.address = address;
        e.agent = agent;
        e.protocolVersion = protocolVersion;
        e.lastSeen = later(e.lastSeen, now);
    }

    /** Records how the last channel with a known peer ended; unknown peers are ignored. */
    synchronized void recordDisconnect(PeerId id, DisconnectRecord how, Instant lastActivity) {
        Entry e = peers.get(id);
        if (e != null) {
            e.lastDisconnect = how;
            e.lastSeen = later(e.lastSeen, lastActivity);
        }
    }

    synchronized Optional<PeerInfo> get(PeerId id, Predicate<PeerId> connected, Function<PeerId, Instant> activity) {
        Entry e = peers.get(id);
        return e == null ? Optional.empty() : Optional.of(info(id, e, connected, activity));
    }

    synchronized List<PeerInfo> snapshot(Predicate<PeerId> connected, Function<PeerId, Instant> activity) {
        List<PeerInfo> list = new ArrayList<>(peers.size());
        peers.forEach((id, e) -> list.add(info(id, e, connected, activity)));
        return list;
    }

    synchronized Set<PeerId> ids() {
        return new HashSet<>(peers.keySet());
    }

    synchronized int size() {
        return peers.size();
    }

    private static PeerInfo info(PeerId id, Entry e, Predicate<PeerId> connected, Function<PeerId, Instant> activity) {
        return new PeerInfo(id, e.address, e.agent, e.protocolVersion, e.firstSeen, later(e.lastSeen, activity.apply(id)),
                connected.test(id), Optional.ofNullable(e.lastDisconnect));
    }

    private void evictOne(Predicate<PeerId> connected) {
        PeerId oldest = null;
        Instant oldestSeen = null;
        for (Map.Entry<PeerId, Entry> en : peers.entrySet()) {
            if (connected.test(en.getKey())) {
                continue;
            }
            if (oldestSeen == null || en.getValue().lastSeen.isBefore(oldestSeen)) {
                oldest = en.getKey();
                oldestSeen = en.getValue().lastSeen;
            }
        }
        if (oldest != null) {
            peers.remove(oldest);
        }
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
