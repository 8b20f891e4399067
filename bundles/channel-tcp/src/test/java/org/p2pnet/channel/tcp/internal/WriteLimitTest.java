package org.p2pnet.channel.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.spi.TransportChannel;
import org.p2pnet.api.spi.TransportSettings;

/** A peer that does not read cannot make a channel queue more than writeBufferLimit. */
@ExtendWith(LeakCheck.class)
class WriteLimitTest {
    private static final int LIMIT = 256 * 1024;
    private static final int TEXT = 60_000;
    private static final int SENDS = 400; // 24 MB offered, far beyond socket buffers and the limit

    private final TcpTransport transport = new TcpTransport();

    @AfterEach
    void close() {
        transport.close();
        Conditions.awaitNoTransportThreads();
    }

    @Test
    void writesPastTheLimitFailInsteadOfQueueing() throws Exception {
        FakeHost host = limitedHost();
        InetSocketAddress bound = transport.open(host);
        try (RawPeer slow = new RawPeer(bound, new PacketCodec(1024 * 1024), 4096)) {
            slow.read();
            slow.send(Samples.identity());
            TransportChannel channel = host.awaitIdentified().channel();
            TcpChannel tcp = (TcpChannel) channel;

            MessagePacket big = new MessagePacket("big", "x".repeat(TEXT), 1);
            int frameBytes = Frames.encode(new PacketCodec(1024 * 1024), big).length;
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (int i = 0; i < SENDS; i++) {
                sends.add(channel.send(big).toCompletableFuture());
                assertTrue(tcp.pendingWriteBytes() <= LIMIT + frameBytes, "pending " + tcp.pendingWriteBytes());
            }
            // all but the few frames the limit lets wait in the buffer end one way or the other
            int mayWait = LIMIT / frameBytes + 1;
            Conditions.waitUntil(() -> sends.stream().filter(f -> !f.isDone()).count() <= mayWait,
                    Duration.ofSeconds(10), () -> sends.stream().filter(f -> !f.isDone()).count() + " sends still pending");

            List<Throwable> failures = new ArrayList<>();
            for (CompletableFuture<Void> f : sends) {
                if (f.isCompletedExceptionally()) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        failures.add(e.getCause());
                    }
                }
            }
            assertFalse(failures.isEmpty(), "no send was refused");
            for (Throwable failure : failures) {
                ChannelException e = assertInstanceOf(ChannelException.class, failure);
                assertEquals(DisconnectReason.WRITE_BUFFER_FULL, e.reason());
                assertTrue(e.getMessage().contains("limit of " + LIMIT + " bytes"), e.getMessage());
            }
            assertTrue(tcp.pendingWriteBytes() <= LIMIT + frameBytes, "pending " + tcp.pendingWriteBytes());
            assertTrue(channel.isOpen(), "a slow reader is not a reason to close");
            assertFalse(channel.isWritable(), "over the high watermark");
            assertTrue(host.rejections.isEmpty());

