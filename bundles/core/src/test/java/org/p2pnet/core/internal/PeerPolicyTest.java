package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.discovery.OfferOutcome;
import org.p2pnet.api.trust.IncomingPeerPolicy;
import org.p2pnet.api.trust.Verdict;

/** The IncomingPeerPolicy whiteboard: at accept time, before dialling, and after IDENTITY. */
class PeerPolicyTest extends NodeTestSupport {

    /** Blocks the IPs and peer ids it holds, as the trust bundle's block list does. */
    static final class FakePolicy implements IncomingPeerPolicy {
        final Set<InetAddress> blockedIps = ConcurrentHashMap.newKeySet();
        final Set<PeerId> blockedPeers = ConcurrentHashMap.newKeySet();

        @Override
        public Verdict checkAddress(InetAddress remote) {
            return blockedIps.contains(remote)
                    ? Verdict.refuse(DisconnectReason.BLOCKED, "address " + remote.getHostAddress() + " is blocked")
                    : Verdict.ALLOW;
        }

        @Override
        public Verdict checkPeer(PeerId peer, InetAddress remote, ChannelDirection direction) {
            if (blockedPeers.contains(peer)) {
                return Verdict.refuse(DisconnectReason.BLOCKED, "peer " + peer.shortForm() + " is blocked");
            }
            return checkAddress(remote);
        }
    }

    private final FakePolicy policy = new FakePolicy();

    private void startWithPolicy() {
        node = TestNode.start(dir);
        node.network.addPolicy(LazyService.ofInstance(policy), FakeServices.handlerRef(null, 0, "test.trust", 9));
    }

    private static InetAddress ip(String literal) {
        return Addresses.literal(literal).orElseThrow();
    }

    @Test
    void aBlockedAddressIsRefusedAtAcceptTimeAndCounted() {
        startWithPolicy();
        policy.blockedIps.add(ip("10.0.0.66"));

        var refusal = node.host().admitInbound(FakeTransport.ephemeral("10.0.0.66"));

        assertTrue(refusal.isPresent());
        assertEquals(DisconnectReason.BLOCKED, refusal.get().reason());
        assertTrue(refusal.get().getMessage().contains("10.0.0.66 is blocked"), refusal.get().getMessage());
        assertEquals(1, node.network.rejections(DisconnectReason.BLOCKED));
        assertTrue(node.host().admitInbound(FakeTransport.ephemeral("10.0.0.67")).isEmpty());
    }

    @Test
    void aBlockedPeerIsRefusedAfterIdentityEvenFromANewAddress() {
        startWithPolicy();
        RemotePeer peer = new RemotePeer();
        policy.blockedPeers.add(peer.id);

        FakeChannel c = new FakeChannel(FakeTransport.ephemeral("10.0.0.99"), ChannelDirection.INBOUND);
        ChannelException e = assertThrows(ChannelException.class, () -> node.transport.identify(c, peer.identity(7700)));

        assertEquals(DisconnectReason.BLOCKED, e.reason());
        assertTrue(e.getMessage().contains("is blocked"), e.getMessage());
        assertEquals(DisconnectReason.BLOCKED, c.closedWith);
        assertTrue(node.network.channel(peer.id).isEmpty());
        assertTrue(node.peerEvents.isEmpty(), "a refused peer is never announced");
        assertEquals(1, node.network.rejections(DisconnectReason.BLOCKED));

        ChannelException out = assertThrows(ChannelException.class, () -> node.transport.outbound(
                FakeTransport.socket("10.0.0.100", 7700), peer.identity(7700)));
        assertEquals(DisconnectReason.BLOCKED, out.reason(), "outbound channels are checked too");
        assertEquals(2, node.network.rejections(DisconnectReason.BLOCKED));
    }

    @Test
    void anOutboundDialToABlockedAddressIsRefusedWithoutDialling() {
        startWithPolicy();
        policy.blockedIps.add(ip("2001:db8::7"));
        PeerAddress blocked = new PeerAddress("2001:db8::7", 7700);

        Throwable failure = Await.failure(node.network.connect(blocked));

        ChannelException e = assertInstanceOf(ChannelException.class, failure);
        assertEquals(DisconnectReason.BLOCKED, e.reason());
        assertTrue(e.getMessage().contains("is blocked"), e.getMessage());
        assertTrue(node.transport.dialled.isEmpty());
    }

    @Test
    void aDiscoveredPeerIsDialledAtItsUnblockedAddressesOnly() {
        startWithPolicy();
        policy.blockedIps.add(ip("10.0.0.9"));
        RemotePeer peer = new RemotePeer();
        PeerAddress blocked = new PeerAddress("10.0.0.9", 7700);
        PeerAddress open = new PeerAddress("10.0.0.5", 7700);
        node.transport.answer(open, peer.identity(7700));

        assertEquals(OfferOutcome.BLOCKED, node.network.offer(
                new DiscoveredPeer(peer.id, List.of(blocked), "lan-broadcast", Instant.now())));
        assertTrue(node.transport.dialled.isEmpty());
        assertEquals(OfferOutcome.DIALLING, node.network.offer(
                new DiscoveredPeer(peer.id, List.of(blocked, open), "lan-broadcast", Instant.now())));
        assertEquals(List.of(open), node.transport.dialled);
    }

    @Test
    void anAllowingPolicyLetsEveryPeerIn() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();

        node.transport.inbound(FakeTransport.ephemeral("10.0.0.66"), peer.identity(7700));

        assertTrue(node.network.channel(peer.id).isPresent());
        assertEquals(0, node.network.rejections(DisconnectReason.BLOCKED));
    }

    @Test
    void aFailingPolicyAllowsAndAnUnboundPolicyNoLongerDecides() {
        node = TestNode.start(dir);
        IncomingPeerPolicy broken = new IncomingPeerPolicy() {
            @Override
            public Verdict checkAddress(InetAddress remote) {
                throw new IllegalStateException("broken");
            }

            @Override
            public Verdict checkPeer(PeerId peer, InetAddress remote, ChannelDirection direction) {
                throw new IllegalStateException("broken");
            }
        };
        var ref = FakeServices.handlerRef(null, 5, "test.broken", 10);
        node.network.addPolicy(LazyService.ofInstance(broken), ref);
        node.transport.inbound(FakeTransport.ephemeral("10.0.0.1"), new RemotePeer().identity(7700));

        node.network.addPolicy(LazyService.ofInstance(policy), FakeServices.handlerRef(null, 0, "test.trust", 9));
        policy.blockedIps.add(ip("10.0.0.2"));
        node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), new RemotePeer().identity(7700));
        node.network.unbindPeerPolicy(ref);
        assertThrows(ChannelException.class,
                () -> node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), new RemotePeer().identity(7700)),
                "the remaining policy decides once the higher-ranked one is gone");
    }
}
