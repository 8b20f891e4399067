package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.discovery.OfferOutcome;

class DiscoveryOfferTest extends NodeTestSupport {

    private static DiscoveredPeer found(RemotePeer peer, PeerAddress... at) {
        return new DiscoveredPeer(peer.id, List.of(at), "lan-broadcast", Instant.now());
    }

    @Test
    void aDiscoveredPeerIsDialledInAddressOrderAndThenReportedConnected() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        PeerAddress dead = new PeerAddress("10.0.0.9", 7700);
        PeerAddress live = new PeerAddress("10.0.0.5", 7700);
        node.transport.answer(live, peer.identity(7700));

        assertEquals(OfferOutcome.DIALLING, node.network.offer(found(peer, dead, live)));

        assertEquals(List.of(dead, live), node.transport.dialled);
        assertTrue(node.network.channel(peer.id).isPresent());
        assertEquals(OfferOutcome.ALREADY_CONNECTED, node.network.offer(found(peer, live)));
        assertEquals(2, node.transport.dialled.size(), "no second dial to a connected peer");
    }

    @Test
    void ourOwnAnnouncementIsRecognised() {
        node = TestNode.start(dir);
        assertEquals(OfferOutcome.SELF, node.network.offer(new DiscoveredPeer(node.network.identity().peerId(),
                List.of(new PeerAddress("10.0.0.1", 7700)), "lan-multicast", Instant.now())));
        assertTrue(node.transport.dialled.isEmpty());
    }

    @Test
    void aPeerWhoseAddressesAllFailIsNotDialledAgainDuringTheBackoff() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        PeerAddress dead = new PeerAddress("10.0.0.9", 7700);

        assertEquals(OfferOutcome.DIALLING, node.network.offer(found(peer, dead)));
        assertEquals(OfferOutcome.BACKING_OFF, node.network.offer(found(peer, dead)));
        assertEquals(1, node.transport.dialled.size());
    }

    @Test
    void signaturesVerifyWithTheNodesPublicKeyOnly() {
        node = TestNode.start(dir);
        byte[] data = "announce".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] signature = node.network.sign(data);

        assertTrue(NodeSigner.verify(node.network.publicKey(), data, signature));
        assertFalse(NodeSigner.verify(node.network.publicKey(), "tampered".getBytes(), signature));
        assertFalse(NodeSigner.verify(new byte[] {1, 2, 3}, data, signature), "a junk key is a failed check, not an exception");
        assertEquals(node.network.identity().peerId(), node.network.peerId());
    }
}
