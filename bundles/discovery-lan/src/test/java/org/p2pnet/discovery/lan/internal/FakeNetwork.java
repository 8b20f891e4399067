package org.p2pnet.discovery.lan.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.discovery.OfferOutcome;
import org.p2pnet.testing.RecordingPeerNetwork;
import org.p2pnet.testing.KeySigner;

/**
 * The core as discovery sees it: an identity, and offers recorded with a chosen outcome; any
 * other call fails the test (see {@link RecordingPeerNetwork}).
 */
final class FakeNetwork extends RecordingPeerNetwork {
    final KeySigner signer;
    final String networkName;
    final int listenPort;
    final List<DiscoveredPeer> offers = new CopyOnWriteArrayList<>();
    volatile OfferOutcome outcome = OfferOutcome.ALREADY_CONNECTED;

    FakeNetwork(KeySigner signer, String networkName, int listenPort) {
        this.signer = signer;
        this.networkName = networkName;
        this.listenPort = listenPort;
    }

    boolean offered(PeerId peer) {
        return offers.stream().anyMatch(offer -> offer.peerId().equals(peer));
    }

    @Override
    public OfferOutcome offer(DiscoveredPeer peer) {
        offers.add(peer);
        return outcome;
    }

    @Override
    public NodeIdentity identity() {
        return new NodeIdentity(signer.peerId(), signer.publicKey(), "Ed25519", networkName, listenPort, 1, "test");
    }
}
