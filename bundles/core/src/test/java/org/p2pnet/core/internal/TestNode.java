package org.p2pnet.core.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import java.net.InetAddress;

import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerListener;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.spi.ChannelHost;
import org.p2pnet.api.trust.Admission;
import org.p2pnet.api.trust.InboundMode;
import org.p2pnet.api.trust.IncomingPeerPolicy;
import org.p2pnet.api.trust.Verdict;

/**
 * A PeerNetworkImpl wired to a fake transport, a recording EventAdmin and a recording listener.
 * {@link #start} also installs an {@link AllowAllPolicy} at the lowest ranking (so the core does
 * not fail closed); {@link #startWithoutPolicy} does not.
 */
final class TestNode implements AutoCloseable {
    /** Ranking of the allow-all policy: any policy a test binds takes precedence. */
    static final int ALLOW_ALL_RANKING = Integer.MIN_VALUE;

    /**
     * Lets every peer in with {@link #admission} (ENHANCED, no trust protocol, EVENT unless a test
     * changes it), as a fully trusting inbound policy would.
     */
    static final class AllowAllPolicy implements IncomingPeerPolicy {
        volatile Admission admission = new Admission(TrustLevel.ENHANCED, false, InboundMode.EVENT);

        @Override
        public Verdict checkAddress(InetAddress remote) {
            return Verdict.ALLOW;
        }

        @Override
        public Verdict checkPeer(PeerId peer, InetAddress remote, ChannelDirection direction) {
            return Verdict.ALLOW;
        }

        @Override
        public Admission admission(PeerId peer, InetAddress remote, ChannelDirection direction) {
            return admission;
        }
    }

    final PeerNetworkImpl network;
    final FakeTransport transport;
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<PeerEvent> peerEvents = new CopyOnWriteArrayList<>();
    /** The allow-all policy {@link #start} installs (installed or not). */
    final AllowAllPolicy allowAll = new AllowAllPolicy();
    final ServiceReference<PacketHandler> allowAllRef =
            FakeServices.handlerRef(null, ALLOW_ALL_RANKING, "test.allow-all", 3);
    private boolean closed;

    private TestNode(PeerNetworkImpl network, FakeTransport transport) {
        this.network = network;
        this.transport = transport;
    }

    /** A node listening through a fake transport on the configured port (7700 unless given), with the allow-all policy. */
    static TestNode start(Path storageDir, Object... config) {
        TestNode node = startWithoutPolicy(storageDir, config);
        node.network.addPolicy(LazyService.ofInstance(node.allowAll), node.allowAllRef);
        return node;
    }

    /** As {@link #start(Path, Object...)}, with the core's clock and the random source of its backoff jitter. */
    static TestNode start(Path storageDir, Clock clock, Random random, Object... config) {
        TestNode node = startWithoutPolicy(storageDir, clock, random, config);
        node.network.addPolicy(LazyService.ofInstance(node.allowAll), node.allowAllRef);
        return node;
    }

    /** A node without any inbound policy: the core fails closed. */
    static TestNode startWithoutPolicy(Path storageDir, Object... config) {
        return startWithoutPolicy(storageDir, Clock.systemUTC(), new Random(), config);
    }

    static TestNode startWithoutPolicy(Path storageDir, Clock clock, Random random, Object... config) {
        PeerNetworkImpl network = new PeerNetworkImpl(TestConfigs.config(storageDir, config), "p2pnet/test", clock,
                random);
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
