package org.p2pnet.discovery.lan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Clock;
import java.time.Duration;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.discovery.LanDiscoveryStatus;
import org.p2pnet.api.routine.Routine;
import org.p2pnet.testing.Conditions;
import org.p2pnet.testing.KeySigner;

/**
 * Two discovery services on this host, on high random designated ports (so a real node on
 * 8001-8003 is not disturbed): they find each other through broadcast on loopback, the only
 * interface tests use ({@link Configs}), so no datagram leaves the host.
 */
class LoopbackDiscoveryTest {
    private static final Duration QUICKLY = Duration.ofSeconds(3);

    private final List<LanDiscoveryService> services = new ArrayList<>();

    @AfterEach
    void stopAll() {
        services.forEach(LanDiscoveryService::stop);
    }

    private LanDiscoveryService node(FakeNetwork network, List<Integer> ports) {
        String portList = ports.stream().map(String::valueOf).collect(Collectors.joining(","));
        LanDiscoveryService service = new LanDiscoveryService(Configs.settings(Map.of("ports", portList)), network,
                network.signer, Clock.systemUTC(), RandomGenerator.getDefault());
        services.add(service);
        return service;
    }

    private static FakeNetwork network(int listenPort) {
        return new FakeNetwork(new KeySigner(), "p2pnet", listenPort);
    }

    @Test
    void twoNodesOnOneHostFindEachOtherWellUnderASecondOfWave() throws Exception {
        List<Integer> ports = freePorts(3);
        FakeNetwork a = network(17001);
        FakeNetwork b = network(17002);
        LanDiscoveryService nodeA = node(a, ports);
        LanDiscoveryService nodeB = node(b, ports);

        nodeA.start();
        nodeB.start();

        Conditions.await("A offers B", QUICKLY, () -> a.offered(b.signer.peerId()));
        Conditions.await("B offers A", QUICKLY, () -> b.offered(a.signer.peerId()));
        DiscoveredPeer found = a.offers.stream().filter(o -> o.peerId().equals(b.signer.peerId())).findFirst().orElseThrow();
        assertEquals(17002, found.addresses().get(0).port(), "the advertised TCP port, not the UDP source port");
        assertEquals(LanDiscoveryService.SOURCE, found.source());
        assertFalse(a.offered(a.signer.peerId()), "never offers itself");
        // its own announcements come back too (not necessarily before B's did): dropped as OWN
        Conditions.await("A hears itself and drops it as OWN", QUICKLY,
                () -> nodeA.status().drops().getOrDefault("OWN", 0L) > 0);
    }

    @Test
    void twoNodesStartedAtTheSameMomentOnTheSameBroadcasterPortFindEachOther() throws Exception {
        List<Integer> ports = freePorts(1);
        FakeNetwork a = network(17001);
        FakeNetwork b = network(17002);
        LanDiscoveryService nodeA = node(a, ports);
        LanDiscoveryService nodeB = node(b, ports);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> starters = new ArrayList<>();
        for (LanDiscoveryService node : List.of(nodeA, nodeB)) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    node.start();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            starters.add(t);
        }

        go.countDown();
        for (Thread t : starters) {
            t.join();
        }

