package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.message.MessageLog;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.trust.IncomingPeerPolicy;
import org.p2pnet.api.trust.TrustDecisions;

/**
 * The promise of the design, under traffic: a peer streams MESSAGE packets at 1,500 a second
 * while, one after another, the MESSAGE handler bundle is updated, the trust bundle is replaced by
 * a custom policy (and put back), the discovery bundles are stopped and started, the routines
 * bundle is restarted and channel-tcp is updated. Handler and trust swaps lose and duplicate
 * nothing. The channel swap ends the connection with DISCONNECT SHUTDOWN after the node drained
 * what the peer had written; whatever the peer could not write is reported to it as a failed
 * write, and it sends those again once the channel is back, within {@link #CHANNEL_BACK_BOUND}.
 * In the end every message arrived exactly once, and the known peer and its trust decision
 * survived every swap.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotSwapUnderTrafficIT extends P2pnetTestSupport {
    /** Messages a second the peer sends. */
    static final int RATE = 1500;
    /** Hard limits on the stream, whatever happens: count and time. */
    static final int MAX_MESSAGES = 600_000;
    static final Duration MAX_STREAM = Duration.ofMinutes(5);
    /** The channel swap: from bundle:update to the peer's channel open again. */
    static final Duration CHANNEL_BACK_BOUND = Duration.ofSeconds(15);
    /** Traffic that flows between two swaps (and after the last). */
    static final Duration BETWEEN_SWAPS = Duration.ofSeconds(2);

    /** {@link WirePeer} speaks plaintext and runs no trust protocol. */
    @Override
    protected Option[] extraOptions() {
        return wirePeerOptions();
    }

    @Inject
    PeerNetwork network;

    @Test
    public void noSwapLosesOrDuplicatesAMessageAndPeersAndTrustSurvive() throws Exception {
        waitFor("node listening", Duration.ofSeconds(30), () -> network.status().listening() != null);
        int port = network.status().listening().port();

        Map<String, Integer> received = new ConcurrentHashMap<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, MessageLog.TOPIC_RECEIVED);
        ServiceRegistration<EventHandler> counter = bundleContext.registerService(EventHandler.class,
            event -> received.merge(String.valueOf(event.getProperty("message.id")), 1, Integer::sum), props);

        try (Stream stream = new Stream(port)) {
            PeerId peer = PeerId.parse(stream.peerId);
            stream.start();
            waitFor("the peer's channel", Duration.ofSeconds(10), () -> network.channel(peer).isPresent());
            waitFor("traffic flowing", Duration.ofSeconds(10), () -> received.size() > RATE / 2);
            withService(TrustDecisions.class, d -> {
                d.trust(peer, "hot-swap itest");
                return true;
            }, false);
            waitFor("the trust decision recorded", Duration.ofSeconds(10),
                () -> trustDecision(peer).equals(Optional.of(TrustLevel.ENHANCED)));
            assertTrue("known before the swaps", network.knownPeer(peer).isPresent());
            List<String> report = new ArrayList<>();

            // 1. the MESSAGE handler bundle is updated: nothing lost, nothing twice
            Bundle handler = bundle("org.p2pnet.handler.message");
            long t0 = System.nanoTime();
            handler.update();
            waitFor("the MESSAGE handler back", Duration.ofSeconds(30), () -> network.handlers().stream()
                .anyMatch(h -> PacketTypes.MESSAGE.equals(h.packetType()) && h.bundle() != null
                    && h.bundle().equals("org.p2pnet.handler.message")));
            report.add(String.format("handler-message updated in %d ms", ms(t0)));
            settleAndCheck("MESSAGE handler update", stream, received, peer, true, true);

            // 2. the trust bundle is replaced by a custom policy, then put back
            Bundle trust = bundle("org.p2pnet.trust");
            t0 = System.nanoTime();
            trust.stop();
            ServiceRegistration<IncomingPeerPolicy> custom = bundleContext.registerService(
                IncomingPeerPolicy.class, new FixedLevelPolicy(TrustLevel.DEFAULT), ranking(1000));
            waitFor("the custom policy in force", Duration.ofSeconds(30),
                () -> !network.trustSummary().failClosed());
            report.add(String.format("trust replaced by a custom policy in %d ms", ms(t0)));
            settleAndCheck("trust replaced by a custom policy", stream, received, peer, true, false);
            t0 = System.nanoTime();
            trust.start();
            custom.unregister();
            waitFor("the trust bundle's policy in force again", Duration.ofSeconds(30),
                () -> !network.trustSummary().failClosed() && trustDecision(peer).isPresent());
            report.add(String.format("trust bundle back in %d ms", ms(t0)));
            settleAndCheck("trust bundle back", stream, received, peer, true, true);

            // 3. discovery stopped and started
            t0 = System.nanoTime();
            for (String name : List.of("org.p2pnet.discovery.lan", "org.p2pnet.discovery.genesis")) {
                bundle(name).stop();
            }
            for (String name : List.of("org.p2pnet.discovery.lan", "org.p2pnet.discovery.genesis")) {
                bundle(name).start();
            }
            report.add(String.format("discovery stopped and started in %d ms", ms(t0)));
            settleAndCheck("discovery stop/start", stream, received, peer, true, true);

            // 4. routines restarted
            t0 = System.nanoTime();
            Bundle routines = bundle("org.p2pnet.routines");
            routines.stop();
            routines.start();
            report.add(String.format("routines restarted in %d ms", ms(t0)));
            settleAndCheck("routines restart", stream, received, peer, true, true);

            // 5. channel-tcp updated: the peer is told SHUTDOWN, reconnects and sends what failed
            int reconnectsBefore = stream.connections.get();
            t0 = System.nanoTime();
            bundle("org.p2pnet.channel.tcp").update();
            waitFor("the peer connected again", CHANNEL_BACK_BOUND,
                () -> stream.connections.get() > reconnectsBefore && network.channel(peer).isPresent());
            long back = ms(t0);
            report.add(String.format("channel-tcp updated: channel back in %d ms (bound %d ms); the peer heard %s,"
                + " %d writes failed and were sent again", back, CHANNEL_BACK_BOUND.toMillis(),
                stream.lastDisconnect.get(), stream.failedWrites.get()));
            assertEquals("the node said why", "SHUTDOWN", stream.lastDisconnect.get());
            settleAndCheck("channel-tcp update", stream, received, peer, false, true);

            // the end: stop the stream, every message it sent exactly once
            stream.stopSending();
            Set<String> sent = stream.sentOk;
            waitFor("all " + sent.size() + " messages delivered", Duration.ofSeconds(60),
                () -> received.keySet().containsAll(sent));
            List<String> twice = received.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .limit(10).toList();
            assertEquals("messages delivered twice", List.of(), twice);
            assertEquals("delivered but never sent", Set.of(), Set.copyOf(received.keySet().stream()
                .filter(id -> !sent.contains(id)).limit(10).toList()));
            assertEquals("nothing left to resend", 0, stream.unsent.size());
            double rate = stream.sentOk.size() / (stream.streamMillis() / 1000.0);
            assertTrue("a steady stream of at least 1,000 messages/s, got " + rate, rate >= 1000);
            report.add(String.format("%d messages, %.0f/s, each delivered once", sent.size(), rate));
            System.out.println("hot-swap under traffic:\n  " + String.join("\n  ", report));
        } finally {
            counter.unregister();
        }
    }

    /**
     * Lets traffic flow, then checks: every message written so far arrived exactly once (for the
     * handler and trust swaps this is the "nothing lost" claim; after the channel swap it covers
     * the re-sent ones), the peer is still known and (while the trust bundle runs) its trust decision kept.
     */
    private void settleAndCheck(String step, Stream stream, Map<String, Integer> received, PeerId peer,
                                boolean sameConnection, boolean trustBundleUp) throws Exception {
        int connection = stream.connections.get();
        long until = System.nanoTime() + BETWEEN_SWAPS.toNanos();
        waitFor(step + ": traffic flows on", BETWEEN_SWAPS.plusSeconds(10), () -> System.nanoTime() >= until);
        Set<String> sentSoFar = Set.copyOf(stream.sentOk);
        waitFor(step + ": the " + sentSoFar.size() + " messages written so far delivered", Duration.ofSeconds(30),
            () -> received.keySet().containsAll(sentSoFar));
        List<String> twice = received.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
            .limit(10).toList();
        assertEquals(step + ": delivered twice", List.of(), twice);
        if (sameConnection) {
            assertEquals(step + ": the peer's connection was kept", connection, stream.connections.get());
            assertEquals(step + ": no write failed", 0, stream.failedWrites.get());
        }
        assertTrue(step + ": the peer is still known", network.knownPeer(peer).isPresent());
        if (trustBundleUp) {
            waitFor(step + ": the trust decision kept", Duration.ofSeconds(30),
                () -> trustDecision(peer).equals(Optional.of(TrustLevel.ENHANCED)));
        } // else the trust bundle (the TrustDecisions service) is away: checked once it is back
        assertTrue(step + ": the stream is alive", stream.error.get() == null);
    }

    private static long ms(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static Dictionary<String, Object> ranking(int ranking) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(Constants.SERVICE_RANKING, ranking);
        return p;
    }

    private Optional<TrustLevel> trustDecision(PeerId peer) {
        return withService(TrustDecisions.class, d -> d.decision(peer), Optional.empty());
    }

    /**
     * The streaming peer: one key (one peer id) across its connections. A writer thread sends
     * MESSAGE "m-N" at {@link #RATE}; a write that fails is recorded and its id sent again on the
     * next connection. A reader thread per connection reads what the node sends; on DISCONNECT it
     * closes the connection (so the node's drain ends) and the writer reconnects.
     */
    final class Stream implements AutoCloseable {
        final String peerId;
        final Set<String> sentOk = ConcurrentHashMap.newKeySet();
        final ConcurrentLinkedDeque<String> unsent = new ConcurrentLinkedDeque<>();
        final AtomicInteger connections = new AtomicInteger();
        final AtomicInteger failedWrites = new AtomicInteger();
        final AtomicReference<String> lastDisconnect = new AtomicReference<>("none");
        final AtomicReference<Throwable> error = new AtomicReference<>();
        private final KeyPair key;
        private final int port;
        private final AtomicLong next = new AtomicLong();
        private final AtomicReference<WirePeer> current = new AtomicReference<>();
        private volatile boolean sending = true;
        private volatile boolean closed;
        private final Thread writer;
        private long startedNanos;
        private long stoppedNanos;

        Stream(int port) throws Exception {
            this.port = port;
            this.key = WirePeer.newKey();
            this.peerId = WirePeer.idOf(key);
            this.writer = new Thread(this::write, "itest-stream-writer");
            writer.setDaemon(true);
        }

        void start() {
            startedNanos = System.nanoTime();
            writer.start();
        }

        long streamMillis() {
            long end = stoppedNanos == 0 ? System.nanoTime() : stoppedNanos;
            return Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - startedNanos));
        }

        void stopSending() throws InterruptedException {
            sending = false;
            writer.join(10_000);
            stoppedNanos = System.nanoTime();
        }

        private void write() {
            long deadline = System.nanoTime() + MAX_STREAM.toNanos();
            long intervalNanos = TimeUnit.SECONDS.toNanos(1) / RATE;
            long due = System.nanoTime();
            try {
                while (sending && !closed && System.nanoTime() < deadline && next.get() < MAX_MESSAGES) {
                    WirePeer peer = current.get();
                    if (peer == null) {
                        peer = connect(deadline);
                        if (peer == null) {
                            return;
                        }
                    }
                    String id = unsent.pollFirst();
                    if (id == null) {
                        id = "m-" + next.getAndIncrement();
                    }
                    try {
                        peer.sendMessage(id, "hot-swap traffic");
                        sentOk.add(id);
                    } catch (IOException e) {
                        unsent.addFirst(id);
                        failedWrites.incrementAndGet();
                        drop(peer);
                        continue;
                    }
                    due += intervalNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    } else if (wait < -TimeUnit.SECONDS.toNanos(1)) {
                        due = System.nanoTime(); // fell behind (reconnecting): do not burst to catch up
                    }
                }
            } catch (RuntimeException | Error e) {
                error.set(e);
            }
        }

        /** Connects again (bounded); null when the stream ends first. */
        private WirePeer connect(long deadline) {
            while (sending && !closed && System.nanoTime() < deadline) {
                WirePeer peer = null;
                try {
                    peer = new WirePeer(key);
                    peer.handshake(port, "itest");
                    current.set(peer);
                    connections.incrementAndGet();
                    WirePeer reading = peer;
                    Thread reader = new Thread(() -> read(reading), "itest-stream-reader");
                    reader.setDaemon(true);
                    reader.start();
                    return peer;
                } catch (Exception e) {
                    if (peer != null) {
                        try {
                            peer.close();
                        } catch (IOException ignored) {
                            // gone anyway
                        }
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // the node's transport is restarting
                }
            }
            return null;
        }

        private void read(WirePeer peer) {
            try {
                while (current.get() == peer) {
                    WirePeer.Frame f;
                    try {
                        f = peer.read();
                    } catch (SocketTimeoutException idle) {
                        continue;
                    }
                    if ("DISCONNECT".equals(f.type())) {
                        lastDisconnect.set(f.metadata().path("reason").asText());
                        drop(peer);
                        return;
                    }
                }
            } catch (IOException e) {
                drop(peer);
            }
        }

        private void drop(WirePeer peer) {
            if (current.compareAndSet(peer, null)) {
                try {
                    peer.close();
                } catch (IOException ignored) {
                    // closed
                }
            }
        }

        @Override
        public void close() throws Exception {
            closed = true;
            sending = false;
            writer.join(10_000);
            WirePeer peer = current.getAndSet(null);
            if (peer != null) {
                peer.close();
            }
        }
    }
}
