package org.p2pnet.handler.peergroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.PeerGroupPacket;

/** Network threads call the handler at once for different channels: every entry is accounted for. */
class ConcurrencyTest extends ExchangeFixture {
    private static final int THREADS = 8;
    private static final int PACKETS = 200;
    private static final int ENTRIES = 5;

    @Test
    void everyEntryIsTakenOrDroppedOnceUnderConcurrentChannels() throws Exception {
        for (int n = 0; n < network.minPeers; n++) {
            network.connect(ExchangeNetwork.id(90_000 + n));
        }
        PeerExchange exchange = exchange("acceptPerPacket", 4, "acceptPerMinutePerChannel", 300,
                "candidateBookSize", 500, "answersPerMinutePerChannel", 10);
        network.know(ExchangeNetwork.id(80_000), "10.3.0.1", 7700, NOW, false);
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            PeerId sender = ExchangeNetwork.id(70_000 + t);
            int first = 1 + t * PACKETS * ENTRIES; // peer 0 is this node
            threads.add(new Thread(() -> {
                try {
                    start.await();
                    for (int p = 0; p < PACKETS; p++) {
                        receive(exchange, sender, new PeerGroupPacket(entries(first + p * ENTRIES, ENTRIES), 1));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertEquals(null, failure.get());
        ExchangeStats stats = exchange.stats();
        long dropped = stats.entriesDropped().values().stream().mapToLong(Long::longValue).sum();
        assertEquals((long) THREADS * PACKETS * ENTRIES, stats.entriesAccepted() + dropped);
        assertEquals((long) THREADS * PACKETS, stats.entriesDropped().get(Drop.PACKET_CAP), "one entry of each packet");
        assertEquals((long) THREADS * 300, stats.entriesAccepted(), "the per-minute allowance of each channel");
        assertEquals(500, stats.candidates());
        assertEquals((long) THREADS * 10, stats.answered());
        assertEquals((long) THREADS * (PACKETS - 10), stats.requestsIgnored());
        assertTrue(network.offered.isEmpty());
    }
}