            // once the peer reads again, the backlog drains and sends succeed
            CompletableFuture<Void> later = drainUntil(slow, () -> tcp.pendingWriteBytes() == 0, channel, big);
            later.get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Sends from a thread other than the event loop, while the loop is busy: nothing is encoded
     * or written meanwhile, yet the sends past the limit fail at once instead of queueing tasks.
     */
    @Test
    void sendsFromAnotherThreadWhileTheEventLoopIsBusyStopAtTheLimit() throws Exception {
        FakeHost host = limitedHost();
        InetSocketAddress bound = transport.open(host);
        try (RawPeer slow = new RawPeer(bound, new PacketCodec(1024 * 1024), 4096)) {
            slow.read();
            slow.send(Samples.identity());
            TransportChannel channel = host.awaitIdentified().channel();
            TcpChannel tcp = (TcpChannel) channel;
            MessagePacket big = new MessagePacket("big", "x".repeat(TEXT), 1);
            int frameBytes = Frames.encode(new PacketCodec(1024 * 1024), big).length;

            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch resume = new CountDownLatch(1);
            tcp.channel().eventLoop().execute(() -> {
                busy.countDown();
                try {
                    resume.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(busy.await(10, TimeUnit.SECONDS), "the event loop never ran the blocking task");
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            try {
                assertFalse(tcp.channel().eventLoop().inEventLoop());
                for (int i = 0; i < SENDS; i++) {
                    sends.add(channel.send(big).toCompletableFuture());
                }
                int fit = LIMIT / frameBytes;
                long accepted = sends.stream().filter(f -> !f.isDone()).count();
                assertEquals(fit, accepted, "sends accepted while the loop was busy");
                assertEquals((long) fit * frameBytes, tcp.pendingWriteBytes());
                for (CompletableFuture<Void> f : sends.subList(fit, SENDS)) {
                    assertTrue(f.isCompletedExceptionally());
                    ChannelException e = assertInstanceOf(ChannelException.class,
                            assertThrows(ExecutionException.class, f::get).getCause());
                    assertEquals(DisconnectReason.WRITE_BUFFER_FULL, e.reason());
                    assertTrue(e.getMessage().contains("at its limit of " + LIMIT + " bytes"), e.getMessage());
                }
            } finally {
                resume.countDown();
            }
            // the accepted ones are written once the peer reads, and the budget is given back in full
            CompletableFuture<Void> later = drainUntil(slow, () -> tcp.pendingWriteBytes() == 0, channel, big);
            later.get(10, TimeUnit.SECONDS);
            for (CompletableFuture<Void> f : sends.subList(0, LIMIT / frameBytes)) {
                f.get(10, TimeUnit.SECONDS);
            }
            Conditions.waitUntil(() -> tcp.pendingWriteBytes() == 0, Duration.ofSeconds(10),
                    () -> tcp.pendingWriteBytes() + " bytes still reserved");
            assertTrue(channel.isOpen());
            assertTrue(host.rejections.isEmpty());
        }
    }

    /**
     * whenWritable: completes at once while writable; while the peer does not read and the queue
     * is over the high watermark it waits, and completes (without polling) once the peer drains the
     * queue; a waiter of a channel that closes completes exceptionally.
     */
    @Test
    void whenWritableCompletesOnceTheQueueDrainsAndFailsOnClose() throws Exception {
        FakeHost host = limitedHost();
        InetSocketAddress bound = transport.open(host);
        try (RawPeer slow = new RawPeer(bound, new PacketCodec(1024 * 1024), 4096)) {
            slow.read();
            slow.send(Samples.identity());
            TransportChannel channel = host.awaitIdentified().channel();
            TcpChannel tcp = (TcpChannel) channel;
            assertTrue(channel.whenWritable().toCompletableFuture().isDone(), "writable at first");

            MessagePacket big = new MessagePacket("big", "x".repeat(TEXT), 1);
            for (int i = 0; i < SENDS && channel.isWritable(); i++) {
                channel.send(big);
            }
            // the socket buffers may still take some: keep sending until a waiter is seen waiting
            // while the channel is not writable (before and after asking)
            List<CompletableFuture<Void>> waiters = new ArrayList<>();
            Conditions.waitUntil(() -> {
                if (channel.isWritable()) {
                    channel.send(big);
                    return false;
                }
                CompletableFuture<Void> w = channel.whenWritable().toCompletableFuture();
                waiters.add(w);
                return !w.isDone() && !channel.isWritable();
            }, Duration.ofSeconds(10), () -> "no waiter was ever seen waiting");
            CompletableFuture<Void> first = waiters.get(waiters.size() - 1);
            CompletableFuture<Void> second = channel.whenWritable().toCompletableFuture();

            CompletableFuture<Void> later = drainUntil(slow, () -> tcp.pendingWriteBytes() == 0, channel, big);
            later.get(10, TimeUnit.SECONDS);
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
            assertTrue(channel.isWritable());

            // fill again, then close: the waiter fails with the channel
            slow.socket.setSoTimeout(0);
            Conditions.waitUntil(() -> {
                if (channel.isWritable()) {
                    channel.send(big);
                }
                return !channel.isWritable();
            }, Duration.ofSeconds(10), () -> "never over the high watermark again");
            CompletableFuture<Void> waiting = channel.whenWritable().toCompletableFuture();
            channel.close(DisconnectReason.SHUTDOWN, "test");
            ExecutionException failed = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
            assertInstanceOf(ChannelException.class, failed.getCause());
            assertTrue(channel.whenWritable().toCompletableFuture().isCompletedExceptionally(), "closed: fails at once");
        }
    }

    /** One frame always fits into an empty queue, even one larger than the limit. */
    @Test
    void oneFrameLargerThanTheLimitIsAcceptedIntoAnEmptyQueue() throws Exception {
        int limit = 16 * 1024;
        FakeHost host = new FakeHost(new TransportSettings("127.0.0.1", 0, 1024 * 1024, Duration.ofSeconds(5),
                Duration.ZERO, 4 * 1024, 8 * 1024, limit));
        InetSocketAddress bound = transport.open(host);
        try (RawPeer peer = new RawPeer(bound, new PacketCodec(1024 * 1024), 0)) {
            peer.read();
            peer.send(Samples.identity());
            TransportChannel channel = host.awaitIdentified().channel();
            MessagePacket big = new MessagePacket("big", "x".repeat(TEXT), 1);
            CompletableFuture<Void> sent = channel.send(big).toCompletableFuture();
            assertEquals(big, peer.read());
            sent.get(10, TimeUnit.SECONDS);
            Conditions.waitUntil(() -> ((TcpChannel) channel).pendingWriteBytes() == 0, Duration.ofSeconds(10),
                    () -> "bytes still reserved");
        }
    }

    /** Reads and discards what the channel sent until it caught up, then sends once more while reading. */
    private static CompletableFuture<Void> drainUntil(RawPeer peer, java.util.function.BooleanSupplier caughtUp,
                                                      TransportChannel channel, MessagePacket packet) throws Exception {
        peer.socket.setSoTimeout(100);
        InputStream in = peer.socket.getInputStream();
        byte[] sink = new byte[64 * 1024];
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        CompletableFuture<Void> next = null;
        while (System.nanoTime() < deadline) {
            try {
                if (in.read(sink) < 0) {
                    throw new AssertionError("channel closed while draining");
                }
            } catch (SocketTimeoutException idle) {
                // nothing to read right now: check the condition again
            }
            if (next == null && caughtUp.getAsBoolean()) {
                next = channel.send(packet).toCompletableFuture();
            }
            if (next != null && next.isDone()) {
                return next;
            }
        }
        throw new AssertionError("the channel never caught up");
    }

    /** A host whose channels have watermarks of 32/64 KiB and the write limit {@link #LIMIT}. */
    private static FakeHost limitedHost() {
        return new FakeHost(new TransportSettings("127.0.0.1", 0, 1024 * 1024, Duration.ofSeconds(5),
                Duration.ZERO, 32 * 1024, 64 * 1024, LIMIT));
    }
}
