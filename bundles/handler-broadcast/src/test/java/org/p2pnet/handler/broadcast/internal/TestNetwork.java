package org.p2pnet.handler.broadcast.internal;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.testing.RecordingPeerNetwork;

/** This node's identity and its open channels; everything else throws. */
final class TestNetwork extends RecordingPeerNetwork {
    final PeerId self;
    final List<TestChannel> channels = new CopyOnWriteArrayList<>();

    TestNetwork(PeerId self) {
        this.self = self;
    }

    @Override
    public NodeIdentity identity() {
        return new NodeIdentity(self, new byte[0], "Ed25519", "p2pnet", 7700, 1, "p2pnet/test");
    }

    @Override
    public Collection<PeerChannel> activeChannels() {
        return channels.stream().filter(TestChannel::isOpen).map(c -> (PeerChannel) c).toList();
    }
}
