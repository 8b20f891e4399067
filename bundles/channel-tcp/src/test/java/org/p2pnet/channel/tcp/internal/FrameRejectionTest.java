package org.p2pnet.channel.tcp.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.packet.MessagePacket;

/**
 * Bad input on the wire: each case ends the channel with a DISCONNECT carrying the specific
 * reason, one rejection counted at the host, and a closed channel.
 */
@ExtendWith(LeakCheck.class)
class FrameRejectionTest {
    private static final int MAX_FRAME = 1024;

    private final FakeHost host = new FakeHost(FakeHost.settings(MAX_FRAME));

    private String rejectedBefore(byte[] input, DisconnectReason expected) {
        try (EmbeddedPeer peer = new EmbeddedPeer(new FakeHost(FakeHost.settings(MAX_FRAME)))) {
            peer.receive(input);
            return peer.assertRejected(expected);
        }
    }

    /** The same input after a completed handshake: the identified sink learns how it ended. */
    private String rejectedAfter(byte[] input, DisconnectReason expected) throws Exception {
        FakeHost identifiedHost = new FakeHost(FakeHost.settings(MAX_FRAME));
        try (EmbeddedPeer peer = new EmbeddedPeer(identifiedHost)) {
            RecordingSink sink = peer.identify();
            peer.receive(input);
            String detail = peer.assertRejected(expected);
            DisconnectRecord how = sink.awaitClosed();
            assertEquals(expected, how.reason());
            assertEquals(false, how.byRemote());
            assertEquals(1, sink.closedCalls.get());
            assertTrue(sink.received.isEmpty(), "delivered: " + sink.received);
            return detail;
        }
    }

    private String rejected(byte[] input, DisconnectReason expected) throws Exception {
        String before = rejectedBefore(input, expected);
        String after = rejectedAfter(input, expected);
        assertEquals(before, after);
        return before;
    }

