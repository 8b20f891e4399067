package org.p2pnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.core.internal.BenchNode;

/** The benchmarks' node is a working node: two of them open a channel and carry a MESSAGE, in both modes. */
class BenchNodeTest {
    @Test
    void twoNodesExchangeAMessagePlaintext() throws Exception {
        exchange(false);
    }

    @Test
    void twoNodesExchangeAMessageOverTls() throws Exception {
        exchange(true);
    }

    private static void exchange(boolean tls) throws Exception {
        try (BenchNode a = BenchNode.start(tls, Map.of()); BenchNode b = BenchNode.start(tls, Map.of())) {
            CountDownLatch received = new CountDownLatch(1);
            AtomicReference<String> text = new AtomicReference<>();
            a.handle(PacketTypes.MESSAGE, (channel, packet) -> {
                text.set(((MessagePacket) packet).text());
                received.countDown();
            });
            PeerChannel channel = b.network().connect(a.address()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            a.awaitChannel(b.id(), Duration.ofSeconds(10));
            channel.send(new MessagePacket("m1", "hello", System.currentTimeMillis())).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            assertTrue(received.await(10, TimeUnit.SECONDS), "the MESSAGE arrived");
            assertEquals("hello", text.get());
        }
    }
}
