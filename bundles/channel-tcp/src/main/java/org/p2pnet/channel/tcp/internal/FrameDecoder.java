package org.p2pnet.channel.tcp.internal;

import java.nio.ByteOrder;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import org.p2pnet.api.DisconnectReason;

/**
 * Splits the byte stream into frames: a 4-byte unsigned big-endian length, then that many
 * bytes; passes on the frame without its prefix. The length is checked against the limit and
 * the protocol minimum as soon as its 4 bytes are in, before anything is allocated or waited
 * for. Until the host accepted the peer's IDENTITY the limit is
 * {@link PacketCodec#MAX_PRE_IDENTITY_FRAME_SIZE} (or maxFrameSize when smaller), so an
 * unidentified peer cannot make us buffer and decode a large frame; from then on it is
 * maxFrameSize. Frames are handed on one at a time, so the IDENTITY is handled before the
 * next frame's length is checked. Once the channel stopped taking input, remaining bytes are
 * dropped.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
    private static final int TLS_ALERT_RECORD = 0x15;
    private static final int TLS_HANDSHAKE_RECORD = 0x16;
    private static final int TLS_MAJOR_VERSION = 0x03;

    private final int maxFrameSize;
    private final TcpChannel channel;

    FrameDecoder(int maxFrameSize, TcpChannel channel) {
        // Netty's limit counts the prefix; ours (the protocol's) does not
        super(maxFrameSize + PacketCodec.LENGTH_FIELD_SIZE, 0, PacketCodec.LENGTH_FIELD_SIZE, 0,
                PacketCodec.LENGTH_FIELD_SIZE, true);
        this.maxFrameSize = maxFrameSize;
        this.channel = channel;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (channel.inputStopped()) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        return super.decode(ctx, in);
    }

    @Override
    protected long getUnadjustedFrameLength(ByteBuf buf, int offset, int length, ByteOrder order) {
        long frameLength = buf.getUnsignedInt(offset);
        if (!channel.isIdentified() && maxFrameSize > PacketCodec.MAX_PRE_IDENTITY_FRAME_SIZE
                && frameLength > PacketCodec.MAX_PRE_IDENTITY_FRAME_SIZE) {
            throw new RejectedInputException(DisconnectReason.FRAME_TOO_LARGE, "frame length " + frameLength
                    + " exceeds the pre-identity limit of " + PacketCodec.MAX_PRE_IDENTITY_FRAME_SIZE
                    + " bytes (maxFrameSize applies once the IDENTITY is accepted)" + tlsHint(buf, offset));
        }
        if (frameLength > maxFrameSize) {
            throw new RejectedInputException(DisconnectReason.FRAME_TOO_LARGE,
                    "frame length " + frameLength + " exceeds maxFrameSize " + maxFrameSize);
        }
        if (frameLength < PacketCodec.MIN_FRAME_LENGTH) {
            throw new RejectedInputException(DisconnectReason.MALFORMED_FRAME,
                    "frame length " + frameLength + " is below the minimum of " + PacketCodec.MIN_FRAME_LENGTH + " bytes");
        }
        return frameLength;
    }

    /** A TLS alert or handshake record starts 0x15 or 0x16, then 0x03: say so, for a TLS peer that reached a plaintext node. */
    private static String tlsHint(ByteBuf buf, int offset) {
        int type = buf.getUnsignedByte(offset);
        return (type == TLS_ALERT_RECORD || type == TLS_HANDSHAKE_RECORD) && buf.getUnsignedByte(offset + 1) == TLS_MAJOR_VERSION
                ? "; the bytes are a TLS record: the peer runs with tls=true, this node without" : "";
    }
}
