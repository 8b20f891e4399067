package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerListener;
import org.p2pnet.api.trust.InboundListener;

class EventsTest extends NodeTestSupport {
    @Test
    void connectAndDisconnectArePostedAndHeardByEveryListener() {
        node = TestNode.start(dir);
        List<PeerEvent> heard = new CopyOnWriteArrayList<>();
        PeerListener throwing = e -> {
            throw new IllegalStateException("listener bug");
        };
        PeerListener recording = heard::add;
        node.network.addListener(2, LazyService.ofInstance(throwing));
        node.network.addListener(3, LazyService.ofInstance(recording));

        RemotePeer peer = new RemotePeer();
        FakeChannel c = node.transport.inbound(FakeTransport.socket("10.0.0.5", 40001), peer.identity(7701));
        c.remoteClosed(DisconnectReason.REQUESTED, "see you");

        assertEquals(2, heard.size());
        assertEquals(PeerEvent.Kind.CONNECTED, heard.get(0).kind());
        assertEquals(peer.id, heard.get(0).peerId());
        assertEquals(ChannelDirection.INBOUND, heard.get(0).direction());
        assertEquals(PeerEvent.Kind.DISCONNECTED, heard.get(1).kind());
        assertEquals(DisconnectReason.REQUESTED, heard.get(1).disconnect().orElseThrow().reason());

        assertEquals(3, node.events.size(), "the inbound attempt (EVENT mode), CONNECTED, DISCONNECTED");
        Event attempt = node.events.get(0);
        assertEquals(InboundListener.TOPIC, attempt.getTopic());
        assertEquals(peer.id.value(), attempt.getProperty(PeerEvent.PROP_PEER_ID));
        assertEquals("10.0.0.5:40001", attempt.getProperty(PeerEvent.PROP_ADDRESS));
        assertEquals("INBOUND", attempt.getProperty(PeerEvent.PROP_DIRECTION));
        assertNotNull(attempt.getProperty(PeerNetworkImpl.PROP_REQUEST_ID));

        Event connected = node.events.get(1);
        assertEquals("org/p2pnet/peer/CONNECTED", connected.getTopic());
        assertEquals(peer.id.value(), connected.getProperty(PeerEvent.PROP_PEER_ID));
        assertEquals("10.0.0.5:40001", connected.getProperty(PeerEvent.PROP_ADDRESS));
        assertEquals("INBOUND", connected.getProperty(PeerEvent.PROP_DIRECTION));
        assertNull(connected.getProperty(PeerEvent.PROP_REASON));

        Event disconnected = node.events.get(2);
        assertEquals("org/p2pnet/peer/DISCONNECTED", disconnected.getTopic());
        assertEquals("REQUESTED", disconnected.getProperty(PeerEvent.PROP_REASON));
        assertEquals("see you", disconnected.getProperty(PeerEvent.PROP_MESSAGE));
        assertEquals(Boolean.TRUE, disconnected.getProperty(PeerEvent.PROP_BY_REMOTE));
    }

    @Test
    void withoutEventAdminListenersStillHear() {
        node = TestNode.start(dir);
        node.network.eventAdmin = null;
        node.transport.inbound(FakeTransport.ephemeral("10.0.0.5"), new RemotePeer().identity(7701));
        assertEquals(1, node.peerEvents.size());
        assertEquals(0, node.events.size());
    }
}
