package org.p2pnet.trust.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.testing.FakePeerChannel;
import org.p2pnet.testing.RecordingPeerNetwork;

/** Open channels by peer, and the trust levels the store set on them. */
class TrustNetwork extends RecordingPeerNetwork {
    final Map<PeerId, PeerChannel> open = new ConcurrentHashMap<>();
    final List<String> levelsSet = new CopyOnWriteArrayList<>();

    void open(PeerId peer) {
        open.put(peer, new FakePeerChannel(peer, "192.0.2.9:7700", org.p2pnet.api.ChannelDirection.OUTBOUND));
    }

    @Override
    public java.util.Collection<PeerChannel> activeChannels() {
        return List.copyOf(open.values());
    }

    @Override
    public Optional<PeerChannel> channel(PeerId id) {
        return Optional.ofNullable(open.get(id));
    }

    @Override
    public void setTrustLevel(PeerId peer, TrustLevel level, String reason) {
        if (!open.containsKey(peer)) {
            throw new IllegalArgumentException("no channel");
        }
        levelsSet.add(peer.shortForm() + " " + level);
    }
}
