package org.p2pnet.channel.tcp.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.spi.ChannelSink;
import org.p2pnet.api.spi.TransportChannel;

/** Records what a transport delivers, and how often closed() was called. */
final class RecordingSink implements ChannelSink {
    final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
    final CompletableFuture<DisconnectRecord> closed = new CompletableFuture<>();
    final AtomicInteger closedCalls = new AtomicInteger();
    private final TransportChannel channel;
    /** A packet type and the frame size the transport reported with it. */
    record Sized(String type, int frameBytes) {
    }

    /** Every packet received, with its reported frame size. */
    final java.util.List<Sized> receivedSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Every packet reported written, with its frame size. */
    final java.util.List<Sized> sentSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The frame size the host was given with the peer's IDENTITY, -1 when none. */
    volatile int identityFrameBytes = -1;
    /** When set, received() runs it first (a core that reacts inside the callback). */
    volatile Consumer<TransportChannel> onReceived = c -> { };

    RecordingSink(TransportChannel channel) {
        this.channel = channel;
    }

    @Override
    public void received(Packet packet) {
        onReceived.accept(channel);
        received.add(packet);
    }

    @Override
    public void received(Packet packet, int frameBytes) {
        receivedSizes.add(new Sized(packet.type(), frameBytes));
        received(packet);
    }

    @Override
    public void sent(Packet packet, int frameBytes) {
        sentSizes.add(new Sized(packet.type(), frameBytes));
    }

    @Override
    public void closed(DisconnectRecord how) {
        closedCalls.incrementAndGet();
        closed.complete(how);
    }

    Packet awaitPacket() throws InterruptedException {
        Packet next = received.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no packet arrived within 10 s");
        }
        return next;
    }

    DisconnectRecord awaitClosed() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }
}