    @Test
    void declaredLengthOverTheMaximumIsRefusedWithoutAllocatingIt() {
        TrackingAllocator allocator = new TrackingAllocator(64 * 1024);
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            peer.channel.config().setAllocator(allocator);
            // 2 GiB declared, and more bytes behind it than a small frame would hold
            peer.receive(Frames.declared(0x8000_0000L, new byte[32 * 1024]));
            String detail = peer.assertRejected(DisconnectReason.FRAME_TOO_LARGE);
            assertEquals("frame length 2147483648 exceeds maxFrameSize 1024", detail);
        }
        assertTrue(allocator.largest() < 64 * 1024, "largest allocation " + allocator.largest());
    }

    @Test
    void largestUnsignedLengthIsTooLarge() throws Exception {
        String detail = rejected(Frames.declared(0xFFFF_FFFFL, new byte[8]), DisconnectReason.FRAME_TOO_LARGE);
        assertTrue(detail.contains("4294967295"), detail);
    }

    @Test
    void oneByteOverTheMaximumIsTooLarge() throws Exception {
        rejected(Frames.declared(MAX_FRAME + 1, new byte[0]), DisconnectReason.FRAME_TOO_LARGE);
    }

    @Test
    void zeroLengthIsMalformed() throws Exception {
        String detail = rejected(Frames.declared(0, new byte[0]), DisconnectReason.MALFORMED_FRAME);
        assertEquals("frame length 0 is below the minimum of 6 bytes", detail);
    }

    @Test
    void lengthBelowSixIsMalformedWithoutWaitingForTheBytes() throws Exception {
        rejected(Frames.declared(5, new byte[0]), DisconnectReason.MALFORMED_FRAME);
    }

    @Test
    void metadataLengthThatDoesNotFitIsMalformed() throws Exception {
        byte[] frame = Frames.frame("MESSAGE", "{}");
        // mlen sits after length (4), tlen (1) and the 7-byte type name
        frame[12] = 0x7f;
        String detail = rejected(frame, DisconnectReason.MALFORMED_FRAME);
        assertTrue(detail.startsWith("MESSAGE metadata length 2130706434 does not fit"), detail);
    }

    @Test
    void typeLengthZeroOrOverSixtyFourIsMalformed() throws Exception {
        rejected(Frames.frame(new byte[0], new byte[] {'{', '}'}, new byte[0]), DisconnectReason.MALFORMED_FRAME);
        rejected(Frames.frame(new byte[65], new byte[0], new byte[0]), DisconnectReason.MALFORMED_FRAME);
    }

    @Test
    void typeLengthPastTheEndOfTheFrameIsMalformed() throws Exception {
        byte[] frame = Frames.declared(6, new byte[] {60, 'A', 'B', 'C', 'D', 'E'});
        rejected(frame, DisconnectReason.MALFORMED_FRAME);
    }

    @Test
    void invalidTypeNamesAreMalformedPackets() throws Exception {
        String space = rejected(Frames.frame("BAD TYPE", "{}"), DisconnectReason.MALFORMED_PACKET);
        assertEquals("packet type name has an invalid character at position 3", space);
        rejected(Frames.frame("a/b", "{}"), DisconnectReason.MALFORMED_PACKET);
        rejected(Frames.frame(new byte[] {'X', (byte) 0xc3, (byte) 0xa9}, new byte[0], new byte[0]),
                DisconnectReason.MALFORMED_PACKET);
    }

    @Test
    void invalidJsonIsMalformed() throws Exception {
        String detail = rejected(Frames.frame("MESSAGE", "{\"id\":"), DisconnectReason.MALFORMED_PACKET);
        assertTrue(detail.startsWith("MESSAGE: invalid JSON"), detail);
        rejected(Frames.frame("custom", "{\"a\":1"), DisconnectReason.MALFORMED_PACKET);
    }

    @Test
    void trailingTokensAreMalformed() throws Exception {
        rejected(Frames.frame("MESSAGE", "{\"id\":\"i\",\"text\":\"t\",\"sentAt\":1} {}"), DisconnectReason.MALFORMED_PACKET);
        rejected(Frames.frame("custom", "{} 1"), DisconnectReason.MALFORMED_PACKET);
    }

    @Test
    void invalidUtf8IsMalformed() throws Exception {
        byte[] badContinuation = {'{', '"', 'x', '"', ':', '"', (byte) 0xc3, '(', '"', '}'};
        String detail = rejected(Frames.frame("MESSAGE", badContinuation, new byte[0]), DisconnectReason.MALFORMED_PACKET);
        assertEquals("MESSAGE metadata is not valid UTF-8", detail);
        byte[] overlongSlash = {'{', '"', 'x', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'};
        rejected(Frames.frame("custom", overlongSlash, new byte[0]), DisconnectReason.MALFORMED_PACKET);
        byte[] surrogate = {'{', '"', 'x', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'};
        rejected(Frames.frame("custom", surrogate, new byte[0]), DisconnectReason.MALFORMED_PACKET);
    }

    @Test
    void duplicateKeysAreMalformed() throws Exception {
        String detail = rejected(Frames.frame("MESSAGE", "{\"id\":\"a\",\"id\":\"b\",\"text\":\"t\",\"sentAt\":1}"),
                DisconnectReason.MALFORMED_PACKET);
        assertTrue(detail.contains("Duplicate field 'id'"), detail);
        rejected(Frames.frame("custom", "{\"a\":{\"k\":1,\"k\":2}}"), DisconnectReason.MALFORMED_PACKET);
    }

    @Test
    void nestingDeeperThanThirtyTwoIsMalformed() throws Exception {
        String deep = "[".repeat(PacketJson.MAX_NESTING_DEPTH) + "]".repeat(PacketJson.MAX_NESTING_DEPTH);
        String detail = rejected(Frames.frame("MESSAGE", "{\"id\":\"i\",\"text\":\"t\",\"sentAt\":1,\"x\":" + deep + "}"),
                DisconnectReason.MALFORMED_PACKET);
        assertEquals("MESSAGE: invalid JSON: Document nesting depth (33) exceeds the maximum allowed (32)", detail);
        rejected(Frames.frame("custom", "{\"x\":" + deep + "}"), DisconnectReason.MALFORMED_PACKET);
    }

    @Test
    void aStringWhereANumberIsExpectedIsMalformedAndNamesTheField() throws Exception {
        String detail = rejected(Frames.frame("MESSAGE", "{\"id\":\"i\",\"text\":\"t\",\"sentAt\":\"12\"}"),
                DisconnectReason.MALFORMED_PACKET);
        assertTrue(detail.startsWith("MESSAGE: sentAt: Cannot coerce String value"), detail);
    }

    @Test
    void aNumberWhereAStringIsExpectedIsMalformed() throws Exception {
        String detail = rejected(Frames.frame("MESSAGE", "{\"id\":7,\"text\":\"t\",\"sentAt\":1}"),
                DisconnectReason.MALFORMED_PACKET);
        assertTrue(detail.startsWith("MESSAGE: id: "), detail);
    }

    @Test
    void aMissingRequiredFieldIsMalformedAndNamed() throws Exception {
        assertEquals("MESSAGE: sentAt is missing", rejected(Frames.frame("MESSAGE", "{\"id\":\"i\",\"text\":\"t\"}"),
                DisconnectReason.MALFORMED_PACKET));
        assertEquals("MESSAGE: text is missing", rejected(Frames.frame("MESSAGE", "{\"id\":\"i\",\"sentAt\":1}"),
                DisconnectReason.MALFORMED_PACKET));
        assertEquals("PEER_GROUP: peers is missing", rejected(Frames.frame("PEER_GROUP", new byte[0], new byte[0]),
                DisconnectReason.MALFORMED_PACKET));
    }

    @Test
    void anOutOfRangeValueIsMalformedAndNamesTheField() throws Exception {
        String detail = rejected(Frames.frame("PEER_GROUP",
                "{\"peers\":[{\"peerId\":\"p\",\"host\":\"h\",\"port\":1},{\"peerId\":\"p\",\"host\":\"h\",\"port\":70000}]}"),
                DisconnectReason.MALFORMED_PACKET);
        assertEquals("PEER_GROUP: peers[1]: port must be 1-65535, got 70000", detail);
        String peerId = rejected(Frames.frame("BROADCAST", "{\"id\":\"" + Samples.HEX64 + "\",\"message\":\"m\","
                + "\"time\":1,\"origin\":\"xyz\",\"hopLimit\":3}"), DisconnectReason.MALFORMED_PACKET);
        assertTrue(peerId.startsWith("BROADCAST: origin: peer id must be 64 hex digits"), peerId);
    }

    @Test
    void aPeerGroupWantOutsideItsRangeOrNotAnIntegerIsMalformedAndNamed() throws Exception {
        assertEquals("PEER_GROUP: want must be 0-64, got 65",
                rejected(Frames.frame("PEER_GROUP", "{\"peers\":[],\"want\":65}"), DisconnectReason.MALFORMED_PACKET));
        assertEquals("PEER_GROUP: want must be 0-64, got -1",
                rejected(Frames.frame("PEER_GROUP", "{\"peers\":[],\"want\":-1}"), DisconnectReason.MALFORMED_PACKET));
        assertEquals("PEER_GROUP: want: null is not a number (leave the field out for 0)",
                rejected(Frames.frame("PEER_GROUP", "{\"peers\":[],\"want\":null}"), DisconnectReason.MALFORMED_PACKET));
        for (String notAnInteger : new String[] {"\"16\"", "16.0", "true", "99999999999", "[16]"}) {
            String detail = rejected(Frames.frame("PEER_GROUP", "{\"peers\":[],\"want\":" + notAnInteger + "}"),
                    DisconnectReason.MALFORMED_PACKET);
            assertTrue(detail.startsWith("PEER_GROUP: want: "), notAnInteger + ": " + detail);
        }
    }

    @Test
    void metadataThatIsNotAnObjectIsMalformed() throws Exception {
        rejected(Frames.frame("MESSAGE", "null"), DisconnectReason.MALFORMED_PACKET);
        rejected(Frames.frame("MESSAGE", "[]"), DisconnectReason.MALFORMED_PACKET);
        rejected(Frames.frame("custom", "\"text\""), DisconnectReason.MALFORMED_PACKET);
    }

    @Test
    void aBodyOnABuiltInTypeOtherThanDataIsMalformed() throws Exception {
        byte[] json = "{\"id\":\"i\",\"text\":\"t\",\"sentAt\":1}".getBytes(UTF_8);
        String detail = rejected(Frames.frame("MESSAGE", json, new byte[] {1, 2, 3}), DisconnectReason.MALFORMED_PACKET);
        assertEquals("MESSAGE must not carry a body, got 3 bytes", detail);
    }

    @Test
    void aDataChunkPastItsTotalSizeIsMalformed() throws Exception {
        byte[] json = ("{\"transferId\":\"t\",\"format\":\"FILE\",\"offset\":8,\"totalSize\":10,\"last\":true}").getBytes(UTF_8);
        String detail = rejected(Frames.frame("DATA", json, new byte[] {1, 2, 3}), DisconnectReason.MALFORMED_PACKET);
        assertEquals("DATA: chunk of 3 bytes at offset 8 ends past totalSize 10", detail);
    }

    @Test
    void onlyTheFirstProblemOfAChannelIsCounted() {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            peer.receive(Frames.concat(Frames.frame("BAD TYPE", "{}"), Frames.declared(0, new byte[0]),
                    Frames.frame("MESSAGE", "{"), Frames.encode(peer.codec, MessagePacket.of("ignored"))));
            peer.assertRejected(DisconnectReason.MALFORMED_PACKET);
        }
    }
}
