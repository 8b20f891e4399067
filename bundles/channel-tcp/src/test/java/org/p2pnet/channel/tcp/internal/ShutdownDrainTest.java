package org.p2pnet.channel.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.Packet;

/**
 * A transport that stops sends DISCONNECT SHUTDOWN and then drains: what the peer wrote before it
 * read the DISCONNECT is still delivered, and the channel closes as soon as the peer closes (or
 * after {@link TcpChannel#DRAIN_TIMEOUT} when it never does). Other endings still cut the input.
 */
@ExtendWith(LeakCheck.class)
class ShutdownDrainTest {
    private static final int MAX_FRAME = 64 * 1024;
    private static final int LATE = 200;
    private final TcpTransport transport = new TcpTransport();

    @AfterEach
    void close() {
        transport.close();
        Conditions.awaitNoTransportThreads();
    }

    @Test
    void framesWrittenBeforeThePeerHeardTheShutdownAreDelivered() throws Exception {
        FakeHost host = new FakeHost(FakeHost.settings(MAX_FRAME));
        InetSocketAddress bound = transport.open(host);
        PacketCodec codec = new PacketCodec(MAX_FRAME);
        try (RawPeer peer = new RawPeer(bound, codec, 0)) {
            peer.read(); // the node's IDENTITY
            peer.send(Samples.identity());
            RecordingSink sink = host.awaitIdentified().sink();

            // the first message holds the event loop, so that everything after it waits in the
            // socket while the transport is told to stop
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            sink.onReceived = c -> {
                if (holding.getCount() > 0) {
                    holding.countDown();
                    await(release);
                }
            };
            peer.send(new MessagePacket("first", "hold", 1));
            assertTrue(holding.await(10, TimeUnit.SECONDS), "the first message never arrived");
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(transport::close);
            for (int i = 0; i < LATE; i++) {
                peer.send(new MessagePacket("late-" + i, "written before the DISCONNECT", 1));
            }
            release.countDown();

            // the peer reads the DISCONNECT, then closes, which ends the drain at once
            DisconnectPacket bye = assertInstanceOf(DisconnectPacket.class, peer.read());
            assertEquals(DisconnectReason.SHUTDOWN, bye.reason());
            long closedAt = System.nanoTime();
            peer.close();
            assertEquals(DisconnectReason.SHUTDOWN, sink.awaitClosed().reason());
            assertTrue(System.nanoTime() - closedAt < TcpChannel.DRAIN_TIMEOUT.toNanos(),
                    "the channel waited for the drain timeout although the peer had closed");
            stopping.get(10, TimeUnit.SECONDS);

            List<String> ids = new ArrayList<>();
            for (Packet p : sink.received) {
                if (p instanceof MessagePacket m) {
                    ids.add(m.id());
                }
            }
            List<String> expected = new ArrayList<>(List.of("first"));
            for (int i = 0; i < LATE; i++) {
                expected.add("late-" + i);
            }
            assertEquals(expected, ids, "every message written before the DISCONNECT, once, in order");
        }
    }

    @Test
    void aPeerThatNeverClosesIsClosedAfterTheDrainTimeout() throws Exception {
        FakeHost host = new FakeHost(FakeHost.settings(MAX_FRAME));
        InetSocketAddress bound = transport.open(host);
        PacketCodec codec = new PacketCodec(MAX_FRAME);
        try (RawPeer peer = new RawPeer(bound, codec, 0)) {
            peer.read();
            peer.send(Samples.identity());
            RecordingSink sink = host.awaitIdentified().sink();
            long start = System.nanoTime();
            transport.close(); // waits for the channel: the drain timeout, as the peer stays
            assertEquals(DisconnectReason.SHUTDOWN, sink.awaitClosed().reason());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(TcpChannel.DRAIN_TIMEOUT) >= 0, "closed after " + took);
            assertTrue(took.compareTo(TcpEndpoint.CHANNELS_CLOSE_TIMEOUT.plusSeconds(2)) < 0, "closed after " + took);
            assertEquals(DisconnectReason.SHUTDOWN, assertInstanceOf(DisconnectPacket.class, peer.read()).reason());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
