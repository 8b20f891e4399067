package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerInfo;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.MessagePacket;

class PeersTest extends NodeTestSupport {
    /** A peer at {@code ip} whose IDENTITY the identity handler recorded. */
    private PeerChannel known(RemotePeer peer, String ip, int listenPort) {
        FakeChannel c = node.transport.inbound(FakeTransport.ephemeral(ip), peer.identity(listenPort));
        PeerChannel channel = node.network.channel(peer.id).orElseThrow();
        assertEquals(c.id(), channel.channelId());
        node.network.recordIdentity(channel, peer.identity(listenPort));
        return channel;
    }

    @Test
    void withoutAQueueingPolicyAdmittedPeersNeverWaitAndDecisionsOnUnknownRequestsAreRefused() {
        node = TestNode.start(dir);
        node.transport.inbound(FakeTransport.ephemeral("10.0.0.5"), new RemotePeer().identity(7701));

        assertTrue(node.network.inboundQueue().isEmpty());
        assertEquals("no inbound request 'r-1' is waiting", assertThrows(IllegalArgumentException.class,
                () -> node.network.acceptInbound("r-1")).getMessage());
        assertEquals("no inbound request 'r-1' is waiting", assertThrows(IllegalArgumentException.class,
                () -> node.network.rejectInbound("r-1", "no")).getMessage());
    }

    @Test
    void recordedIdentityMakesAKnownPeerAtItsListenAddress() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        PeerChannel channel = known(peer, "10.0.0.5", 7701);

        PeerInfo info = node.network.knownPeer(peer.id).orElseThrow();
        assertEquals(new PeerAddress("10.0.0.5", 7701), info.address());
        assertEquals(new PeerAddress("10.0.0.5", 7701), channel.listenAddress());
        assertEquals("p2pnet/test", info.agent());
        assertEquals(1, info.protocolVersion());
        assertTrue(info.connected());
        assertTrue(info.lastDisconnect().isEmpty());
        assertEquals(1, node.network.status().knownPeers());

