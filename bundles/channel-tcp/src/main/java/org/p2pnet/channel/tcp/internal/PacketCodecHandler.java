package org.p2pnet.channel.tcp.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.Packet;

/**
 * Frames to packets and back (see {@link PacketCodec}), counting packets and frame bytes; the
 * frame size of each decoded packet is kept for the dispatch handler to report to the sink.
 * A frame that does not decode raises a {@link RejectedInputException} for the errors handler;
 * a packet that cannot be encoded fails its write and leaves the channel open. Frames that
 * {@link TcpChannel#send} encoded itself ({@link ReservedFrame}) are only counted.
 */
final class PacketCodecHandler extends ChannelDuplexHandler {
    private final PacketCodec codec;
    private final TcpChannel channel;

    PacketCodecHandler(PacketCodec codec, TcpChannel channel) {
        this.codec = codec;
        this.channel = channel;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        Packet packet;
        try {
            if (channel.inputStopped()) {
                return;
            }
            int frameBytes = frame.readableBytes() + PacketCodec.LENGTH_FIELD_SIZE;
            packet = codec.decode(frame);
            channel.packetReceived(frameBytes);
        } finally {
            frame.release();
        }
        ctx.fireChannelRead(packet);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ReservedFrame reserved) {
            // encoded by TcpChannel.send(): only counted here
            ctx.write(reserved, counting(null, reserved.content().readableBytes() + PacketCodec.LENGTH_FIELD_SIZE,
                    promise));
            return;
        }
        if (!(msg instanceof Packet packet)) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf frame;
        try {
            frame = codec.encode(packet, ctx.alloc());
        } catch (ChannelException e) {
            promise.tryFailure(e);
            return;
        } catch (RuntimeException e) {
            promise.tryFailure(new ChannelException(DisconnectReason.MALFORMED_PACKET,
                    "cannot encode " + packet.type() + ": " + e.getMessage(), e));
            return;
        }
        ctx.write(frame, counting(packet, frame.readableBytes() + PacketCodec.LENGTH_FIELD_SIZE, promise));
    }

    /**
     * Counts the frame once written. {@code packet} is one the channel wrote itself (IDENTITY,
     * DISCONNECT), also reported to the sink here; null for a frame from send(), which reports it.
     */
    private ChannelPromise counting(Packet packet, int frameBytes, ChannelPromise promise) {
        ChannelPromise counted = promise.unvoid();
        counted.addListener(f -> {
            if (f.isSuccess()) {
                channel.packetSent(frameBytes);
                if (packet != null) {
                    channel.transportPacketWritten(packet, frameBytes);
                }
            }
        });
        return counted;
    }
}
