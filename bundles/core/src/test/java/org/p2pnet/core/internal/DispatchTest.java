package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerListener;
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
        // the IDENTITY slot already waits for a handler
        for (int i = 1; i < Dispatcher.MAX_UNHANDLED_TYPES; i++) {
            c.receive(custom("T" + i, "c", i));
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
        Dispatcher dispatcher = new Dispatcher(10, java.time.Duration.ofMillis(100));
        try {
            PeerChannel channel = FakePeerChannel.create();
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
}