        ((FakeChannel) node.transport.channels.get(0)).remoteClosed(DisconnectReason.CONNECTION_LOST, "");
        PeerInfo after = node.network.knownPeer(peer.id).orElseThrow();
        assertFalse(after.connected());
        assertEquals(DisconnectReason.CONNECTION_LOST, after.lastDisconnect().orElseThrow().reason());
        assertTrue(node.network.activeChannels().isEmpty());
    }

    @Test
    void anIdentityForAnotherPeerIsNotRecorded() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        FakeChannel c = node.transport.inbound(FakeTransport.ephemeral("10.0.0.5"), peer.identity(7701));
        node.network.recordIdentity(node.network.channel(c.sinkPeer()).orElseThrow(), new RemotePeer().identity(7701));
        assertTrue(node.network.knownPeers().isEmpty());
    }

    @Test
    void resolveAcceptsUniquePrefixesOnly() {
        node = TestNode.start(dir);
        // two peers sharing their first four hex digits
        Map<String, RemotePeer> byPrefix = new HashMap<>();
        RemotePeer one;
        RemotePeer two;
        for (;;) {
            RemotePeer p = new RemotePeer();
            RemotePeer clash = byPrefix.putIfAbsent(p.id.value().substring(0, 4), p);
            if (clash != null) {
                one = clash;
                two = p;
                break;
            }
        }
        known(one, "10.0.0.1", 7700);
        known(two, "10.0.0.2", 7700);
        String shared = one.id.value().substring(0, 4);

        assertEquals(one.id, node.network.resolve(one.id.value()));
        assertEquals(one.id, node.network.resolve(one.id.value().toUpperCase()));
        int unique = 5;
        while (one.id.value().substring(0, unique).equals(two.id.value().substring(0, unique))) {
            unique++;
        }
        assertEquals(two.id, node.network.resolve(two.id.value().substring(0, unique)));

        assertEquals("'" + shared + "' is ambiguous: matches 2 peers",
                assertThrows(IllegalArgumentException.class, () -> node.network.resolve(shared)).getMessage());
        String absent = shared.equals("0000") ? "ffff" : "0000";
        assertEquals("no peer matches '" + absent + "'",
                assertThrows(IllegalArgumentException.class, () -> node.network.resolve(absent)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> node.network.resolve("ab1")).getMessage()
                .contains("give at least 4 hex digits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> node.network.resolve(null)).getMessage()
                .contains("give at least 4 hex digits"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> node.network.resolve("xyz12")).getMessage()
                .contains("hex digits"));
        PeerId stranger = new RemotePeer().id;
        assertEquals(stranger, node.network.resolve(stranger.value()), "a full id needs no resolving");
    }

    @Test
    void resolveSeesChannelsWhoseIdentityWasNotRecorded() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        node.transport.inbound(FakeTransport.ephemeral("10.0.0.5"), peer.identity(7701));
        assertEquals(peer.id, node.network.resolve(peer.id.value().substring(0, 8)));
    }

    /** A peer this node dialled at {@code address}, whose IDENTITY the identity handler recorded. */
    private PeerChannel dialled(RemotePeer peer, PeerAddress address) {
        node.transport.answer(address, peer.identity(address.port()));
        PeerChannel channel = Await.result(node.network.connect(address));
        node.network.recordIdentity(channel, peer.identity(address.port()));
        return channel;
    }

    @Test
    void aRemoteDisconnectWithRetryAfterBlocksConnect() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        PeerChannel channel = dialled(peer, new PeerAddress("10.0.0.5", 7701));
        FakeChannel transportChannel = node.transport.channels.get(0);

        node.network.recordDisconnect(channel, new DisconnectPacket(DisconnectReason.SHUTDOWN, "maintenance", 300L));

        assertFalse(transportChannel.isOpen());
        assertEquals(DisconnectReason.SHUTDOWN, transportChannel.closedWith, "closed with the remote's reason");
        DisconnectRecord last = node.network.knownPeer(peer.id).orElseThrow().lastDisconnect().orElseThrow();
        assertTrue(last.byRemote());
        assertEquals(DisconnectReason.SHUTDOWN, last.reason());
        assertEquals("maintenance", last.message());
        assertTrue(node.network.activeChannels().isEmpty());
        assertTrue(node.peerEvents.get(node.peerEvents.size() - 1).disconnect().orElseThrow().byRemote());

        Throwable e = Await.failure(node.network.connect(new PeerAddress("10.0.0.5", 7701)));
        ChannelException ce = assertInstanceOf(ChannelException.class, e);
        assertTrue(ce.getMessage().contains("before") && ce.getMessage().contains("maintenance"), ce.getMessage());
        assertEquals(1, node.transport.dialled.size(), "dialled once, to open the channel; not again");
    }

    /** Finding: retry-after blocks were keyed on the address a peer claims, so a peer could block another. */
    @Test
    void anInboundPeersRetryAfterDoesNotBlockTheAddressItClaims() {
        node = TestNode.start(dir);
        RemotePeer squatter = new RemotePeer();
        PeerChannel channel = known(squatter, "10.0.0.5", 7701);
        node.network.recordDisconnect(channel, new DisconnectPacket(DisconnectReason.SHUTDOWN, "go away", 3600L));

        RemotePeer owner = new RemotePeer();
        PeerAddress address = new PeerAddress("10.0.0.5", 7701);
        node.transport.answer(address, owner.identity(7701));
        assertEquals(owner.id, Await.result(node.network.connect(address)).peerId());
    }

    /** Finding: retry-after was honoured up to 30 days, and one block was kept per peer without bound. */
    @Test
    void retryAfterIsCappedAndFewRetryBlocksAreKept() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        PeerAddress address = new PeerAddress("10.0.0.5", 7701);
        PeerChannel channel = dialled(peer, address);
        node.network.recordDisconnect(channel,
                new DisconnectPacket(DisconnectReason.SHUTDOWN, "", java.time.Duration.ofDays(30).toSeconds()));
        assertTrue(blockedSeconds(address) <= PeerNetworkImpl.MAX_RETRY_AFTER.toSeconds());
        assertTrue(PeerNetworkImpl.MAX_RETRY_AFTER.compareTo(java.time.Duration.ofHours(24)) <= 0);

        for (int i = 0; i < PeerNetworkImpl.MAX_RETRY_BLOCKS + 10; i++) {
            node.network.recordDisconnect(FakePeerChannel.create(),
                    new DisconnectPacket(DisconnectReason.SHUTDOWN, "", 60L + i));
        }
        assertEquals(PeerNetworkImpl.MAX_RETRY_BLOCKS, node.network.retryBlockCount());
        assertTrue(blockedSeconds(address) > 3600, "the soonest-expiring blocks made room, not the longest");
    }

    private long blockedSeconds(PeerAddress address) {
        Throwable e = Await.failure(node.network.connect(address));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(in (\\d+) s\\)").matcher(e.getMessage());
        assertTrue(m.find(), e.getMessage());
        return Long.parseLong(m.group(1));
    }

    @Test
    void aRemoteDisconnectWithoutRetryAfterDoesNotBlock() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        PeerChannel channel = known(peer, "10.0.0.5", 7701);
        node.network.recordDisconnect(channel, new DisconnectPacket(DisconnectReason.REQUESTED, "bye"));
        PeerAddress address = new PeerAddress("10.0.0.5", 7701);
        node.transport.answer(address, peer.identity(7701));
        assertEquals(peer.id, Await.result(node.network.connect(address)).peerId());
    }

    @Test
    void disconnectByThisNodeIsRecordedAsLocal() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        known(peer, "10.0.0.5", 7701);
        Await.result(node.network.disconnect(peer.id, DisconnectReason.REQUESTED, "operator"));

        FakeChannel c = node.transport.channels.get(0);
        assertEquals(DisconnectReason.REQUESTED, c.closedWith);
        DisconnectRecord last = node.network.knownPeer(peer.id).orElseThrow().lastDisconnect().orElseThrow();
        assertFalse(last.byRemote());
        assertEquals("operator", last.message());

        Throwable e = Await.failure(node.network.disconnect(peer.id, DisconnectReason.REQUESTED, "again"));
        assertEquals(DisconnectReason.CONNECTION_LOST, assertInstanceOf(ChannelException.class, e).reason());
    }

    @Test
    void sendUsesThePeersChannel() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        FakeChannel c = node.transport.inbound(FakeTransport.ephemeral("10.0.0.5"), peer.identity(7701));
        MessagePacket hello = MessagePacket.of("hello");
        Await.result(node.network.send(peer.id, hello));
        assertEquals(List.of(hello), c.sent);
        assertEquals(2, node.network.status().packetsOut(), "our handshake IDENTITY and the message");
        assertEquals(2, node.network.channel(peer.id).orElseThrow().stats().packetsOut());

        PeerId stranger = new RemotePeer().id;
        Throwable e = Await.failure(node.network.send(stranger, hello));
        ChannelException ce = assertInstanceOf(ChannelException.class, e);
        assertEquals(DisconnectReason.CONNECTION_LOST, ce.reason());
        assertEquals("no open channel with " + stranger.shortForm(), ce.getMessage());
    }

    @Test
    void connectReturnsTheOpenChannelItDialledAtThatAddress() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        PeerAddress address = new PeerAddress("10.0.0.5", 7701);
        PeerChannel existing = dialled(peer, address);

        assertSame(existing, Await.result(node.network.connect(address)));
        assertSame(existing, Await.result(node.network.connect(new PeerAddress("10.0.0.5", 7701))));
        assertEquals(1, node.transport.dialled.size());
    }

    /**
     * Finding: connect() returned an inbound channel whose advertised listen address matched, so
     * a peer sharing an IP with another could shadow it by claiming its port.
     */
    @Test
    void anInboundPeerCannotShadowAnotherPeerAtItsIp() {
        node = TestNode.start(dir);
        RemotePeer squatter = new RemotePeer();
        node.transport.inbound(FakeTransport.ephemeral("10.0.0.5"), squatter.identity(7701));

        RemotePeer owner = new RemotePeer();
        PeerAddress address = new PeerAddress("10.0.0.5", 7701);
        node.transport.answer(address, owner.identity(7701));
        PeerChannel reached = Await.result(node.network.connect(address));
        assertEquals(owner.id, reached.peerId());
        assertEquals(List.of(address), node.transport.dialled);
        assertTrue(node.network.channel(squatter.id).isPresent(), "the squatter's own channel is untouched");
    }

    /** Finding: disconnect() on a channel whose transport had stopped could return a stage that never completes. */
    @Test
    void disconnectOnAClosedChannelCompletesAtOnce() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        PeerChannel channel = known(peer, "10.0.0.5", 7701);
        FakeChannel c = node.transport.channels.get(0);
        c.closeNeverCompletes = true;
        node.network.unbindTransport(node.transport);
        assertFalse(channel.isOpen());

        Await.result(channel.disconnect(DisconnectReason.REQUESTED, "bye"));
        assertEquals(DisconnectReason.SHUTDOWN,
                node.network.knownPeer(peer.id).orElseThrow().lastDisconnect().orElseThrow().reason(),
                "the record keeps how the channel really ended");
    }

    @Test
    void concurrentConnectsToOneAddressShareADial() {
        node = TestNode.start(dir);
        PeerAddress address = new PeerAddress("10.0.0.5", 7701);
        var dial = new java.util.concurrent.CompletableFuture<org.p2pnet.api.spi.TransportChannel>();
        node.transport.answers.put(address, a -> dial);
        var first = node.network.connect(address);
        var second = node.network.connect(address);
        assertEquals(1, node.transport.dialled.size());
        RemotePeer peer = new RemotePeer();
        dial.complete(node.transport.outbound(FakeTransport.socket("10.0.0.5", 7701), peer.identity(7701)));
        assertSame(Await.result(first), Await.result(second));
    }

    @Test
    void aFailedDialSaysWhy() {
        node = TestNode.start(dir);
        Throwable e = Await.failure(node.network.connect(new PeerAddress("10.0.0.5", 7701)));
        ChannelException ce = assertInstanceOf(ChannelException.class, e);
        assertEquals(DisconnectReason.CONNECTION_LOST, ce.reason());
        assertTrue(ce.getMessage().contains("10.0.0.5:7701") && ce.getMessage().contains("refused"), ce.getMessage());
    }
}
