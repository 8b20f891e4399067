package org.p2pnet.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import javax.servlet.Servlet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.p2pnet.api.genesis.GenesisRegistration;
import org.p2pnet.api.genesis.GenesisRegistration.DialBack;
import org.p2pnet.testing.Conditions;
import org.p2pnet.testing.KeySigner;

/** Threads, sockets and the whiteboard registration: what activation starts, deactivation ends. */
class LifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void activationRegistersTheServletWithTheWhiteboardAndDeactivationRemovesIt() {
        AtomicReference<Object> registered = new AtomicReference<>();
        AtomicReference<Dictionary<String, ?>> properties = new AtomicReference<>();
        AtomicBoolean unregistered = new AtomicBoolean();
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class}, (proxy, m, args) -> {
                    if (m.getName().equals("unregister")) {
                        unregistered.set(true);
                        return null;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, m, args) -> {
                    if (m.getName().equals("registerService") && args[0] == Servlet.class) {
                        registered.set(args[1]);
                        @SuppressWarnings("unchecked")
                        Dictionary<String, ?> dictionary = (Dictionary<String, ?>) args[2];
                        properties.set(dictionary);
                        return registration;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        KeySigner key = new KeySigner();
        GenesisService service = new GenesisService(context, Configs.config(Map.of()),
                new FakeNetwork(key, "p2pnet", 7700), key);
        try {
            assertSame(service.servlet(), registered.get());
            assertEquals("/p2pnet/genesis/*", properties.get().get("osgi.http.whiteboard.servlet.pattern"));
            assertEquals("p2pnet-genesis", properties.get().get("osgi.http.whiteboard.servlet.name"));
            assertEquals("(osgi.http.whiteboard.context.name=default)",
                    properties.get().get("osgi.http.whiteboard.context.select"));
            assertFalse(unregistered.get());
        } finally {
            service.deactivate();
        }
        assertTrue(unregistered.get());
        awaitNoGenesisThreads();
    }

    @Test
    void theTimerPurgesExpiredRegistrationsAndSamplesTheRate() {
        Harness h = new Harness(Map.of("registrationTtlSeconds", 30));
        try {
            h.register(new KeySigner(), "198.51.100.1", 7000);
            h.time.advanceMillis(31_000);
            assertTrue(h.service.registrations().isEmpty(), "expired: no longer listed");
            h.service.tick();
            assertEquals(0, h.service.status().registrations());
            for (int i = 0; i < 10; i++) {
                h.call(FakeHttp.Request.get("/health", null));
            }
            h.time.advanceMillis(2000);
            h.service.tick();
            assertEquals(5.0, h.service.status().requestsPerSecond(), 0.001, "10 requests in the 2 s between samples");
        } finally {
            h.close();
        }
        awaitNoGenesisThreads();
    }

    @Test
    void dialBackHandsOutOnlyPeersThatAcceptAConnection() throws IOException {
        Harness h = new Harness(Map.of("dialBack", true));
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int closedPort;
            try (ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                closedPort = closed.getLocalPort();
            }
            KeySigner reachable = new KeySigner();
            KeySigner unreachable = new KeySigner();
            assertEquals(200, h.register(reachable, "127.0.0.1", listening.getLocalPort()).status);
            assertEquals(200, h.register(unreachable, "127.0.0.1", closedPort).status);
            Conditions.await("both dial-back checks are done", WAIT, () -> h.service.registrations().stream()
                    .noneMatch(r -> r.dialBack() == DialBack.PENDING));
            List<GenesisRegistration> registrations = h.service.registrations();
            assertEquals(DialBack.FAILED, state(registrations, unreachable));
            assertEquals(DialBack.OK, state(registrations, reachable));
            for (int i = 0; i < 20; i++) {
                var peers = h.call(FakeHttp.Request.get("/peers", null)).json().get("peers");
                assertEquals(1, peers.size());
                assertEquals(reachable.peerId().value(), peers.get(0).get("id").textValue());
            }
            assertTrue(new String(h.call(FakeHttp.Request.get("/", null)).bytes()).contains("1 ok, 1 failed"));
        } finally {
            h.close();
        }
        awaitNoGenesisThreads();
    }

    /**
     * A peer whose connect hangs: a listening socket that never accepts, with its accept queue
     * full, so that the kernel drops further SYNs and a connect waits for its timeout. Deactivation
     * must not wait for that timeout, and must leave no thread behind.
     */
    @Test
    void deactivationEndsADialBackStillConnecting() throws IOException {
        try (ServerSocket neverAccepts = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = fillAcceptQueue(neverAccepts);
            try {
                Assumptions.assumeTrue(connectHangs(neverAccepts.getLocalPort()),
                        "this host does not drop SYNs beyond the accept queue; nothing hangs to be ended");
                Harness h = new Harness(Map.of("dialBack", true));
                h.register(new KeySigner(), "127.0.0.1", neverAccepts.getLocalPort());
                Conditions.await("a dial-back thread is connecting", WAIT, () -> Thread.getAllStackTraces().keySet()
                        .stream().anyMatch(t -> t.getName().startsWith(DialBackChecker.THREAD_PREFIX)));
                long started = System.nanoTime();
                h.close();
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(tookMillis < DialBackChecker.TIMEOUT_MILLIS - 500, "deactivation took " + tookMillis + " ms");
                awaitNoGenesisThreads();
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    private static List<Socket> fillAcceptQueue(ServerSocket server) {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(server.getInetAddress(), server.getLocalPort()), 200);
                sockets.add(socket);
            } catch (IOException full) {
                closeQuietly(socket);
                break;
            }
        }
        return sockets;
    }

    private static boolean connectHangs(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 300);
            return false;
        } catch (SocketTimeoutException hangs) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // a test socket
        }
    }

    private static DialBack state(List<GenesisRegistration> registrations, KeySigner node) {
        return registrations.stream().filter(r -> r.peerId().equals(node.peerId())).findFirst().orElseThrow().dialBack();
    }

    private static void awaitNoGenesisThreads() {
        Conditions.await("no p2pnet-genesis-* thread is left", WAIT, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith(GenesisService.THREAD_PREFIX) && t.isAlive()));
    }
}
