package org.p2pnet.core.internal;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.trust.Admission;
import org.p2pnet.api.trust.InboundMode;
import org.p2pnet.api.trust.IncomingPeerPolicy;
import org.p2pnet.api.trust.Verdict;
import org.p2pnet.channel.tcp.internal.TcpTransport;

/**
 * A real p2pnet node on a plain classpath, for the benchmarks: the core ({@link PeerNetworkImpl})
 * with the channel-tcp transport, wired as SCR wires them inside Karaf, listening on 127.0.0.1 on
 * an ephemeral port. Every peer is let in at ENHANCED (the trust bundle's role, played here by a
 * fixed policy); packet handlers are added as the whiteboard adds them.
 *
 * <p>It lives in the core's package because the wiring methods SCR calls are package-private.
 */
public final class BenchNode implements AutoCloseable {
    private static final AtomicLong SERVICE_IDS = new AtomicLong(1000);

    private final PeerNetworkImpl network;
    private final TcpTransport transport;
    private final Path storage;

    private BenchNode(PeerNetworkImpl network, TcpTransport transport, Path storage) {
        this.network = network;
        this.transport = transport;
        this.storage = storage;
    }

    /**
     * Starts a node. {@code coreConfig} overrides the core's configuration (PID org.p2pnet.core,
     * the same keys as {@code etc/org.p2pnet.core.cfg}); port 0 and bindAddress 127.0.0.1 unless given.
     */
    public static BenchNode start(boolean tls, Map<String, Object> coreConfig) throws IOException {
        Path storage = Files.createTempDirectory("p2pnet-bench-node");
        Map<String, Object> values = new HashMap<>();
        values.put("port", 0);
        values.put("bindAddress", "127.0.0.1");
        values.put("storageDir", storage.toString());
        values.putAll(coreConfig);
        PeerNetworkImpl network = new PeerNetworkImpl(annotation(PeerNetworkImpl.Config.class, values), "p2pnet/bench");
        network.addPolicy(LazyService.ofInstance(new AllowAll()), reference(Map.of(), "bench.policy"));
        TcpTransport transport = new TcpTransport(annotation(TcpTransport.Config.class, Map.of("tls", tls)));
        network.bindTransport(transport);
        BenchNode node = new BenchNode(network, transport, storage);
        // what handler-identity and handler-disconnect do for the node is not measured here: the core
        // has already acted on both packets when it dispatches them
        node.handle(PacketTypes.IDENTITY, (channel, packet) -> { });
        node.handle(PacketTypes.DISCONNECT, (channel, packet) -> { });
        return node;
    }

    /** The node as its users see it. */
    public PeerNetwork network() {
        return network;
    }

    /** Where peers dial this node. */
    public PeerAddress address() {
        return network.status().listening();
    }

    public PeerId id() {
        return network.identity().peerId();
    }

    /** Registers a packet handler for {@code type} as the OSGi whiteboard would (ranking 0). */
    public void handle(String type, PacketHandler handler) {
        Map<String, Object> props = new HashMap<>();
        props.put(PacketHandler.TYPE_PROPERTY, type);
        props.put(Constants.SERVICE_RANKING, 0);
        @SuppressWarnings("unchecked")
        ServiceReference<PacketHandler> ref =
                (ServiceReference<PacketHandler>) reference(props, "bench.handler." + type);
        network.addHandler(LazyService.ofInstance(handler), ref);
    }

    @Override
    public void close() {
        network.unbindTransport(transport);
        transport.close();
        network.deactivate();
        try (var files = Files.walk(storage)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a temporary directory: left behind at worst
        }
    }

    /** Waits until a channel to {@code peer} is open on this node. */
    public void awaitChannel(PeerId peer, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (network.channel(peer).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no channel to " + peer.shortForm() + " within " + timeout);
            }
            Thread.sleep(5);
        }
    }

    private static final class AllowAll implements IncomingPeerPolicy {
        private final Admission admission = new Admission(TrustLevel.ENHANCED, false, InboundMode.EVENT);

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

    /** An annotation-typed configuration as SCR builds it: the given values over the defaults. */
    private static <A> A annotation(Class<A> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(BenchNode.class.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> type;
                    case "toString" -> type.getSimpleName() + values;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> values.containsKey(method.getName()) ? values.get(method.getName())
                            : method.getDefaultValue();
                }));
    }

    private static ServiceReference<?> reference(Map<String, Object> properties, String bundleName) {
        Map<String, Object> props = new HashMap<>(properties);
        long id = SERVICE_IDS.incrementAndGet();
        props.put(Constants.SERVICE_ID, id);
        Bundle bundle = (Bundle) Proxy.newProxyInstance(BenchNode.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> bundleName;
                    case "getBundleId" -> id;
                    case "hashCode" -> Long.hashCode(id);
                    case "equals" -> proxy == args[0];
                    case "toString" -> bundleName;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (ServiceReference<?>) Proxy.newProxyInstance(BenchNode.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> props.get((String) args[0]);
                    case "getPropertyKeys" -> props.keySet().toArray(new String[0]);
                    case "getBundle" -> bundle;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "ServiceReference" + props;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
