package org.p2pnet.discovery.genesis.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.discovery.OfferOutcome;
import org.p2pnet.testing.FakePeerChannel;
import org.p2pnet.testing.RecordingPeerNetwork;
import org.p2pnet.testing.KeySigner;

/**
 * The core as the genesis client sees it: an identity, a settable number of open channels and
 * minPeers, and offers recorded; any other call fails the test (see {@link RecordingPeerNetwork}).
 */
final class FakeNetwork extends RecordingPeerNetwork {
    static final String NETWORK = "p2pnet";

    final KeySigner signer;
    final List<DiscoveredPeer> offers = new CopyOnWriteArrayList<>();
    volatile int listenPort = 7700;
    volatile int minPeers = 3;
    volatile int openChannels;

    FakeNetwork(KeySigner signer) {
        this.signer = signer;
    }

    boolean offered(PeerId peer) {
        return offers.stream().anyMatch(offer -> offer.peerId().equals(peer));
    }

    @Override
    public OfferOutcome offer(DiscoveredPeer peer) {
        offers.add(peer);
        return OfferOutcome.DIALLING;
    }

    @Override
    public NodeIdentity identity() {
        return new NodeIdentity(signer.peerId(), signer.publicKey(), "Ed25519", NETWORK, listenPort, 1, "test");
    }

    @Override
    public Collection<PeerChannel> activeChannels() {
        List<PeerChannel> channels = new ArrayList<>();
        for (int i = 0; i < openChannels; i++) {
            channels.add(new FakePeerChannel(FakePeerChannel.peer(Character.forDigit(i % 16, 16)),
                    "127.0.0.1:" + (40000 + i), ChannelDirection.OUTBOUND));
        }
        return channels;
    }

    @Override
    public int minPeers() {
        return minPeers;
    }
}
