package org.p2pnet.channel.tcp.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.PeerGroupPacket;
import org.p2pnet.api.packet.RawPacket;

/**
 * Until the peer is identified, frames are limited to the small pre-identity maximum, so an
 * unidentified peer cannot make us buffer and decode a large frame; afterwards maxFrameSize applies.
 */
@ExtendWith(LeakCheck.class)
class PreIdentityLimitTest {
    private static final int MAX_FRAME = 1024 * 1024;
    private static final int PRE_IDENTITY = PacketCodec.MAX_PRE_IDENTITY_FRAME_SIZE;

    private final FakeHost host = new FakeHost(FakeHost.settings(MAX_FRAME));

    /** A valid PEER_GROUP of about 100 KB. */
    private static PeerGroupPacket bigPeerGroup() {
        List<PeerGroupPacket.Entry> peers = new ArrayList<>();
        for (int i = 0; i < PeerGroupPacket.MAX_PEERS; i++) {
            peers.add(new PeerGroupPacket.Entry(Samples.HEX64, "node-" + i + ".example.org", 7000));
        }
        return new PeerGroupPacket(peers);
    }

    private static String preIdentityDetail(long frameLength) {
        return "frame length " + frameLength + " exceeds the pre-identity limit of 16384 bytes"
                + " (maxFrameSize applies once the IDENTITY is accepted)";
    }

    @Test
    void theLimitIsSixteenKiB() {
        assertEquals(16 * 1024, PRE_IDENTITY);
    }

