package org.p2pnet.channel.tcp.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.p2pnet.api.packet.Packet;

/**
 * For the message benchmark's raw-socket baseline: the exact frame body (the bytes after the
 * 4-byte length prefix) that channel-tcp's codec puts on the wire for a packet. It lives in the
 * transport's package because {@link PacketCodec} is package-private; it only calls the codec.
 */
public final class MessageFrames {
    private MessageFrames() {
    }

    /** The frame body of {@code packet} as channel-tcp encodes it, with the default 16 MiB maxFrameSize. */
    public static byte[] frameBody(Packet packet) {
        PacketCodec codec = new PacketCodec(16 * 1024 * 1024);
        ByteBuf frame = codec.encode(packet, UnpooledByteBufAllocator.DEFAULT);
        try {
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            return bytes;
        } finally {
            frame.release();
        }
    }
}
