package org.p2pnet.core.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerListener;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.spi.ChannelHost;

/** A PeerNetworkImpl wired to a fake transport, a recording EventAdmin and a recording listener. */
final class TestNode implements AutoCloseable {
    final PeerNetworkImpl network;
    final FakeTransport transport;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<PeerEvent> peerEvents = new CopyOnWriteArrayList<>();
    private boolean closed;

    private TestNode(PeerNetworkImpl network, FakeTransport transport) {
        this.network = network;
        this.transport = transport;
    }

    /** A node listening through a fake transport on the configured port (7700 unless given). */
    static TestNode start(Path storageDir, Object... config) {
        PeerNetworkImpl network = new PeerNetworkImpl(TestConfigs.config(storageDir, config), "p2pnet/test");
        TestNode node = new TestNode(network, new FakeTransport("fake"));
        network.eventAdmin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                node.events.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                node.events.add(event);
            }
        };
        PeerListener recorder = node.peerEvents::add;
        network.addListener(1, LazyService.ofInstance(recorder));
        network.bindTransport(node.transport);
        return node;
    }

    ChannelHost host() {
        return transport.host;
    }

    ServiceReference<PacketHandler> bind(PacketHandler handler, Object types, int ranking) {
        ServiceReference<PacketHandler> ref = FakeServices.handlerRef(types, ranking, "test.handler." + ranking, 7);
        network.addHandler(LazyService.ofInstance(handler), ref);
        return ref;
    }

    void unbind(PacketHandler handler, ServiceReference<PacketHandler> ref) {
        network.unbindPacketHandler(ref);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            network.deactivate();
        }
    }
}