    @Test
    void aLargeValidPacketBeforeIdentityIsTooLargeAndNeverDecoded() {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            byte[] frame = Frames.encode(peer.codec, bigPeerGroup());
            assertTrue(frame.length - 4 > 100_000, "frame of " + frame.length);
            peer.receive(frame);
            // not PROTOCOL_VIOLATION "PEER_GROUP before IDENTITY": it was refused on its length
            assertEquals(preIdentityDetail(frame.length - 4), peer.assertRejected(DisconnectReason.FRAME_TOO_LARGE));
            assertTrue(host.identified.isEmpty());
        }
    }

    @Test
    void theLengthAloneIsEnoughToRefuseItBeforeTheFrameArrives() {
        for (ChannelDirection direction : ChannelDirection.values()) {
            FakeHost fresh = new FakeHost(FakeHost.settings(MAX_FRAME));
            try (EmbeddedPeer peer = new EmbeddedPeer(fresh, direction)) {
                peer.receive(Frames.declared(PRE_IDENTITY + 1, new byte[0]));
                assertEquals(preIdentityDetail(PRE_IDENTITY + 1), peer.assertRejected(DisconnectReason.FRAME_TOO_LARGE),
                        direction.name());
            }
        }
    }

    @Test
    void aFrameOfExactlyTheLimitIsReadBeforeIdentity() {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            // tlen 1 + "pad" 3 + mlen 4 + body
            byte[] frame = Frames.frame("pad", new byte[0], new byte[PRE_IDENTITY - 8]);
            assertEquals(PRE_IDENTITY, frame.length - 4);
            peer.receive(frame);
            assertEquals("pad before IDENTITY", peer.assertRejected(DisconnectReason.PROTOCOL_VIOLATION));
        }
    }

    @Test
    void onceIdentifiedFramesUpToMaxFrameSizeAreAccepted() throws Exception {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            PeerGroupPacket big = bigPeerGroup();
            RawPacket bigger = new RawPacket("bulk", null, new byte[MAX_FRAME - 9]);
            // the IDENTITY and the large frames in one read: the IDENTITY is handled first
            peer.receive(Frames.concat(Frames.encode(peer.codec, peer.remoteIdentity), Frames.encode(peer.codec, big),
                    Frames.encode(peer.codec, bigger)));
            RecordingSink sink = host.awaitIdentified().sink();
            assertEquals(big, sink.awaitPacket());
            Samples.assertSame(bigger, sink.awaitPacket());
            peer.receive(Frames.declared(MAX_FRAME + 1L, new byte[0]));
            assertEquals("frame length " + (MAX_FRAME + 1) + " exceeds maxFrameSize " + MAX_FRAME,
                    peer.assertRejected(DisconnectReason.FRAME_TOO_LARGE));
        }
    }

    @Test
    void aMaxFrameSizeBelowTheLimitStaysTheLimitBeforeIdentity() {
        try (EmbeddedPeer peer = new EmbeddedPeer(new FakeHost(FakeHost.settings(4096)))) {
            peer.receive(Frames.declared(4097, new byte[0]));
            assertEquals("frame length 4097 exceeds maxFrameSize 4096", peer.assertRejected(DisconnectReason.FRAME_TOO_LARGE));
        }
    }

    /**
     * The largest IDENTITY the record limits allow, every character of its JSON (names, hex
     * digits, key) written as a six-byte escape, is 14,875 bytes: it is accepted.
     */
    @Test
    void theLargestValidIdentityFitsUnderTheLimit() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("peerId", "a".repeat(PeerId.LENGTH));
        fields.put("publicKey", "A".repeat(IdentityPacket.MAX_KEY_LENGTH));
        fields.put("keyAlgorithm", "E".repeat(32));
        fields.put("listenPort", 65535);
        fields.put("networkName", "n".repeat(IdentityPacket.MAX_NAME_LENGTH));
        fields.put("protocolVersion", Integer.MAX_VALUE);
        fields.put("agent", "g".repeat(IdentityPacket.MAX_NAME_LENGTH));
        StringBuilder json = new StringBuilder("{");
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(escapeAll(field.getKey())).append("\":");
            json.append(field.getValue() instanceof String text ? '"' + escapeAll(text) + '"' : field.getValue());
        }
        json.append('}');
        byte[] frame = Frames.frame("IDENTITY", json.toString().getBytes(US_ASCII), new byte[0]);
        assertEquals(14_875, frame.length - 4);
        assertTrue(frame.length - 4 <= PRE_IDENTITY);

        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            peer.receive(frame);
            IdentityPacket received = host.awaitIdentified().identity();
            assertEquals(IdentityPacket.MAX_KEY_LENGTH, received.publicKey().length());
            assertEquals(Integer.MAX_VALUE, received.protocolVersion());
            assertTrue(host.rejections.isEmpty());
        }

        // what our own encoder makes of the worst case is smaller still, and so is a DISCONNECT
        String control = "\u0001";
        IdentityPacket worst = new IdentityPacket(PeerId.parse(Samples.HEX64), control.repeat(IdentityPacket.MAX_KEY_LENGTH),
                control.repeat(32), 65535, control.repeat(IdentityPacket.MAX_NAME_LENGTH), Integer.MAX_VALUE,
                control.repeat(IdentityPacket.MAX_NAME_LENGTH));
        PacketCodec codec = new PacketCodec(MAX_FRAME);
        assertTrue(Frames.encode(codec, worst).length - 4 <= 14_875);
        DisconnectPacket longest = new DisconnectPacket(DisconnectReason.PROTOCOL_VIOLATION,
                control.repeat(DisconnectPacket.MAX_MESSAGE_LENGTH), Long.MAX_VALUE);
        assertTrue(Frames.encode(codec, longest).length - 4 < 7_000);
    }

    @Test
    void aLongDisconnectBeforeIdentityIsStillRead() {
        try (EmbeddedPeer peer = new EmbeddedPeer(host, ChannelDirection.OUTBOUND)) {
            DisconnectPacket refusal = new DisconnectPacket(DisconnectReason.TOO_MANY_CHANNELS,
                    "\u0001".repeat(DisconnectPacket.MAX_MESSAGE_LENGTH), 60L);
            peer.receive(refusal);
            Throwable failure = peer.tcp().handshake().handle((ok, e) -> e).join();
            ChannelException cause = assertInstanceOf(ChannelException.class, failure);
            assertEquals(DisconnectReason.TOO_MANY_CHANNELS, cause.reason());
            assertEquals(refusal.message(), cause.getMessage());
            assertTrue(host.rejections.isEmpty());
            assertFalse(peer.channel.isOpen());
        }
    }

    private static String escapeAll(String text) {
        StringBuilder out = new StringBuilder(text.length() * 6);
        for (int i = 0; i < text.length(); i++) {
            out.append(String.format("\\u%04x", (int) text.charAt(i)));
        }
        return out.toString();
    }
}
