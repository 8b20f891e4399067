package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerListener;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.api.packet.DataPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;

class DispatchTest extends NodeTestSupport {
    private FakeChannel connectPeer(String ip) {
        return node.transport.inbound(FakeTransport.ephemeral(ip), new RemotePeer().identity(7700));
    }

    private static MessagePacket message(int n) {
        return new MessagePacket(String.valueOf(n), "text " + n, 0);
    }

    private static RawPacket custom(String type, String channel, int n) {
        return new RawPacket(type, (channel + ":" + n).getBytes(StandardCharsets.UTF_8), null);
    }

    private HandlerInfo info(String type) {
        return node.network.handlers().stream().filter(h -> h.packetType().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no HandlerInfo for " + type));
    }

    @Test
    void theHandlerObjectIsObtainedOnFirstDeliveryNotWhenBound() {
        node = TestNode.start(dir);
        FakeChannel c = connectPeer("10.0.0.2");
        RecordingHandler handler = new RecordingHandler();
        AtomicInteger asked = new AtomicInteger();
        AtomicBoolean available = new AtomicBoolean(false);
        ServiceReference<PacketHandler> ref = FakeServices.handlerRef(PacketTypes.MESSAGE, 0, "test.lazy", 9);
        node.network.addHandler(new LazyService<>(() -> {
            asked.incrementAndGet();
            return available.get() ? handler : null;
        }), ref);
        assertEquals(0, asked.get(), "binding must not create the handler (reference cycles with PeerNetwork)");

        c.receive(message(1));
        assertEquals(1, info(PacketTypes.MESSAGE).failed(), "an unobtainable handler object counts as a failed delivery");
        assertEquals(0, handler.count());

        available.set(true);
        c.receive(message(2));
        c.receive(message(3));
        assertEquals(2, handler.count());
        assertEquals(2, asked.get(), "asked again after a null, then remembered");
    }

    @Test
    void theHighestRankedHandlerIsActiveAndSwitchesWithRegistrations() {
        node = TestNode.start(dir);
        FakeChannel c = connectPeer("10.0.0.2");
        RecordingHandler low = new RecordingHandler();
        RecordingHandler mid = new RecordingHandler();
        RecordingHandler high = new RecordingHandler();
        ServiceReference<PacketHandler> lowRef = node.bind(low, PacketTypes.MESSAGE, 0);
        node.bind(mid, PacketTypes.MESSAGE, 10);

        c.receive(message(1));
        assertEquals(1, mid.count());
        assertEquals(0, low.count());

        ServiceReference<PacketHandler> highRef = node.bind(high, PacketTypes.MESSAGE, 20);
        c.receive(message(2));
        assertEquals(1, high.count());
        HandlerInfo i = info(PacketTypes.MESSAGE);
        assertEquals("test.handler.20", i.bundle());
        assertEquals(7, i.bundleId());
        assertEquals(20, i.ranking());
        assertEquals(3, i.candidates());

        node.unbind(high, highRef);
        c.receive(message(3));
        assertEquals(2, mid.count());

        FakeServices.set(lowRef, Constants.SERVICE_RANKING, 100);
        node.network.updateHandler(LazyService.ofInstance(low), lowRef);
        c.receive(message(4));
        assertEquals(1, low.count());
        assertEquals(100, info(PacketTypes.MESSAGE).ranking());
        assertEquals(2, info(PacketTypes.MESSAGE).candidates());
        assertEquals(4, info(PacketTypes.MESSAGE).delivered());
    }

    @Test
    void equalRankingPrefersTheLowerServiceId() {
        node = TestNode.start(dir);
        FakeChannel c = connectPeer("10.0.0.2");
        RecordingHandler older = new RecordingHandler();
        RecordingHandler newer = new RecordingHandler();
        node.bind(older, PacketTypes.MESSAGE, 5);
        node.bind(newer, PacketTypes.MESSAGE, 5);
        c.receive(message(1));
        assertEquals(1, older.count());
        assertEquals(0, newer.count());
    }

    @Test
    void aHandlerMayNameSeveralTypesAndInvalidNamesAreIgnored() {
        node = TestNode.start(dir);
        FakeChannel c = connectPeer("10.0.0.2");
        RecordingHandler multi = new RecordingHandler();
        node.bind(multi, new String[] {"ALPHA", "bad type!", "BETA"}, 0);
        RecordingHandler none = new RecordingHandler();
        node.bind(none, null, 0);
        node.bind(none, "", 0);

        c.receive(custom("ALPHA", "c", 1));
        c.receive(custom("BETA", "c", 2));
        assertEquals(2, multi.count());
        assertEquals(0, none.count());
        assertTrue(node.network.handlers().stream().noneMatch(h -> h.packetType().contains(" ")));

        // the type property changes: ALPHA is not handled anymore, so it is held
        ServiceReference<PacketHandler> ref = node.bind(new RecordingHandler(), "GAMMA", 0);
        FakeServices.set(ref, PacketHandler.TYPE_PROPERTY, "DELTA");
        node.network.updateHandler(LazyService.ofInstance(new RecordingHandler()), ref);
        assertEquals(0, info("GAMMA").candidates());
        assertEquals(1, info("DELTA").candidates());
    }

    @Test
    void packetsWaitForAHandlerAndArriveOnceInOrder() {
        node = TestNode.start(dir);
        FakeChannel c = connectPeer("10.0.0.2");
        for (int i = 0; i < 100; i++) {
            c.receive(message(i));
        }
        assertEquals(100, info(PacketTypes.MESSAGE).buffered());

        RecordingHandler handler = new RecordingHandler();
        node.bind(handler, PacketTypes.MESSAGE, 0);
        c.receive(message(100));

        List<Packet> got = handler.packets();
        assertEquals(101, got.size());
        for (int i = 0; i <= 100; i++) {
            assertEquals(String.valueOf(i), ((MessagePacket) got.get(i)).id());
        }
        HandlerInfo i = info(PacketTypes.MESSAGE);
        assertEquals(0, i.buffered());
        assertEquals(101, i.delivered());
        assertEquals(0, i.dropped());
        assertSame(node.network.channel(c.sinkPeer()).orElseThrow(), handler.deliveries.get(0).channel());
    }

    /**
     * Channels hammer one packet type on their own threads while its handler is unregistered and
     * registered again and again: every channel's packets arrive exactly once and in order.
     */
    @Test
    void concurrentArrivalWhileHandlersComeAndGo() throws Exception {
        int channels = 6;
        int perChannel = 5_000;
        node = TestNode.start(dir, "pendingBufferCapacity", channels * perChannel, "pendingBufferMaxWaitSeconds", 600,
                "maxInboundChannels", channels);
        List<FakeChannel> sinks = new ArrayList<>();
        for (int i = 0; i < channels; i++) {
            sinks.add(connectPeer("10.0.1." + (i + 1)));
        }
        Map<String, List<Integer>> seen = new HashMap<>();
        AtomicInteger total = new AtomicInteger();
        PacketHandler handler = (channel, packet) -> {
            String[] parts = new String(((RawPacket) packet).metadata(), StandardCharsets.UTF_8).split(":");
            synchronized (seen) {
                seen.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
            }
            total.incrementAndGet();
        };

        // only a type that has had a handler is held while it has none: SEQ is being swapped, not unknown
        node.unbind(handler, node.bind(handler, "SEQ", 0));

        // a sender may pass its k-th milestone only after k handler swaps: swaps and sends interleave
        int milestone = 250;
        AtomicInteger swaps = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(channels);
        try {
            CyclicBarrier start = new CyclicBarrier(channels + 1);
            List<Future<?>> senders = new ArrayList<>();
            for (FakeChannel sink : sinks) {
                senders.add(pool.submit(() -> {
                    start.await();
                    for (int n = 0; n < perChannel; n++) {
                        if (n % milestone == 0) {
                            int needed = n / milestone;
                            Await.until("swap " + needed, () -> swaps.get() >= needed);
                        }
                        sink.receive(custom("SEQ", sink.id(), n));
                    }
                    return null;
                }));
            }
            start.await();
            while (!senders.stream().allMatch(Future::isDone)) {
                ServiceReference<PacketHandler> ref = node.bind(handler, "SEQ", 0);
                Thread.yield();
                node.unbind(handler, ref);
                swaps.incrementAndGet();
            }
            for (Future<?> f : senders) {
                f.get(Await.TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            node.bind(handler, "SEQ", 0);
            assertTrue(swaps.get() >= perChannel / milestone, "the handler was swapped while packets arrived");
        } finally {
            pool.shutdownNow();
        }

        assertEquals(channels * perChannel, total.get());
        for (FakeChannel sink : sinks) {
            List<Integer> got = seen.get(sink.id());
            assertEquals(perChannel, got.size(), sink.id());
            for (int n = 0; n < perChannel; n++) {
                if (got.get(n) != n) {
                    throw new AssertionError(sink.id() + ": packet " + n + " arrived as " + got.get(n));
                }
            }
        }
        HandlerInfo i = info("SEQ");
        assertEquals(channels * perChannel, i.delivered());
        assertEquals(0, i.dropped());
        assertEquals(0, i.buffered());
    }

    @Test
    void heldPacketsExpireAfterTheMaximumWait() {
        node = TestNode.start(dir, "pendingBufferMaxWaitSeconds", 1);
        FakeChannel c = connectPeer("10.0.0.2");
        for (int i = 0; i < 10; i++) {
            c.receive(message(i));
        }
        assertEquals(10, info(PacketTypes.MESSAGE).buffered());
        Await.until("held packets expire", () -> info(PacketTypes.MESSAGE).dropped() == 10);
        assertEquals(0, info(PacketTypes.MESSAGE).buffered());

        RecordingHandler handler = new RecordingHandler();
        node.bind(handler, PacketTypes.MESSAGE, 0);
        assertEquals(0, handler.count());
        c.receive(message(11));
        assertEquals(List.of("11"), handler.packets().stream().map(p -> ((MessagePacket) p).id()).toList());
    }

    @Test
    void aFullBufferDropsNewPackets() {
        node = TestNode.start(dir, "pendingBufferCapacity", 5);
        FakeChannel c = connectPeer("10.0.0.2");
        for (int i = 0; i < 8; i++) {
            c.receive(message(i));
        }
        HandlerInfo i = info(PacketTypes.MESSAGE);
        assertEquals(5, i.buffered());
        assertEquals(3, i.dropped());

        RecordingHandler handler = new RecordingHandler();
        node.bind(handler, PacketTypes.MESSAGE, 0);
        assertEquals(List.of("0", "1", "2", "3", "4"),
                handler.packets().stream().map(p -> ((MessagePacket) p).id()).toList());
    }

    @Test
    void aThrowingHandlerIsCountedAndTheChannelStaysOpen() {
        node = TestNode.start(dir);
        FakeChannel c = connectPeer("10.0.0.2");
        AtomicInteger calls = new AtomicInteger();
        node.bind((channel, packet) -> {
            if (calls.incrementAndGet() <= 3) {
                throw new IllegalStateException("boom " + calls.get());
            }
        }, PacketTypes.MESSAGE, 0);

        for (int i = 0; i < 4; i++) {
            c.receive(message(i));
        }
        assertEquals(4, calls.get());
        assertTrue(c.isOpen());
        assertTrue(node.network.channel(c.sinkPeer()).isPresent());
        HandlerInfo i = info(PacketTypes.MESSAGE);
        assertEquals(3, i.failed());
        assertEquals(1, i.delivered());
    }

    @Test
    void identityIsDispatchedAfterTheConnectedEvent() {
        node = TestNode.start(dir);
        List<String> order = new ArrayList<>();
        PeerListener listener = e -> order.add(e.kind().name());
        node.network.addListener(2, LazyService.ofInstance(listener));
        node.bind((channel, packet) -> {
            order.add(packet.type());
            node.network.recordIdentity(channel, (IdentityPacket) packet);
        }, PacketTypes.IDENTITY, 0);

        RemotePeer peer = new RemotePeer();
        node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), peer.identity(7701));

        assertEquals(List.of(PeerEvent.Kind.CONNECTED.name(), PacketTypes.IDENTITY), order);
        assertTrue(node.network.knownPeer(peer.id).isPresent());
        assertEquals(1, info(PacketTypes.IDENTITY).delivered());
    }

    @Test
    void identityWaitsForItsHandlerLikeAnyPacket() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), peer.identity(7701));
        assertTrue(node.network.knownPeers().isEmpty());
        assertEquals(1, info(PacketTypes.IDENTITY).buffered());

        node.bind((channel, packet) -> node.network.recordIdentity(channel, (IdentityPacket) packet),
                PacketTypes.IDENTITY, 0);
        assertEquals(7701, node.network.knownPeer(peer.id).orElseThrow().address().port());
    }

    @Test
    void packetTypesWithoutHandlersAreBounded() {
        node = TestNode.start(dir);
        FakeChannel c = connectPeer("10.0.0.2");
        // the IDENTITY slot already waits for a handler; types whose handler went away hold packets too
        for (int i = 1; i < Dispatcher.MAX_UNHANDLED_TYPES; i++) {
            String type = "T" + i;
            RecordingHandler gone = new RecordingHandler();
            node.unbind(gone, node.bind(gone, type, 0));
            c.receive(custom(type, "c", i));
        }
        assertEquals(Dispatcher.MAX_UNHANDLED_TYPES, node.network.handlers().size());
        c.receive(custom("ONE_TOO_MANY", "c", 0));
        assertEquals(1, node.network.unroutablePackets());
        assertEquals(Dispatcher.MAX_UNHANDLED_TYPES, node.network.handlers().size());

        // a type that gets a handler is not limited
        RecordingHandler handler = new RecordingHandler();
        node.bind(handler, "HANDLED", 0);
        c.receive(custom("HANDLED", "c", 1));
        assertEquals(1, handler.count());
    }

    @Test
    void idleTypesWithoutHandlersMakeRoom() throws Exception {
        Dispatcher dispatcher = new Dispatcher(10, java.time.Duration.ofMillis(100), 1L << 20);
        try {
            PeerChannel channel = FakePeerChannel.create();
            Set<String> types = new HashSet<>();
            for (int i = 0; i < Dispatcher.MAX_UNHANDLED_TYPES; i++) {
                types.add("T" + i);
            }
            // their handler went away: their packets are held, then expire
            dispatcher.putHandler(new HandlerEntry(1, 0, types, LazyService.ofInstance((ch, p) -> { }), "test", 1));
            dispatcher.removeHandler(1);
            for (int i = 0; i < Dispatcher.MAX_UNHANDLED_TYPES; i++) {
                dispatcher.dispatch(channel, custom("T" + i, "c", i));
            }
            Await.until("held packets expire",
                    () -> dispatcher.info().stream().mapToLong(HandlerInfo::dropped).sum() == Dispatcher.MAX_UNHANDLED_TYPES);
            dispatcher.dispatch(channel, custom("FRESH", "c", 0));
            assertEquals(0, dispatcher.unroutable());
            assertEquals(1, dispatcher.info().stream().filter(h -> h.packetType().equals("FRESH")).count());
        } finally {
            dispatcher.close();
        }
    }

    @Test
    void handlersRunOnTheCallingThread() throws Exception {
        node = TestNode.start(dir);
        FakeChannel c = connectPeer("10.0.0.2");
        RecordingHandler handler = new RecordingHandler();
        node.bind(handler, PacketTypes.MESSAGE, 0);
        CountDownLatch done = new CountDownLatch(1);
        Thread network = new Thread(() -> {
            c.receive(message(1));
            done.countDown();
        }, "test-event-loop");
        network.start();
        assertTrue(done.await(Await.TIMEOUT_MS, TimeUnit.MILLISECONDS));
        assertEquals("test-event-loop", handler.deliveries.get(0).thread());
    }

    private static DataPacket chunk(int n, int size) {
        return new DataPacket("t1", DataFormat.FILE, "f", (long) n * size, 10L * size, "", false, new byte[size]);
    }

    /** Finding: the buffer was bounded in packets only, so a peer could pin gigabytes with big frames. */
    @Test
    void aByteBudgetBoundsTheHeldPacketsOfAllTypesTogether() {
        node = TestNode.start(dir, "pendingBufferMaxBytes", 100_000L);
        FakeChannel c = connectPeer("10.0.0.2");
        long identityBytes = node.network.heldBytes();

        for (int i = 0; i < 5; i++) {
            c.receive(chunk(i, 30_000));
        }
        HandlerInfo data = info(PacketTypes.DATA);
        assertEquals(3, data.buffered(), "three 30 kB chunks fit in 100 kB, a fourth does not");
        assertEquals(2, data.dropped());
        assertTrue(identityBytes > 0 && identityBytes < 2_000, "the held IDENTITY: " + identityBytes);
        assertTrue(node.network.heldBytes() <= 100_000, "held: " + node.network.heldBytes());

        // one budget for every type
        MessagePacket big = new MessagePacket("big", "x".repeat(10_000), 0);
        c.receive(big);
        assertEquals(0, info(PacketTypes.MESSAGE).buffered());
        assertEquals(1, info(PacketTypes.MESSAGE).dropped());

        // delivered packets give their bytes back
        RecordingHandler handler = new RecordingHandler();
        node.bind(handler, PacketTypes.DATA, 0);
        assertEquals(List.of(0L, 30_000L, 60_000L),
                handler.packets().stream().map(p -> ((DataPacket) p).offset()).toList());
        assertEquals(identityBytes, node.network.heldBytes());
        c.receive(big);
        assertEquals(1, info(PacketTypes.MESSAGE).buffered());

        // the budget applies live
        node.network.modified(TestConfigs.config(dir, "pendingBufferMaxBytes", 1L));
        c.receive(message(2));
        assertEquals(1, info(PacketTypes.MESSAGE).buffered());
        assertEquals(2, info(PacketTypes.MESSAGE).dropped());
    }

    /** Finding: invented type names made slots that held packets (up to 64 types of full buffers). */
    @Test
    void packetsOfATypeThatNeverHadAHandlerAreDroppedAtOnce() {
        node = TestNode.start(dir);
        FakeChannel c = connectPeer("10.0.0.2");
        long identityBytes = node.network.heldBytes();
        for (int i = 0; i < 5; i++) {
            c.receive(new RawPacket("INVENTED", null, new byte[10_000]));
        }
        HandlerInfo invented = info("INVENTED");
        assertEquals(0, invented.buffered());
        assertEquals(5, invented.dropped());
        assertEquals(identityBytes, node.network.heldBytes());

        // many invented names neither hold memory nor use up the slots
        for (int i = 0; i < 3 * Dispatcher.MAX_UNHANDLED_TYPES; i++) {
            c.receive(custom("X" + i, "c", i));
        }
        assertEquals(0, node.network.unroutablePackets());
        assertTrue(node.network.handlers().size() <= Dispatcher.MAX_UNHANDLED_TYPES);
        assertEquals(identityBytes, node.network.heldBytes());

        // a type whose handler is being swapped is held, and delivered when a handler is back
        RecordingHandler handler = new RecordingHandler();
        ServiceReference<PacketHandler> ref = node.bind(handler, "SWAPPED", 0);
        node.unbind(handler, ref);
        c.receive(custom("SWAPPED", "c", 1));
        assertEquals(1, info("SWAPPED").buffered());
        node.bind(handler, "SWAPPED", 0);
        assertEquals(1, handler.count());
        assertEquals(0, info("SWAPPED").dropped());
    }

    /**
     * Finding (issue 10 soak): a node restarted after a crash dials its peers before its trust
     * bundle has started; the peers' TRUST challenges were dropped as a never-handled type, their
     * protocol runs timed out and the channels stayed at DEFAULT on their side for good.
     */
    @Test
    void trustPacketsWaitForTheTrustHandlerEvenBeforeItWasEverRegistered() {
        node = TestNode.start(dir);
        FakeChannel c = connectPeer("10.0.0.2");
        c.receive(custom(PacketTypes.TRUST, "challenge", 1));
        assertEquals(1, info(PacketTypes.TRUST).buffered());
        assertEquals(0, info(PacketTypes.TRUST).dropped());

        RecordingHandler trust = new RecordingHandler();
        node.bind(trust, PacketTypes.TRUST, 0);
        assertEquals(1, trust.count(), "delivered once the trust bundle's handler is there");
    }

    /**
     * Finding: when a delivery during a drain rethrew a VirtualMachineError, the other types the
     * handler took over stayed draining for ever and network threads receiving them blocked.
     */
    @Test
    void anErrorDuringADrainLeavesNoTypeStuck() throws Exception {
        node = TestNode.start(dir);
        FakeChannel c = connectPeer("10.0.0.2");
        RecordingHandler first = new RecordingHandler();
        node.unbind(first, node.bind(first, new String[] {"ALPHA", "BETA"}, 0));
        for (int i = 0; i < 3; i++) {
            c.receive(custom("ALPHA", "c", i));
            c.receive(custom("BETA", "c", i));
        }
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicBoolean blowUp = new AtomicBoolean(true);
        PacketHandler handler = (channel, packet) -> {
            if (blowUp.getAndSet(false)) {
                throw new StackOverflowError("test: a handler that overflows its stack");
            }
            seen.add(packet.type() + ":" + new String(((RawPacket) packet).metadata(), StandardCharsets.UTF_8));
        };

        org.junit.jupiter.api.Assertions.assertThrows(StackOverflowError.class,
                () -> node.bind(handler, new String[] {"ALPHA", "BETA"}, 0));

        // every held packet but the one that failed was delivered, in order, and nothing is held
        assertEquals(5, seen.size(), seen.toString());
        assertEquals(1, info("ALPHA").failed() + info("BETA").failed());
        assertEquals(0, info("ALPHA").buffered() + info("BETA").buffered());
        for (String type : List.of("ALPHA", "BETA")) {
            List<String> ofType = seen.stream().filter(x -> x.startsWith(type)).toList();
            List<String> expected = new ArrayList<>(List.of(type + ":c:0", type + ":c:1", type + ":c:2"));
            expected.subList(0, expected.size() - ofType.size()).clear();
            assertEquals(expected, ofType);
        }

        // and a network thread delivers new packets of both types straight away
        CountDownLatch done = new CountDownLatch(1);
        Thread network = new Thread(() -> {
            c.receive(custom("ALPHA", "c", 3));
            c.receive(custom("BETA", "c", 3));
            done.countDown();
        }, "test-event-loop");
        network.setDaemon(true);
        network.start();
        assertTrue(done.await(Await.TIMEOUT_MS, TimeUnit.MILLISECONDS), "a network thread is stuck on a drain");
        assertEquals(List.of("ALPHA:c:3", "BETA:c:3"), seen.subList(5, 7));
    }

    /**
     * Finding: a packet arriving during a drain waited, without bound, for handler code running on
     * the thread that registers handlers. Now it waits at most {@link Dispatcher#DRAIN_WAIT_NANOS},
     * then queues behind the drain, which keeps the order.
     */
    @Test
    void aNetworkThreadIsNotHeldUpByASlowHandlerDuringADrain() throws Exception {
        node = TestNode.start(dir);
        FakeChannel c = connectPeer("10.0.0.2");
        for (int i = 0; i < 3; i++) {
            c.receive(message(i));
        }
        RecordingHandler recorder = new RecordingHandler();
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PacketHandler slow = (channel, packet) -> {
            recorder.handle(channel, packet);
            inHandler.countDown();
            try {
                release.await(Await.TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread scr = new Thread(() -> node.bind(slow, PacketTypes.MESSAGE, 0), "test-scr");
        scr.setDaemon(true);
        try {
            scr.start();
            assertTrue(inHandler.await(Await.TIMEOUT_MS, TimeUnit.MILLISECONDS));

            CountDownLatch done = new CountDownLatch(1);
            AtomicLong waitedNanos = new AtomicLong();
            Thread network = new Thread(() -> {
                long start = System.nanoTime();
                c.receive(message(3));
                c.receive(message(4));
                waitedNanos.set(System.nanoTime() - start);
                done.countDown();
            }, "test-event-loop");
            network.setDaemon(true);
            network.start();
            assertTrue(done.await(Await.TIMEOUT_MS, TimeUnit.MILLISECONDS),
                    "the network thread waited for the slow handler");
            assertEquals(1, release.getCount(), "the handler is still running");
            assertTrue(waitedNanos.get() >= Dispatcher.DRAIN_WAIT_NANOS / 2,
                    "it first gave the drain a moment: " + waitedNanos.get() + " ns");
            assertEquals(4, info(PacketTypes.MESSAGE).buffered(), "queued behind the drain");
        } finally {
            release.countDown();
        }
        scr.join(Await.TIMEOUT_MS);
        assertFalse(scr.isAlive());
        c.receive(message(5));
        assertEquals(List.of("0", "1", "2", "3", "4", "5"),
                recorder.packets().stream().map(p -> ((MessagePacket) p).id()).toList());
        assertEquals(0, info(PacketTypes.MESSAGE).buffered());
        assertEquals(0, info(PacketTypes.MESSAGE).dropped());
    }
}
