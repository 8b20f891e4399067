package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PacketTypeStats;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.api.trust.Admission;
import org.p2pnet.api.trust.InboundMode;

/** The node-wide wire counters per packet type ({@code packetStats()}), fed by a transport that reports frame sizes. */
class PacketStatsTest extends NodeTestSupport {

    private Map<String, PacketTypeStats> stats() {
        return node.network.packetStats().stream()
                .collect(Collectors.toMap(PacketTypeStats::packetType, Function.identity()));
    }

    private FakeChannel sizedInbound(String ip, int identityFrameBytes) {
        FakeChannel c = new FakeChannel(FakeTransport.ephemeral(ip), ChannelDirection.INBOUND);
        c.sentFrameBytes = 0;
        return node.transport.identify(c, new RemotePeer().identity(7700), identityFrameBytes);
    }

    private static RawPacket custom(String type) {
        return new RawPacket(type, "{}".getBytes(StandardCharsets.UTF_8), null);
    }

    @Test
    void countsPacketsAndFrameBytesPerTypeBothWays() throws Exception {
        node = TestNode.start(dir);
        assertTrue(node.network.packetStats().isEmpty());

        FakeChannel c = sizedInbound("10.0.0.2", 310);
        c.receive(MessagePacket.of("one"), 100);
        c.receive(MessagePacket.of("two"), 120);
        c.sentFrameBytes = 90;
        PeerId peer = c.sinkPeer();
        node.network.send(peer, MessagePacket.of("back")).toCompletableFuture().get(5, TimeUnit.SECONDS);
        // the handshake IDENTITY the transport wrote, reported once the channel was identified
        c.sink.sent(node.network.localIdentity(), 305);

        Map<String, PacketTypeStats> stats = stats();
        assertEquals(new PacketTypeStats("MESSAGE", 2, 1, 220, 90), stats.get("MESSAGE"));
        assertEquals(new PacketTypeStats("IDENTITY", 1, 1, 310, 305), stats.get("IDENTITY"));
        assertEquals(List.of("IDENTITY", "MESSAGE"),
                node.network.packetStats().stream().map(PacketTypeStats::packetType).toList());
    }

    @Test
    void aFailedWriteIsNotCountedOut() {
        node = TestNode.start(dir);
        FakeChannel c = sizedInbound("10.0.0.2", 310);
        c.sentFrameBytes = 90;
        c.open = false;

        assertTrue(node.network.send(c.sinkPeer(), MessagePacket.of("lost")).toCompletableFuture()
                .isCompletedExceptionally());

        assertFalse(stats().containsKey("MESSAGE"), String.valueOf(stats()));
    }

    @Test
    void packetsAreCountedBeforeTheTrustCheck() {
        node = TestNode.start(dir);
        node.allowAll.admission = new Admission(TrustLevel.DEFAULT, false, InboundMode.EVENT);
        FakeChannel c = sizedInbound("10.0.0.2", 300);

        c.receive(new org.p2pnet.api.packet.PeerGroupPacket(List.of()), 40);

        assertEquals(1, node.network.trustSummary().droppedUntrusted());
        assertEquals(new PacketTypeStats("PEER_GROUP", 1, 0, 40, 0), stats().get("PEER_GROUP"));
    }

    @Test
    void aTransportThatDoesNotReportSizesIsCountedInWithoutBytes() throws Exception {
        node = TestNode.start(dir);
        FakeChannel c = node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), new RemotePeer().identity(7700));
        c.receive(MessagePacket.of("one"));
        node.network.send(c.sinkPeer(), MessagePacket.of("back")).toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertEquals(new PacketTypeStats("MESSAGE", 1, 0, 0, 0), stats().get("MESSAGE"));
        assertEquals(new PacketTypeStats("IDENTITY", 1, 0, 0, 0), stats().get("IDENTITY"));
    }

    @Test
    void aDisconnectAndARefusedIdentityAreWireTraffic() {
        node = TestNode.start(dir);
        FakeChannel c = sizedInbound("10.0.0.2", 300);
        c.receive(new DisconnectPacket(DisconnectReason.REQUESTED, "bye", null), 30);

        FakeChannel forged = new FakeChannel(FakeTransport.ephemeral("10.0.0.3"), ChannelDirection.INBOUND);
        RemotePeer owner = new RemotePeer();
        try {
            node.transport.identify(forged, new RemotePeer().forged(owner), 280);
        } catch (org.p2pnet.api.ChannelException expected) {
            assertEquals(DisconnectReason.INVALID_IDENTITY, expected.reason());
        }

        assertEquals(new PacketTypeStats("DISCONNECT", 1, 0, 30, 0), stats().get("DISCONNECT"));
        assertEquals(new PacketTypeStats("IDENTITY", 2, 0, 580, 0), stats().get("IDENTITY"));
    }

    @Test
    void distinctStrangeTypesAreCappedAndTheRestCountedAsOther() {
        node = TestNode.start(dir);
        FakeChannel c = sizedInbound("10.0.0.2", 300);
        int over = 10;
        for (int i = 0; i < PacketCounters.MAX_TYPES + over; i++) {
            c.receive(custom("X" + i), 50);
        }
        c.receive(custom("X0"), 50);
        // built-in types keep a row of their own past the cap
        c.receive(MessagePacket.of("still mine"), 60);

        Map<String, PacketTypeStats> stats = stats();
        assertEquals(new PacketTypeStats(PacketTypeStats.OTHER, over, 0, 50L * over, 0), stats.get(PacketTypeStats.OTHER));
        assertEquals(new PacketTypeStats("X0", 2, 0, 100, 0), stats.get("X0"));
        assertFalse(stats.containsKey("X" + PacketCounters.MAX_TYPES));
        assertEquals(new PacketTypeStats("MESSAGE", 1, 0, 60, 0), stats.get("MESSAGE"));
        // the strangers, IDENTITY, MESSAGE and (other)
        assertEquals(PacketCounters.MAX_TYPES + 3, stats.size());
        assertEquals(PacketTypeStats.OTHER, node.network.packetStats().get(0).packetType());
    }

    @Test
    void aTypeWithAHandlerKeepsItsOwnRowPastTheCap() {
        PacketCounters counters = new PacketCounters(2, PacketTypes.BUILT_IN::contains);
        counters.received("A", 1);
        counters.received("B", 1);
        counters.received("C", 1);
        counters.sent("D", 7);
        counters.received(PacketTypes.DATA, 9);

        assertEquals(List.of(new PacketTypeStats("(other)", 1, 1, 1, 7), new PacketTypeStats("A", 1, 0, 1, 0),
                new PacketTypeStats("B", 1, 0, 1, 0), new PacketTypeStats("DATA", 1, 0, 9, 0)), counters.snapshot());
    }
}
