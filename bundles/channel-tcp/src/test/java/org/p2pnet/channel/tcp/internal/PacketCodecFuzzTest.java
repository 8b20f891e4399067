package org.p2pnet.channel.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.extension.ExtendWith;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketTypes;

/**
 * Fuzzes the packet JSON of each type: a frame of a chosen type (IDENTITY, DISCONNECT, MESSAGE,
 * PEER_GROUP, DATA, BROADCAST, a custom type) with fuzzer-chosen metadata and body, or a
 * fuzzer-chosen frame outright, goes to {@link PacketCodec#decode}. The contract: it returns a
 * packet, having read the whole frame, or throws {@link RejectedInputException} with
 * MALFORMED_FRAME, MALFORMED_PACKET or FRAME_TOO_LARGE; nothing else. A packet that decodes
 * re-encodes (unless the re-encoding outgrows maxFrameSize) and decodes again to an equal packet.
 *
 * <p>Input layout: byte 0 the type (its value mod 8: the six built-in types, a custom type, or
 * 7: bytes 4.. are the whole frame), byte 1 flags (bit 0: bytes 2-3 and the first two of the
 * rest form a declared mlen, possibly wrong; bit 1: the small codec), bytes 2-3 the metadata
 * length (big-endian, capped at what is there), then metadata and body. Saved inputs under
 * {@code PacketCodecFuzzTestInputs/decode/} run in every build.
 */
@ExtendWith(LeakCheck.class)
class PacketCodecFuzzTest {
    static final String[] TYPES = {PacketTypes.IDENTITY, PacketTypes.DISCONNECT, PacketTypes.MESSAGE,
        PacketTypes.PEER_GROUP, PacketTypes.DATA, PacketTypes.BROADCAST, "x-custom.v1"};
    static final int RAW_FRAME = 7;
    static final int SMALL_MAX_FRAME = 512;
    static final int LARGE_MAX_FRAME = 1024 * 1024;

    private static final PacketCodec SMALL = new PacketCodec(SMALL_MAX_FRAME);
    private static final PacketCodec LARGE = new PacketCodec(LARGE_MAX_FRAME);

    @FuzzTest(maxDuration = "5m")
    void decode(byte[] input) {
        if (input.length < 4) {
            return;
        }
        int selector = (input[0] & 0xff) % 8;
        int flags = input[1] & 0xff;
        PacketCodec codec = (flags & 2) != 0 ? SMALL : LARGE;
        byte[] rest = Arrays.copyOfRange(input, 4, input.length);
        byte[] frameBytes;
        if (selector == RAW_FRAME) {
            frameBytes = rest;
        } else {
            byte[] type = TYPES[selector].getBytes(StandardCharsets.US_ASCII);
            int declared = ((input[2] & 0xff) << 8) | (input[3] & 0xff);
            long mlen;
            byte[] payload = rest;
            if ((flags & 1) != 0 && rest.length >= 2) {
                // a declared mlen of the fuzzer's choosing, up to 2^32-1
                mlen = ((long) declared << 16) | ((rest[0] & 0xff) << 8) | (rest[1] & 0xff);
                payload = Arrays.copyOfRange(rest, 2, rest.length);
            } else {
                mlen = Math.min(declared, rest.length);
            }
            ByteBuf buf = Unpooled.buffer();
            buf.writeByte(type.length);
            buf.writeBytes(type);
            buf.writeInt((int) mlen);
            buf.writeBytes(payload);
            frameBytes = new byte[buf.readableBytes()];
            buf.readBytes(frameBytes);
            buf.release();
        }
        Packet packet = decodeOrReject(codec, frameBytes);
        if (packet != null) {
            assertRoundTrip(codec, packet);
        }
    }

    /** The decoded packet, or null when the frame was rejected as the contract allows. */
    private static Packet decodeOrReject(PacketCodec codec, byte[] frameBytes) {
        ByteBuf frame = Unpooled.wrappedBuffer(frameBytes);
        try {
            Packet packet = codec.decode(frame);
            assertFalse(frame.isReadable(), "decode left " + frame.readableBytes() + " bytes of " + packet.type());
            return packet;
        } catch (RejectedInputException e) {
            DisconnectReason reason = e.reason();
            if (reason != DisconnectReason.MALFORMED_FRAME && reason != DisconnectReason.MALFORMED_PACKET
                    && reason != DisconnectReason.FRAME_TOO_LARGE) {
                throw new AssertionError("unexpected reason " + reason + ": " + e.detail(), e);
            }
            return null;
        } finally {
            frame.release();
        }
    }

    private static void assertRoundTrip(PacketCodec codec, Packet packet) {
        ByteBuf encoded;
        try {
            encoded = codec.encode(packet, ByteBufAllocator.DEFAULT);
        } catch (ChannelException e) {
            if (e.reason() == DisconnectReason.FRAME_TOO_LARGE) {
                return; // defaults written out can make the frame larger than the one received
            }
            throw new AssertionError("a decoded " + packet.type() + " does not re-encode: " + e.getMessage(), e);
        }
        try {
            Packet again = codec.decode(encoded);
            assertFalse(encoded.isReadable(), "decode left bytes of the re-encoded " + packet.type());
            Samples.assertSame(packet, again);
            assertEquals(packet.type(), again.type());
        } finally {
            encoded.release();
        }
    }
}
