package org.p2pnet.handler.message.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.message.ReceivedMessage;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.testing.FakePeerChannel;

/** Network threads of several channels call handle() at once while the shell reads. */
class MessageHandlerConcurrencyTest {
    private static final int PEERS = 8;
    private static final int MESSAGES_PER_PEER = 5_000;
    private static final int KEEP_PER_PEER = 1_000;
    private static final int KEEP_TOTAL = 5_000;

    @Test
    void concurrentHandleCallsKeepBoundsOrderAndCount() throws Exception {
        MessageHandler handler = new MessageHandler(TestConfig.of(KEEP_PER_PEER, KEEP_TOTAL));
        FakeEventAdmin events = new FakeEventAdmin();
        handler.eventAdmin = events;
        List<PeerId> peers = new ArrayList<>();
        for (int p = 0; p < PEERS; p++) {
            peers.add(FakePeerChannel.peer(Character.forDigit(p, 16)));
        }

        ExecutorService threads = Executors.newFixedThreadPool(PEERS + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean sending = new AtomicBoolean(true);
        try {
            List<Future<?>> senders = new ArrayList<>();
            for (PeerId peer : peers) {
                senders.add(threads.submit(() -> sendInOrder(handler, peer, start)));
            }
            Future<?> reader = threads.submit(() -> readWhile(handler, peers.get(0), sending, start));
            start.countDown();
            for (Future<?> sender : senders) {
                sender.get(30, TimeUnit.SECONDS);
            }
            sending.set(false);
            reader.get(30, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        assertEquals((long) PEERS * MESSAGES_PER_PEER, handler.received());
        assertEquals(PEERS * MESSAGES_PER_PEER, events.posted.size());
        int keptOverall = handler.store().size();
        assertTrue(keptOverall <= KEEP_TOTAL, "kept " + keptOverall);
        int keptPerPeerSum = 0;
        for (PeerId peer : peers) {
            List<ReceivedMessage> fromPeer = handler.recent(peer, Integer.MAX_VALUE);
            assertTrue(fromPeer.size() <= KEEP_PER_PEER, "kept " + fromPeer.size() + " from one peer");
            assertStrictlyIncreasing(fromPeer);
            keptPerPeerSum += fromPeer.size();
        }
        assertEquals(keptOverall, keptPerPeerSum);
        assertEquals(keptOverall, handler.recent(Integer.MAX_VALUE).size());
    }

    private static void sendInOrder(MessageHandler handler, PeerId peer, CountDownLatch start) {
        FakePeerChannel channel = FakePeerChannel.forHandler(peer);
        await(start);
        for (int i = 0; i < MESSAGES_PER_PEER; i++) {
            handler.handle(channel, new MessagePacket(Integer.toString(i), "text " + i, i));
        }
    }

    private static void readWhile(MessageHandler handler, PeerId peer, AtomicBoolean sending, CountDownLatch start) {
        await(start);
        while (sending.get()) {
            assertTrue(handler.recent(20).size() <= 20);
            assertStrictlyIncreasing(handler.recent(peer, 20));
        }
    }

    private static void assertStrictlyIncreasing(List<ReceivedMessage> fromOnePeer) {
        for (int i = 1; i < fromOnePeer.size(); i++) {
            int previous = Integer.parseInt(fromOnePeer.get(i - 1).id());
            int next = Integer.parseInt(fromOnePeer.get(i).id());
            assertTrue(previous < next, "message " + next + " follows " + previous);
        }
    }

    private static void await(CountDownLatch start) {
        try {
            start.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
