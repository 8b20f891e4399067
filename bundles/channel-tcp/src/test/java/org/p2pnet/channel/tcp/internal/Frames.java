package org.p2pnet.channel.tcp.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.p2pnet.api.packet.Packet;

/** Builds wire bytes for tests, well-formed or not, and reads frames back. */
final class Frames {
    private Frames() {
    }

    /** A whole frame (length prefix included) as the codec encodes the packet. */
    static byte[] encode(PacketCodec codec, Packet packet) {
        ByteBuf body = codec.encode(packet, ByteBufAllocator.DEFAULT);
        try {
            ByteBuf frame = Unpooled.buffer(4 + body.readableBytes());
            frame.writeInt(body.readableBytes());
            frame.writeBytes(body);
            byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            return bytes;
        } finally {
            body.release();
        }
    }

    /** A frame with the given type bytes, metadata bytes and body, and a correct length and mlen. */
    static byte[] frame(byte[] type, byte[] metadata, byte[] body) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeInt(1 + type.length + 4 + metadata.length + body.length);
        buf.writeByte(type.length);
        buf.writeBytes(type);
        buf.writeInt(metadata.length);
        buf.writeBytes(metadata);
        buf.writeBytes(body);
        return toArray(buf);
    }

    static byte[] frame(String type, String metadataJson) {
        return frame(type.getBytes(US_ASCII), metadataJson.getBytes(UTF_8), new byte[0]);
    }

    static byte[] frame(String type, byte[] metadata, byte[] body) {
        return frame(type.getBytes(US_ASCII), metadata, body);
    }

    /** A declared length prefix followed by arbitrary bytes. */
    static byte[] declared(long length, byte[] rest) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeInt((int) length);
        buf.writeBytes(rest);
        return toArray(buf);
    }

    static byte[] concat(byte[]... parts) {
        ByteBuf buf = Unpooled.buffer();
        for (byte[] part : parts) {
            buf.writeBytes(part);
        }
        return toArray(buf);
    }

    /** Decodes every whole frame in a stream of length-prefixed frames. */
    static List<Packet> decodeAll(PacketCodec codec, ByteBuf stream) {
        List<Packet> packets = new ArrayList<>();
        while (stream.readableBytes() >= 4) {
            int length = stream.readInt();
            ByteBuf frame = stream.readSlice(length);
            packets.add(codec.decode(frame));
        }
        if (stream.isReadable()) {
            throw new AssertionError(stream.readableBytes() + " bytes of a partial frame left");
        }
        return packets;
    }

    private static byte[] toArray(ByteBuf buf) {
        try {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }
}
