package org.p2pnet.channel.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.Packet;

/**
 * One channel's full pipeline on an EmbeddedChannel, with a FakeHost behind it: the test plays
 * the remote peer by writing bytes in and reading the frames the channel wrote out.
 */
final class EmbeddedPeer implements AutoCloseable {
    static final InetSocketAddress REMOTE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40123);

    final FakeHost host;
    final PacketCodec codec;
    final EmbeddedChannel channel;
    final IdentityPacket remoteIdentity = FakeHost.identityOf(FakeHost.newKeyPair());
    private final MockTicker ticker = Ticker.newMockTicker();
    private final List<ByteBuf> inputs = new ArrayList<>();
    private TcpChannel tcp;

    EmbeddedPeer(FakeHost host, ChannelDirection direction) {
        this(host, direction, c -> { });
    }

    /** @param created told of the channel before it becomes active, as the endpoint is */
    EmbeddedPeer(FakeHost host, ChannelDirection direction, Consumer<TcpChannel> created) {
        this.host = host;
        ChannelContext context = ChannelContext.of(host, host.settings());
        this.codec = context.codec();
        // a mock clock: timers (handshake, idle, close fallback) move only with advance()
        this.channel = EmbeddedChannel.builder()
                .ticker(ticker)
                .handlers(new TcpChannelInitializer(() -> context, direction, REMOTE, c -> {
                    tcp = c;
                    created.accept(c);
                }))
                .build();
    }

    EmbeddedPeer(FakeHost host) {
        this(host, ChannelDirection.INBOUND);
    }

    TcpChannel tcp() {
        return tcp;
    }

    /** Moves the channel's clock and runs the timers that became due. */
    void advance(long amount, TimeUnit unit) {
        ticker.advance(amount, unit);
        channel.runScheduledPendingTasks();
    }

    /** Writes raw bytes in as one read. */
    EmbeddedPeer receive(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        inputs.add(buf);
        channel.writeInbound(buf);
        channel.runPendingTasks();
        return this;
    }

    EmbeddedPeer receive(Packet packet) {
        return receive(Frames.encode(codec, packet));
    }

    /** Plays the remote's IDENTITY and returns the sink the host gave the channel. */
    RecordingSink identify() throws InterruptedException {
        receive(remoteIdentity);
        return host.awaitIdentified().sink();
    }

    /** Every packet the channel wrote since the last call. */
    List<Packet> sent() {
        ByteBuf stream = Unpooled.buffer();
        try {
            for (Object out; (out = channel.readOutbound()) != null; ) {
                ByteBuf buf = (ByteBuf) out;
                stream.writeBytes(buf);
                buf.release();
            }
            return Frames.decodeAll(codec, stream);
        } finally {
            stream.release();
        }
    }

    /**
     * Asserts the rejection outcome: our IDENTITY then a DISCONNECT with this reason written
     * back, one rejection counted at the host, the channel closed; returns the detail.
     */
    String assertRejected(DisconnectReason reason) {
        List<Packet> sent = sent();
        Packet last = sent.get(sent.size() - 1);
        DisconnectPacket disconnect = assertInstanceOf(DisconnectPacket.class, last, "last packet written: " + sent);
        assertEquals(reason, disconnect.reason(), disconnect.message());
        assertEquals(1, host.rejections.size(), "rejections: " + host.rejections);
        assertEquals(reason, host.rejections.get(0).reason());
        assertEquals(disconnect.message(), host.rejections.get(0).detail());
        assertFalse(channel.isOpen(), "channel still open");
        assertFalse(tcp.isOpen());
        return disconnect.message();
    }

    /** Every buffer written in was released by the pipeline. */
    void assertInputsReleased() {
        for (ByteBuf in : inputs) {
            assertEquals(0, in.refCnt(), "an input buffer was not released");
        }
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
        assertInputsReleased();
    }
}
