package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.InboundRequest;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.api.packet.DataPacket;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.trust.Admission;
import org.p2pnet.api.trust.InboundListener;
import org.p2pnet.api.trust.InboundMode;
import org.p2pnet.api.trust.Verdict;

/** Inbound admission: the queue (accept, reject, timeout, bounds) and the event mode with its listeners. */
class InboundQueueTest extends NodeTestSupport {
    private static final Admission QUEUE = new Admission(TrustLevel.ENHANCED, false, InboundMode.QUEUE);

    private FakeChannel inbound(String ip, RemotePeer peer) {
        return node.transport.inbound(FakeTransport.ephemeral(ip), peer.identity(7700));
    }

    private String onlyRequest() {
        List<InboundRequest> queue = node.network.inboundQueue();
        assertEquals(1, queue.size());
        return queue.get(0).requestId();
    }

    private static DataPacket data(int n) {
        return new DataPacket("t" + n, DataFormat.FILE, "f", n, 1000, "", false, new byte[4]);
    }

    private void listen(int ranking, InboundListener listener) {
        node.network.addInboundListener(LazyService.ofInstance(listener),
                FakeServices.handlerRef(null, ranking, "test.listener." + ranking, 30));
    }

    // ---------------------------------------------------------------- queue mode

    @Test
    void queueModeHoldsAPeerUntilAcceptedThenDeliversWhatItSent() {
        node = TestNode.start(dir);
        node.allowAll.admission = QUEUE;
        RecordingHandler identities = new RecordingHandler();
        RecordingHandler data = new RecordingHandler();
        node.bind(identities, PacketTypes.IDENTITY, 0);
        node.bind(data, PacketTypes.DATA, 0);
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);

        assertTrue(c.isOpen());
        InboundRequest request = node.network.inboundQueue().get(0);
        assertEquals(peer.id, request.peerId());
        assertEquals("10.0.0.2", request.remote().host());
        assertEquals(c.remote.getPort(), request.remote().port());
        assertEquals("p2pnet/test", request.agent());
        assertTrue(request.requestId().matches("[0-9a-f]{8}"), request.requestId());
        c.receive(data(1));
        c.receive(data(2));
        assertTrue(node.peerEvents.isEmpty(), "no CONNECTED before the decision");
        assertTrue(node.network.activeChannels().isEmpty());
        assertTrue(node.network.channel(peer.id).isEmpty());
        assertEquals(0, identities.count() + data.count(), "nothing dispatched while queued");

        PeerChannel channel = Await.result(node.network.acceptInbound(request.requestId()));

