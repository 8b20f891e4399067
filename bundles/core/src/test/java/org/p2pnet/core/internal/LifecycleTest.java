package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.BindException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.spi.TransportChannel;

class LifecycleTest extends NodeTestSupport {
    private static boolean coreThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith("p2pnet-core"));
    }

    @Test
    void deactivateDisconnectsEveryChannelClosesTheTransportAndStopsTheTimer() {
        node = TestNode.start(dir);
        FakeChannel c = node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), new RemotePeer().identity(7700));
        c.receive(MessagePacket.of("held")); // schedules an expiry on the timer thread
        assertTrue(coreThreadAlive());
        PeerAddress pending = new PeerAddress("10.0.0.9", 7700);
        node.transport.answers.put(pending, a -> new CompletableFuture<>());
        var dial = node.network.connect(pending);

        node.close();

        assertFalse(c.isOpen());
        assertEquals(DisconnectReason.SHUTDOWN, c.closedWith);
        assertEquals(1, node.transport.closes.get());
        assertTrue(node.network.activeChannels().isEmpty());
        PeerEvent last = node.peerEvents.get(node.peerEvents.size() - 1);
        assertEquals(PeerEvent.Kind.DISCONNECTED, last.kind());
        assertEquals(DisconnectReason.SHUTDOWN, last.disconnect().orElseThrow().reason());
        assertEquals(1, node.network.handlers().stream()
                .filter(h -> h.packetType().equals(PacketTypes.MESSAGE)).findFirst().orElseThrow().dropped());
        assertEquals(DisconnectReason.SHUTDOWN,
                assertInstanceOf(ChannelException.class, Await.failure(dial)).reason());
        Await.until("no p2pnet-core thread is left", () -> !coreThreadAlive());
        assertEquals(DisconnectReason.SHUTDOWN, assertInstanceOf(ChannelException.class,
                Await.failure(node.network.connect(new PeerAddress("10.0.0.3", 7700)))).reason());
    }

    @Test
    void startAndStopManyTimesLeavesNoThread() {
        for (int i = 0; i < 20; i++) {
            TestNode n = TestNode.start(dir);
            n.close();
        }
        Await.until("no p2pnet-core thread is left", () -> !coreThreadAlive());
    }

    /**
     * A transport that stops may still deliver what its peers sent before they heard of it (channel-tcp
     * drains): the core forgets the channel at once, yet handles those packets until the transport
     * reports the channel closed; after that nothing more.
     */
    @Test
    void packetsATransportDrainsAfterItWentAwayAreStillHandled() {
        node = TestNode.start(dir);
        RecordingHandler handler = new RecordingHandler();
        node.bind(handler, PacketTypes.MESSAGE, 0);
        RemotePeer peer = new RemotePeer();
        FakeChannel c = node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), peer.identity(7700));

        node.network.unbindTransport(node.transport);
        assertTrue(node.network.activeChannels().isEmpty(), "forgotten at once");
        c.sink.received(new MessagePacket("drained-1", "sent before the DISCONNECT", 1));
        c.sink.received(new MessagePacket("drained-2", "sent before the DISCONNECT", 2));
        Await.until("the drained messages handled", () -> handler.count() == 2);

        c.sink.closed(new org.p2pnet.api.DisconnectRecord(DisconnectReason.SHUTDOWN, "drained", false,
                java.time.Instant.now()));
        c.sink.received(new MessagePacket("late", "after the close", 3));
        assertEquals(List.of("drained-1", "drained-2"), handler.packets().stream()
                .map(p -> ((MessagePacket) p).id()).toList());
    }

    @Test
    void aTransportThatVanishesTakesItsChannelsAlong() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        FakeChannel c = node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), peer.identity(7700));
        c.vanish();

        node.network.unbindTransport(node.transport);

        assertTrue(node.network.activeChannels().isEmpty());
        assertEquals(0, node.network.status().inboundChannels());
        assertNull(node.network.status().transport());
        assertEquals(0, node.network.identity().listenPort());
        assertEquals(PeerEvent.Kind.DISCONNECTED, node.peerEvents.get(node.peerEvents.size() - 1).kind());
        int events = node.peerEvents.size();
        c.sink.closed(new org.p2pnet.api.DisconnectRecord(DisconnectReason.SHUTDOWN, "late", false,
                java.time.Instant.now()));
        assertEquals(events, node.peerEvents.size(), "a late close report changes nothing");
        assertEquals(0, node.transport.closes.get(), "a transport that goes away closes itself");
    }

    @Test
    void aTransportThatCannotListenLeavesTheNodeRunning() {
        PeerNetworkImpl network = new PeerNetworkImpl(TestConfigs.config(dir), "p2pnet/test");
        try {
            FakeTransport transport = new FakeTransport("fake");
            transport.openFailure = new BindException("Address already in use");
            network.bindTransport(transport);

            assertNull(network.status().listening());
            assertEquals("fake", network.status().transport());
            assertEquals(0, network.identity().listenPort());
            ChannelException e = assertInstanceOf(ChannelException.class,
                    Await.failure(network.connect(new PeerAddress("10.0.0.2", 7700))));
            assertTrue(e.getMessage().contains("did not start"), e.getMessage());

            transport.openFailure = null;
            network.modified(TestConfigs.config(dir, "port", 7701));
            assertEquals(new PeerAddress("0.0.0.0", 7701), network.status().listening());
            assertEquals(1, transport.opens.get());
        } finally {
            network.deactivate();
        }
    }

    @Test
    void aTransportThatCannotListenIsTriedAgainUntilItDoesAndStatusSaysWhyMeanwhile() {
        PeerNetworkImpl network = new PeerNetworkImpl(TestConfigs.config(dir), "p2pnet/test");
        try {
            FakeTransport transport = new FakeTransport("fake");
            transport.openFailure = new BindException("Address already in use");
            network.bindTransport(transport);

            String problem = network.status().listenProblem();
            assertTrue(problem.contains("Address already in use") && problem.contains("next attempt at"), problem);
            Await.until("a second attempt to listen", () -> transport.openAttempts.get() >= 2);
            assertNull(network.status().listening(), "the port is still taken");

            transport.openFailure = null; // the process holding the port went away
            Await.until("the node listens", () -> network.status().listening() != null);
            assertEquals(new PeerAddress("0.0.0.0", TestConfigs.config(dir).port()), network.status().listening());
            assertNull(network.status().listenProblem());
            assertEquals(1, transport.opens.get());
        } finally {
            network.deactivate();
        }
    }

    @Test
    void stoppingTheNodeEndsTheAttemptsToListen() {
        PeerNetworkImpl network = new PeerNetworkImpl(TestConfigs.config(dir), "p2pnet/test");
        FakeTransport transport = new FakeTransport("fake");
        transport.openFailure = new BindException("Address already in use");
        network.bindTransport(transport);
        int attempts = transport.openAttempts.get();

        network.deactivate();

        Await.until("no p2pnet-core thread is left", () -> !coreThreadAlive());
        assertEquals(attempts, transport.openAttempts.get(), "no attempt after the stop");
    }

    @Test
    void aTransportThatGoesAwayIsNotTriedAgain() {
        PeerNetworkImpl network = new PeerNetworkImpl(TestConfigs.config(dir), "p2pnet/test");
        try {
            FakeTransport transport = new FakeTransport("fake");
            transport.openFailure = new BindException("Address already in use");
            network.bindTransport(transport);
            FakeTransport other = new FakeTransport("other");

            network.unbindTransport(transport);
            network.bindTransport(other);
            int attempts = transport.openAttempts.get();
            Await.until("the other transport listens", () -> network.status().listening() != null);

            assertEquals(attempts, transport.openAttempts.get());
            assertEquals("other", network.status().transport());
        } finally {
            network.deactivate();
        }
    }

    @Test
    void aBetterTransportReplacesTheOneInUse() {
        node = TestNode.start(dir);
        FakeChannel c = node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), new RemotePeer().identity(7700));
        FakeTransport better = new FakeTransport("better");

        node.network.bindTransport(better);
        node.network.unbindTransport(node.transport);

        assertEquals(1, node.transport.closes.get());
        assertFalse(c.isOpen());
        assertEquals(1, better.opens.get());
        assertEquals("better", node.network.status().transport());
        assertTrue(node.network.activeChannels().isEmpty());

        RemotePeer peer = new RemotePeer();
        PeerAddress address = new PeerAddress("10.0.0.3", 7700);
        better.answer(address, peer.identity(7700));
        assertEquals(peer.id, Await.result(node.network.connect(address)).peerId());
    }

    @Test
    void aHostFromAnEarlierBindingRefusesNewChannels() {
        node = TestNode.start(dir);
        var oldHost = node.host();
        node.network.unbindTransport(node.transport);
        FakeChannel late = new FakeChannel(FakeTransport.ephemeral("10.0.0.2"),
                org.p2pnet.api.ChannelDirection.INBOUND);
        ChannelException e = org.junit.jupiter.api.Assertions.assertThrows(ChannelException.class,
                () -> oldHost.identified(late, new RemotePeer().identity(7700)));
        assertEquals(DisconnectReason.SHUTDOWN, e.reason());
        assertTrue(oldHost.admitInbound(FakeTransport.ephemeral("10.0.0.2")).isPresent());
        TransportChannel unused = late;
        assertFalse(node.network.activeChannels().stream().anyMatch(ch -> ch.channelId().equals(unused.id())));
    }
}
