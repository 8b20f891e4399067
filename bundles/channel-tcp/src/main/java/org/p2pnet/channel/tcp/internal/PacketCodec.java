package org.p2pnet.channel.tcp.internal;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.BroadcastPacket;
import org.p2pnet.api.packet.DataPacket;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.PeerGroupPacket;
import org.p2pnet.api.packet.RawPacket;

/**
 * Converts between a frame (the bytes after the length prefix, see docs/PROTOCOL.md) and a
 * {@link Packet}. Stateless and thread-safe; one instance per maximum frame size.
 *
 * <pre>
 * tlen (1) | type (tlen, ASCII) | mlen (4) | metadata (mlen, UTF-8 JSON object or empty) | body (rest)
 * </pre>
 */
final class PacketCodec {
    /** Size of the frame length prefix. */
    static final int LENGTH_FIELD_SIZE = 4;
    /** Smallest frame: tlen, a one-character type, mlen. */
    static final int MIN_FRAME_LENGTH = 6;
    /**
     * Largest frame accepted before the host accepted the peer's IDENTITY (docs/PROTOCOL.md,
     * "Frames"). The largest valid IDENTITY is 14,875 bytes even when every character of its
     * JSON, field names included, is written as a six-byte backslash-u escape (fields at
     * their record limits: publicKey 2048, keyAlgorithm 32, networkName and agent 128
     * characters, a 64-digit peerId, the longest numbers); a DISCONNECT (message at most 1024
     * characters) is under 7 KB. 16 KiB holds both with room to spare.
     */
    static final int MAX_PRE_IDENTITY_FRAME_SIZE = 16 * 1024;

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] EMPTY_OBJECT = "{}".getBytes(US_ASCII);

    /** The records of the built-in types, by type name (every one but DATA carries no body). */
    private static final Map<String, Class<? extends Packet>> BUILT_IN = Map.of(
            PacketTypes.IDENTITY, IdentityPacket.class,
            PacketTypes.DISCONNECT, DisconnectPacket.class,
            PacketTypes.MESSAGE, MessagePacket.class,
            PacketTypes.PEER_GROUP, PeerGroupPacket.class,
            PacketTypes.DATA, DataPacket.class,
            PacketTypes.BROADCAST, BroadcastPacket.class);

    private final int maxFrameSize;
    private final JsonMapper mapper;
    private final Map<String, ObjectReader> readers;

    PacketCodec(int maxFrameSize) {
        if (maxFrameSize < MIN_FRAME_LENGTH) {
            throw new IllegalArgumentException("maxFrameSize must be at least " + MIN_FRAME_LENGTH + ", got " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
        this.mapper = PacketJson.newMapper(maxFrameSize);
        Map<String, ObjectReader> byType = new java.util.HashMap<>();
        BUILT_IN.forEach((type, record) -> byType.put(type, mapper.readerFor(record)));
        this.readers = Map.copyOf(byType);
    }

    int maxFrameSize() {
        return maxFrameSize;
    }

    /**
     * Decodes one frame; reads it fully but neither retains nor releases it.
     *
     * @throws RejectedInputException with MALFORMED_FRAME or MALFORMED_PACKET and the detail
     */
    Packet decode(ByteBuf frame) {
        int length = frame.readableBytes();
        if (length > maxFrameSize) {
            throw new RejectedInputException(DisconnectReason.FRAME_TOO_LARGE,
                    "frame length " + length + " exceeds maxFrameSize " + maxFrameSize);
        }
        if (length < MIN_FRAME_LENGTH) {
            throw malformedFrame("frame length " + length + " is below the minimum of " + MIN_FRAME_LENGTH + " bytes");
        }
        int typeLength = frame.readUnsignedByte();
        if (typeLength < 1 || typeLength > PacketTypes.MAX_NAME_LENGTH) {
            throw malformedFrame("type length " + typeLength + " is not within 1-" + PacketTypes.MAX_NAME_LENGTH);
        }
        if (typeLength + 4 > frame.readableBytes()) {
            throw malformedFrame("type length " + typeLength + " does not fit in a frame of " + length + " bytes");
        }
        // ISO-8859-1 maps each byte to one char, so a non-ASCII byte fails the name check below
        String type = frame.readCharSequence(typeLength, ISO_8859_1).toString();
        try {
            PacketTypes.requireValidName(type);
        } catch (IllegalArgumentException e) {
            throw malformedPacket(e.getMessage());
        }
        long metadataLength = frame.readUnsignedInt();
        if (metadataLength > frame.readableBytes()) {
            throw malformedFrame(type + " metadata length " + metadataLength + " does not fit in the "
                    + frame.readableBytes() + " bytes left in the frame");
        }
        int metadataIndex = frame.readerIndex();
        int metadataSize = (int) metadataLength;
        int bodySize = frame.readableBytes() - metadataSize;
        byte[] metadata = metadataSize == 0 ? EMPTY : ByteBufUtil.getBytes(frame, metadataIndex, metadataSize);
        if (!isUtf8(metadata)) {
            throw malformedPacket(type + " metadata is not valid UTF-8");
        }
        frame.skipBytes(metadataSize);

        if (!BUILT_IN.containsKey(type)) {
            String problem = PacketJson.checkObjectOrEmpty(mapper.getFactory(), metadata);
            if (problem != null) {
                throw malformedPacket(type + " " + problem);
            }
            return new RawPacket(type, metadata, readBody(frame, bodySize));
        }
        if (bodySize > 0 && !PacketTypes.DATA.equals(type)) {
            throw malformedPacket(type + " must not carry a body, got " + bodySize + " bytes");
        }
        if (metadata.length > 0 && !PacketJson.startsWithObject(metadata)) {
            throw malformedPacket(type + ": metadata is not a JSON object");
        }
        Packet packet = readRecord(type, metadata.length == 0 ? EMPTY_OBJECT : metadata);
        if (packet instanceof DataPacket data) {
            try {
                packet = data.withBody(readBody(frame, bodySize));
            } catch (IllegalArgumentException e) {
                throw malformedPacket(type + ": " + e.getMessage());
            }
        }
        return packet;
    }

    private Packet readRecord(String type, byte[] json) {
        Object value;
        try {
            value = readers.get(type).readValue(json);
        } catch (IOException e) {
            throw malformedPacket(type + ": " + PacketJson.describe(e));
        } catch (IllegalArgumentException e) {
            throw malformedPacket(type + ": " + e.getMessage());
        }
        if (value == null) {
            throw malformedPacket(type + ": metadata is not a JSON object");
        }
        return (Packet) value;
    }

    /**
     * Strict UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF): metadata that is all
     * ASCII, the usual case, is checked by one pass over the array; anything else is decoded with
     * a decoder that reports every malformed sequence. (Netty's ByteBufUtil.isText reads the
     * buffer byte by byte with a bounds and reference-count check each, which profiled as the
     * largest single cost of receiving small packets.)
     */
    static boolean isUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                try {
                    UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
                    return true;
                } catch (CharacterCodingException e) {
                    return false;
                }
            }
        }
        return true;
    }

    private static byte[] readBody(ByteBuf frame, int bodySize) {
        if (bodySize == 0) {
            return EMPTY;
        }
        byte[] body = ByteBufUtil.getBytes(frame, frame.readerIndex(), bodySize);
        frame.skipBytes(bodySize);
        return body;
    }

    /**
     * Encodes a packet into a new buffer holding the frame without its length prefix. The size is
     * checked against maxFrameSize before the buffer is allocated.
     *
     * @throws ChannelException FRAME_TOO_LARGE, or MALFORMED_PACKET for a packet that cannot be sent
     */
    ByteBuf encode(Packet packet, ByteBufAllocator alloc) {
        String type = packet.type();
        byte[] metadata;
        byte[] body;
        if (packet instanceof RawPacket raw) {
            String problem = PacketJson.checkObjectOrEmpty(mapper.getFactory(), raw.metadata());
            if (problem != null) {
                throw new ChannelException(DisconnectReason.MALFORMED_PACKET, "cannot send " + type + ": " + problem);
            }
            metadata = raw.metadata();
            body = raw.body();
        } else if (BUILT_IN.get(type) == packet.getClass()) {
            try {
                metadata = mapper.writeValueAsBytes(packet);
            } catch (JsonProcessingException e) {
                throw new ChannelException(DisconnectReason.MALFORMED_PACKET,
                        "cannot encode " + type + ": " + e.getOriginalMessage(), e);
            }
            body = packet instanceof DataPacket data ? data.body() : EMPTY;
        } else {
            throw new ChannelException(DisconnectReason.MALFORMED_PACKET, "cannot send " + packet.getClass().getName()
                    + " as '" + type + "': custom packet types are sent as RawPacket");
        }
        long length = 1L + type.length() + 4 + metadata.length + body.length;
        if (length > maxFrameSize) {
            throw new ChannelException(DisconnectReason.FRAME_TOO_LARGE,
                    type + " needs a frame of " + length + " bytes, more than maxFrameSize " + maxFrameSize);
        }
        ByteBuf frame = alloc.buffer((int) length);
        frame.writeByte(type.length());
        frame.writeCharSequence(type, US_ASCII);
        frame.writeInt(metadata.length);
        frame.writeBytes(metadata);
        frame.writeBytes(body);
        return frame;
    }

    private static RejectedInputException malformedFrame(String detail) {
        return new RejectedInputException(DisconnectReason.MALFORMED_FRAME, detail);
    }

    private static RejectedInputException malformedPacket(String detail) {
        return new RejectedInputException(DisconnectReason.MALFORMED_PACKET, detail);
    }
}