        assertEquals(peer.id, channel.peerId());
        assertEquals(TrustLevel.ENHANCED, channel.trustLevel());
        assertEquals(List.of(PeerEvent.Kind.CONNECTED), node.peerEvents.stream().map(PeerEvent::kind).toList());
        assertTrue(node.network.activeChannels().contains(channel));
        assertEquals(1, identities.count());
        assertInstanceOf(IdentityPacket.class, identities.packets().get(0));
        assertEquals(List.of(1L, 2L), data.packets().stream().map(p -> ((DataPacket) p).offset()).toList());
        c.receive(data(3));
        assertEquals(3, data.count(), "after acceptance packets flow directly");
        assertTrue(node.network.inboundQueue().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> node.network.acceptInbound(request.requestId()),
                "decided once");
    }

    @Test
    void aRejectedPeerGetsNotTrustedAndUnknownRequestsAreRefused() {
        node = TestNode.start(dir);
        node.allowAll.admission = QUEUE;
        FakeChannel first = inbound("10.0.0.2", new RemotePeer());
        node.network.rejectInbound(onlyRequest(), null);
        assertFalse(first.isOpen());
        assertEquals(DisconnectReason.NOT_TRUSTED, first.closedWith);
        assertEquals(PeerNetworkImpl.OPERATOR_REJECTION, first.closedMessage);

        FakeChannel second = inbound("10.0.0.3", new RemotePeer());
        node.network.rejectInbound(onlyRequest(), "not on the guest list");
        assertEquals("not on the guest list", second.closedMessage);
        assertTrue(node.network.inboundQueue().isEmpty());
        assertEquals(2, node.network.rejections(DisconnectReason.NOT_TRUSTED));
        assertTrue(node.peerEvents.isEmpty());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> node.network.rejectInbound("nope", "x"));
        assertEquals("no inbound request 'nope' is waiting", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> node.network.acceptInbound("nope"));
    }

    @Test
    void aPeerWaitingTooLongIsRefusedAndLeavesTheQueue() {
        node = TestNode.start(dir, "inboundQueueTimeoutSeconds", 1);
        node.allowAll.admission = QUEUE;
        FakeChannel c = inbound("10.0.0.2", new RemotePeer());
        assertEquals(1, node.network.inboundQueue().size());

        Await.until("timed out", () -> !c.isOpen());
        assertEquals(DisconnectReason.NOT_TRUSTED, c.closedWith);
        assertEquals("waited 1 s in the inbound queue without a decision", c.closedMessage);
        assertTrue(node.network.inboundQueue().isEmpty());
        assertEquals(1, node.network.rejections(DisconnectReason.NOT_TRUSTED));
        assertTrue(node.peerEvents.isEmpty());
    }

    @Test
    void aFullQueueRefusesWithTooManyChannels() {
        node = TestNode.start(dir, "inboundQueueCapacity", 2);
        node.allowAll.admission = QUEUE;
        inbound("10.0.0.2", new RemotePeer());
        inbound("10.0.0.3", new RemotePeer());

        ChannelException e = assertThrows(ChannelException.class, () -> inbound("10.0.0.4", new RemotePeer()));
        assertEquals(DisconnectReason.TOO_MANY_CHANNELS, e.reason());
        assertEquals("the inbound queue is full (2)", e.getMessage());
        assertEquals(2, node.network.inboundQueue().size());
    }

    @Test
    void queuedPeersCountAgainstMaxInboundChannels() {
        node = TestNode.start(dir, "maxInboundChannels", 2);
        node.allowAll.admission = QUEUE;
        inbound("10.0.0.2", new RemotePeer());
        inbound("10.0.0.3", new RemotePeer());

        var refusal = node.host().admitInbound(FakeTransport.ephemeral("10.0.0.4"));
        assertTrue(refusal.isPresent());
        assertEquals(DisconnectReason.TOO_MANY_CHANNELS, refusal.get().reason());
    }

    @Test
    void aQueuedPeerThatDisconnectsOrDropsLeavesTheQueue() {
        node = TestNode.start(dir);
        node.allowAll.admission = QUEUE;
        FakeChannel polite = inbound("10.0.0.2", new RemotePeer());
        polite.receive(new DisconnectPacket(DisconnectReason.REQUESTED, "changed my mind", null));
        assertTrue(node.network.inboundQueue().isEmpty());
        assertFalse(polite.isOpen());

        FakeChannel lost = inbound("10.0.0.3", new RemotePeer());
        lost.remoteClosed(DisconnectReason.CONNECTION_LOST, "");
        assertTrue(node.network.inboundQueue().isEmpty());
        assertTrue(node.peerEvents.isEmpty(), "a peer never accepted is never announced");
    }

    @Test
    void aQueuedPeerBuffersABoundedNumberOfPackets() {
        node = TestNode.start(dir, "maxUntrustedPackets", 1000);
        node.allowAll.admission = QUEUE;
        RecordingHandler messages = new RecordingHandler();
        node.bind(messages, PacketTypes.MESSAGE, 0);
        FakeChannel c = inbound("10.0.0.2", new RemotePeer());
        for (int i = 0; i < CoreChannel.MAX_QUEUED_PACKETS + 5; i++) {
            c.receive(new MessagePacket(String.valueOf(i), "m", 0));
        }
        assertEquals(5, node.network.trustSummary().droppedUntrusted());

        Await.result(node.network.acceptInbound(onlyRequest()));
        assertEquals(CoreChannel.MAX_QUEUED_PACKETS, messages.count());
    }

    @Test
    void acceptanceAppliesTheLimitsThenAndARefusalClosesTheChannel() {
        node = TestNode.start(dir, "maxChannelsPerIp", 1);
        RemotePeer first = new RemotePeer();
        inbound("10.0.0.2", first);
        node.allowAll.admission = QUEUE;
        FakeChannel second = inbound("10.0.0.2", new RemotePeer());

        Throwable failure = Await.failure(node.network.acceptInbound(onlyRequest()));
        ChannelException e = assertInstanceOf(ChannelException.class, failure);
        assertEquals(DisconnectReason.TOO_MANY_CHANNELS, e.reason());
        assertFalse(second.isOpen());
        assertEquals(DisconnectReason.TOO_MANY_CHANNELS, second.closedWith);
        assertEquals(1, node.network.activeChannels().size());
    }

    @Test
    void aPeerQueuedWhileFailingClosedIsAdmittedByAPolicyInstalledMeanwhile() {
        node = TestNode.startWithoutPolicy(dir, "inboundWithoutPolicy", "queue");
        RemotePeer peer = new RemotePeer();
        inbound("10.0.0.2", peer);
        String id = onlyRequest();
        node.network.addPolicy(LazyService.ofInstance(node.allowAll), node.allowAllRef);

        PeerChannel channel = Await.result(node.network.acceptInbound(id));
        assertEquals(TrustLevel.ENHANCED, channel.trustLevel());
    }

    // ---------------------------------------------------------------- event mode

    @Test
    void eventModePostsTheAttemptAndARefusingListenerEndsTheChannel() {
        node = TestNode.start(dir);
        List<InboundRequest> asked = new CopyOnWriteArrayList<>();
        listen(10, r -> {
            asked.add(r);
            throw new IllegalStateException("listener bug");
        });
        listen(5, r -> {
            asked.add(r);
            return Verdict.refuse(DisconnectReason.NOT_TRUSTED, "not today");
        });
        listen(1, r -> {
            throw new AssertionError("never asked after a refusal");
        });
        RemotePeer peer = new RemotePeer();

        FakeChannel c = new FakeChannel(FakeTransport.ephemeral("10.0.0.2"), org.p2pnet.api.ChannelDirection.INBOUND);
        ChannelException e = assertThrows(ChannelException.class, () -> node.transport.identify(c, peer.identity(7700)));

        assertEquals(DisconnectReason.NOT_TRUSTED, e.reason());
        assertEquals("not today", e.getMessage());
        assertEquals(DisconnectReason.NOT_TRUSTED, c.closedWith);
        assertEquals(2, asked.size(), "a throwing listener is no objection; the next one is asked");
        assertSame(asked.get(0), asked.get(1));
        assertEquals(peer.id, asked.get(0).peerId());
        assertEquals(1, node.network.rejections(DisconnectReason.NOT_TRUSTED));
        assertTrue(node.network.channel(peer.id).isEmpty());
        assertTrue(node.peerEvents.isEmpty());

        Event attempt = node.events.stream().filter(ev -> ev.getTopic().equals(InboundListener.TOPIC))
                .findFirst().orElseThrow();
        assertEquals(peer.id.value(), attempt.getProperty(PeerEvent.PROP_PEER_ID));
        assertEquals("INBOUND", attempt.getProperty(PeerEvent.PROP_DIRECTION));
        assertEquals(asked.get(0).requestId(), attempt.getProperty(PeerNetworkImpl.PROP_REQUEST_ID));
    }

    @Test
    void eventModeWithoutObjectionAcceptsAtOnceAndOutboundChannelsIgnoreTheMode() {
        node = TestNode.start(dir);
        List<InboundRequest> asked = new CopyOnWriteArrayList<>();
        listen(0, r -> {
            asked.add(r);
            return null;
        });
        RemotePeer in = new RemotePeer();
        inbound("10.0.0.2", in);
        assertTrue(node.network.channel(in.id).isPresent());
        assertEquals(1, asked.size());

        node.allowAll.admission = QUEUE;
        RemotePeer out = new RemotePeer();
        node.transport.outbound(FakeTransport.socket("10.0.0.3", 7700), out.identity(7700));
        assertTrue(node.network.channel(out.id).isPresent(), "outbound channels are never queued");
        assertEquals(1, asked.size(), "nor asked about");
    }

    @Test
    void queueAndEventAsksTheListenersThenQueues() {
        node = TestNode.start(dir);
        node.allowAll.admission = new Admission(TrustLevel.DEFAULT, false, InboundMode.QUEUE_AND_EVENT);
        List<InboundRequest> asked = new CopyOnWriteArrayList<>();
        listen(0, r -> {
            asked.add(r);
            return r.remote().host().equals("10.0.0.9")
                    ? Verdict.refuse(DisconnectReason.BLOCKED, "no thanks") : Verdict.ALLOW;
        });
        inbound("10.0.0.2", new RemotePeer());
        assertEquals(1, asked.size());
        assertEquals(asked.get(0).requestId(), onlyRequest(), "the request keeps its id in the queue");

        ChannelException e = assertThrows(ChannelException.class, () -> inbound("10.0.0.9", new RemotePeer()));
        assertEquals(DisconnectReason.BLOCKED, e.reason());
        assertEquals(1, node.network.inboundQueue().size());
        assertNotEquals(asked.get(0).requestId(), asked.get(1).requestId());
    }

    // ---------------------------------------------------------------- lifecycle

    @Test
    void deactivateClosesQueuedChannelsAndStopsTheExecutor() {
        node = TestNode.start(dir);
        node.allowAll.admission = QUEUE;
        FakeChannel c = inbound("10.0.0.2", new RemotePeer());
        assertFalse(node.network.executorTerminated());

        node.close();

        assertFalse(c.isOpen());
        assertEquals(DisconnectReason.SHUTDOWN, c.closedWith);
        assertEquals("the node is shutting down", c.closedMessage);
        assertTrue(node.network.inboundQueue().isEmpty());
        assertTrue(node.network.executorTerminated());
    }
}