        assertEquals(nodeA.status().broadcasterPort(), nodeB.status().broadcasterPort());
        Conditions.await("A offers B", QUICKLY, () -> a.offered(b.signer.peerId()));
        Conditions.await("B offers A", QUICKLY, () -> b.offered(a.signer.peerId()));
    }

    @Test
    void stopClosesEverySocketAndThreadAndStartResumes() throws Exception {
        List<Integer> ports = freePorts(3);
        FakeNetwork a = network(17001);
        FakeNetwork b = network(17002);
        LanDiscoveryService nodeA = node(a, ports);
        LanDiscoveryService nodeB = node(b, ports);
        nodeA.start();
        nodeB.start();
        Conditions.await("A offers B", QUICKLY, () -> a.offered(b.signer.peerId()));

        nodeA.stop();
        nodeB.stop();

        Conditions.await("no p2pnet-discovery thread", QUICKLY, () -> discoveryThreads().isEmpty());
        for (int port : ports) {
            try (DatagramChannel exclusive = DatagramChannel.open()) {
                exclusive.bind(new InetSocketAddress("0.0.0.0", port)); // no SO_REUSEADDR: fails if any socket is left
            }
        }
        assertFalse(nodeA.status().running());

        a.offers.clear();
        b.offers.clear();
        nodeA.start();
        nodeB.start();
        Conditions.await("A offers B again", QUICKLY, () -> a.offered(b.signer.peerId()));
        Conditions.await("B offers A again", QUICKLY, () -> b.offered(a.signer.peerId()));
    }

    @Test
    void startAndStopManyTimesLeakNothing() throws Exception {
        List<Integer> ports = freePorts(2);
        LanDiscoveryService node = node(network(17001), ports);
        for (int i = 0; i < 20; i++) {
            node.start();
            node.start(); // idempotent
            node.stop();
            node.stop();
        }
        Conditions.await("no p2pnet-discovery thread", QUICKLY, () -> discoveryThreads().isEmpty());
        for (int port : ports) {
            try (DatagramChannel exclusive = DatagramChannel.open()) {
                exclusive.bind(new InetSocketAddress("0.0.0.0", port));
            }
        }
    }

    @Test
    void statusShowsPortsInterfacesAndCounters() throws Exception {
        List<Integer> ports = freePorts(3);
        LanDiscoveryService node = node(network(17001), ports);
        node.start();

        Conditions.await("one announcement sent", QUICKLY, () -> node.status().sent() > 0);
        LanDiscoveryStatus status = node.status();
        assertTrue(status.running());
        assertEquals(ports, status.ports());
        assertTrue(ports.contains(status.broadcasterPort()));
        assertFalse(status.interfaces().isEmpty());
        assertTrue(status.interfaces().get(0).primary());
        assertTrue(status.interfaces().stream().anyMatch(i -> i.name().equals("lo")), "loopback included by default");
        assertTrue(status.interval().toMillis() >= 800 && status.interval().toMillis() <= 1200 * 3, status.interval().toString());
    }

    @Test
    void aDatagramFromAnInterfaceNotInUseIsDroppedAndNotAnswered() throws Exception {
        List<Integer> ports = freePorts(1);
        FakeNetwork network = network(17001);
        LanDiscoveryService node = node(network, ports); // interfaces = lo
        node.start();
        Conditions.await("the first announcement sent", QUICKLY, () -> node.status().sent() > 0);
        KeySigner peer = new KeySigner();
        byte[] valid = new AnnouncementCodec().encode(new Announcement(AnnouncementCodec.VERSION, "p2pnet", peer.peerId(),
                peer.publicKey(), 17002, List.of("192.0.2.9"), System.currentTimeMillis(), false), peer);

        // as if it had come in over another interface's link (one this host does not even have, so
        // that nothing could leave the host were it answered)
        InetSocketAddress elsewhere = new InetSocketAddress(
                java.net.Inet6Address.getByAddress(null, java.net.InetAddress.getByName("fe80::9").getAddress(), 999), 40000);
        node.received(valid, valid.length, elsewhere);

        assertEquals(1, node.status().drops().get("FOREIGN_INTERFACE"));
        assertTrue(network.offers.isEmpty(), "not offered: " + network.offers);
        assertFalse(node.hasReplied(peer.peerId()), "not answered");
        // the same datagram over loopback is offered
        node.received(valid, valid.length, new InetSocketAddress("127.0.0.1", 40000));
        assertTrue(network.offered(peer.peerId()));
        assertTrue(node.hasReplied(peer.peerId()), "answered over loopback");
    }

    @Test
    void rotateBroadcastPortMovesToAnotherDesignatedPort() throws Exception {
        List<Integer> ports = freePorts(3);
        LanDiscoveryService node = node(network(17001), ports);
        node.start();
        RotateBroadcastPort routine = new RotateBroadcastPort(node);

        for (int i = 0; i < 10; i++) {
            int before = node.status().broadcasterPort();
            routine.run();
            int after = node.status().broadcasterPort();
            assertNotEquals(before, after);
            assertTrue(ports.contains(after));
        }
        node.stop();
        routine.run(); // stopped: nothing to move, nothing thrown
    }

    @Test
    void rotateBroadcastPortIsARoutineServiceForTheSchedulerOnly() throws Exception {
        List<Integer> ports = freePorts(3);
        String portList = ports.stream().map(String::valueOf).collect(Collectors.joining(","));
        List<Object[]> registered = new ArrayList<>();
        List<String> unregistered = new ArrayList<>();
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                    if (method.getName().equals("unregister")) {
                        unregistered.add("RotateBroadcastPort");
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("registerService") && args[0] instanceof Class<?>) {
                        registered.add(args);
                        return registration;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        FakeNetwork network = network(17001);
        // the DS constructor, disabled so that it starts nothing by itself
        LanDiscoveryService node = new LanDiscoveryService(context,
                Configs.config(Map.of("enabled", false, "ports", portList, "rotateIntervalMs", 45_000L)), network,
                network.signer);
        services.add(node);

        assertEquals(1, registered.size());
        assertEquals(Routine.class, registered.get(0)[0]);
        @SuppressWarnings("unchecked")
        Dictionary<String, Object> properties = (Dictionary<String, Object>) registered.get(0)[2];
        assertEquals("RotateBroadcastPort", properties.get(Routine.NAME_PROPERTY));
        assertEquals(45_000L, properties.get(Routine.INTERVAL_PROPERTY));

        // the scheduler runs it: it moves the broadcaster, which the service never does on its own
        node.start();
        Routine routine = (Routine) registered.get(0)[1];
        int before = node.status().broadcasterPort();
        routine.run();
        assertNotEquals(before, node.status().broadcasterPort());
        assertTrue(ports.contains(node.status().broadcasterPort()));

        node.deactivate();
        assertEquals(List.of("RotateBroadcastPort"), unregistered);
    }

    private static List<Thread> discoveryThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(LanDiscoveryService.THREAD_PREFIX))
                .toList();
    }

    /** Distinct high UDP ports that nothing holds now. */
    static List<Integer> freePorts(int count) throws IOException {
        List<Integer> ports = new ArrayList<>();
        while (ports.size() < count) {
            int port = ThreadLocalRandom.current().nextInt(40_000, 60_000);
            if (ports.contains(port)) {
                continue;
            }
            try (DatagramChannel probe = DatagramChannel.open()) {
                probe.bind(new InetSocketAddress("0.0.0.0", port));
                ports.add(port);
            } catch (IOException taken) {
                // try another
            }
        }
        return ports;
    }
}
