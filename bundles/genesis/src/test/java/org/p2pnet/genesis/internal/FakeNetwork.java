package org.p2pnet.genesis.internal;

import org.p2pnet.api.NodeIdentity;
import org.p2pnet.testing.RecordingPeerNetwork;
import org.p2pnet.testing.KeySigner;

/** The core as the genesis server sees it: an identity only; any other call fails the test. */
final class FakeNetwork extends RecordingPeerNetwork {
    final KeySigner signer;
    final String networkName;
    volatile int listenPort;

    FakeNetwork(KeySigner signer, String networkName, int listenPort) {
        this.signer = signer;
        this.networkName = networkName;
        this.listenPort = listenPort;
    }

    @Override
    public NodeIdentity identity() {
        return new NodeIdentity(signer.peerId(), signer.publicKey(), "Ed25519", networkName, listenPort, 1, "test");
    }
}
