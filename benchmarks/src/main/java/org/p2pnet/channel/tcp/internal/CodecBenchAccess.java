package org.p2pnet.channel.tcp.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.spi.ChannelHost;
import org.p2pnet.api.spi.ChannelSink;
import org.p2pnet.api.spi.TransportChannel;
import org.p2pnet.api.spi.TransportSettings;

/**
 * Opens the package-private wire classes of channel-tcp to the JMH benchmarks
 * ({@code org.p2pnet.bench.jmh}) without reflection: the packet codec ({@link PacketCodec}, what
 * the packetCodec handler runs for every frame) and the two framing handlers exactly as
 * {@link TcpChannelInitializer} installs them ({@link FrameDecoder} on a {@link TcpChannel},
 * {@link LengthFieldPrepender} with the 4-byte prefix). Benchmark support only; it changes nothing
 * in the classes it opens.
 */
public final class CodecBenchAccess {
    /** Bytes of the length prefix in front of every frame. */
    public static final int LENGTH_FIELD_SIZE = PacketCodec.LENGTH_FIELD_SIZE;
    /** The core's default maxFrameSize (PID org.p2pnet.core), which the benchmarks' codecs use. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;

    private static final InetSocketAddress REMOTE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_000);

    private final PacketCodec codec;

    private CodecBenchAccess(int maxFrameSize) {
        this.codec = new PacketCodec(maxFrameSize);
    }

    /** A codec for frames of at most {@code maxFrameSize} bytes, as a channel with that setting uses. */
    public static CodecBenchAccess codec(int maxFrameSize) {
        return new CodecBenchAccess(maxFrameSize);
    }

    /** {@link PacketCodec#encode}: a new buffer from {@code alloc} holding the frame without its prefix; release it. */
    public ByteBuf encode(Packet packet, ByteBufAllocator alloc) {
        return codec.encode(packet, alloc);
    }

    /** {@link PacketCodec#decode}: reads the frame fully, neither retains nor releases it. */
    public Packet decode(ByteBuf frame) {
        return codec.decode(frame);
    }

    /**
     * A channel whose pipeline is the inbound framing of a real channel: the {@link FrameDecoder}
     * (over a {@link TcpChannel} of its own, already identified when {@code identified}, so frames
     * up to {@code maxFrameSize} pass as they do after the IDENTITY), then {@code next}, which gets
     * each frame (a ByteBuf without its prefix) and must release it. Close it with
     * {@code finishAndReleaseAll()}.
     */
    public static EmbeddedChannel inboundFraming(int maxFrameSize, boolean identified, ChannelHandler next) {
        EmbeddedChannel ch = new EmbeddedChannel();
        TcpChannel tcp = new TcpChannel(ch, ChannelDirection.INBOUND, REMOTE, new NoHost(maxFrameSize),
                new PacketCodec(maxFrameSize), 1L << 30);
        if (identified) {
            tcp.identified(new NoSink());
        }
        ch.pipeline().addLast(TcpChannelInitializer.FRAME_DECODER, new FrameDecoder(maxFrameSize, tcp));
        ch.pipeline().addLast(next);
        return ch;
    }

    /**
     * A channel whose pipeline is the outbound framing of a real channel: {@code last} nearest the
     * socket (it plays the socket: it must release what it is given and complete the promise), then
     * the frame encoder as {@link TcpChannelInitializer} adds it. Write a frame (no prefix) with
     * {@code pipeline().write(frame, voidPromise())}.
     */
    public static EmbeddedChannel outboundFraming(ChannelHandler last) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(last);
        ch.pipeline().addLast(TcpChannelInitializer.FRAME_ENCODER, new LengthFieldPrepender(PacketCodec.LENGTH_FIELD_SIZE));
        return ch;
    }

    /** A host that is never asked anything by the framing handlers; it refuses what it is asked. */
    private static final class NoHost implements ChannelHost {
        private final TransportSettings settings;

        NoHost(int maxFrameSize) {
            this.settings = new TransportSettings("127.0.0.1", 0, maxFrameSize, Duration.ofSeconds(5), Duration.ZERO,
                    32 * 1024, 64 * 1024, 1 << 30);
        }

        @Override
        public TransportSettings settings() {
            return settings;
        }

        @Override
        public IdentityPacket localIdentity() {
            throw new UnsupportedOperationException("benchmark host has no identity");
        }

        @Override
        public Optional<ChannelException> admitInbound(InetSocketAddress remote) {
            return Optional.empty();
        }

        @Override
        public ChannelSink identified(TransportChannel channel, IdentityPacket identity) {
            throw new ChannelException(DisconnectReason.REQUESTED, "benchmark host identifies nobody");
        }

        @Override
        public void rejected(InetSocketAddress remote, DisconnectReason reason, String detail) {
            // the benchmarks feed only valid frames; a rejection shows as a missing frame count
        }
    }

    private static final class NoSink implements ChannelSink {
        @Override
        public void received(Packet packet) {
        }

        @Override
        public void closed(DisconnectRecord how) {
        }
    }
}
