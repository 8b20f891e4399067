package org.p2pnet.channel.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PeerGroupPacket;
import org.p2pnet.api.packet.RawPacket;

@ExtendWith(LeakCheck.class)
class PacketCodecTest {
    private final PacketCodec codec = new PacketCodec(1024 * 1024);

    @Test
    void everyPacketTypeSurvivesEncodeAndDecode() {
        for (Packet packet : Samples.all()) {
            ByteBuf frame = codec.encode(packet, ByteBufAllocator.DEFAULT);
            try {
                Samples.assertSame(packet, codec.decode(frame));
                assertFalse(frame.isReadable(), "decode left bytes of " + packet.type());
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void utf8IsCheckedStrictly() {
        assertTrue(PacketCodec.isUtf8(new byte[0]));
        assertTrue(PacketCodec.isUtf8("{\"text\":\"plain ascii\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertTrue(PacketCodec.isUtf8("{\"text\":\"\u00fc \u20ac \ud83d\ude00\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertFalse(PacketCodec.isUtf8(bytes(0x7b, 0xc0, 0x80, 0x7d)), "overlong NUL");
        assertFalse(PacketCodec.isUtf8(bytes(0xed, 0xa0, 0x80)), "an encoded surrogate");
        assertFalse(PacketCodec.isUtf8(bytes(0xf4, 0x90, 0x80, 0x80)), "past U+10FFFF");
        assertFalse(PacketCodec.isUtf8(bytes(0x41, 0xe2, 0x82)), "truncated at the end");
        assertFalse(PacketCodec.isUtf8(bytes(0x80)), "a lone continuation byte");
        assertFalse(PacketCodec.isUtf8(bytes(0xff)), "never in UTF-8");
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void everyPacketTypeCrossesThePipelineBetweenTwoChannels() throws Exception {
        try (EmbeddedPeer sender = new EmbeddedPeer(new FakeHost(FakeHost.settings(1024 * 1024)));
             EmbeddedPeer receiver = new EmbeddedPeer(new FakeHost(FakeHost.settings(1024 * 1024)))) {
            sender.identify();
            RecordingSink sink = receiver.identify();
            drain(sender); // the sender's IDENTITY: the receiver already had one

            for (Packet packet : Samples.all()) {
                if (packet instanceof IdentityPacket || packet instanceof DisconnectPacket) {
                    continue; // these end or violate an identified channel; covered by the codec test
                }
                assertTrue(sender.tcp().send(packet).toCompletableFuture().isDone());
                receiver.receive(outboundBytes(sender));
                Samples.assertSame(packet, sink.awaitPacket());
            }
            assertTrue(receiver.host.rejections.isEmpty(), receiver.host.rejections.toString());
        }
    }

    @Test
    void framesSplitAtEveryByteBoundaryDecodeToTheSamePackets() throws Exception {
        IdentityPacket remote = Samples.identity();
        List<Packet> stream = List.of(remote, Samples.data(), Samples.rawWithBody(), MessagePacket.of("split me"));
        List<byte[]> frames = new ArrayList<>();
        for (Packet p : stream) {
            frames.add(Frames.encode(codec, p));
        }
        byte[] bytes = Frames.concat(frames.toArray(byte[][]::new));
        for (int split = 1; split < bytes.length; split++) {
            FakeHost host = new FakeHost(FakeHost.settings(1024 * 1024));
            try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
                peer.receive(java.util.Arrays.copyOfRange(bytes, 0, split));
                peer.receive(java.util.Arrays.copyOfRange(bytes, split, bytes.length));
                FakeHost.Identified identified = host.awaitIdentified();
                assertEquals(remote, identified.identity());
                for (Packet expected : stream.subList(1, stream.size())) {
                    Samples.assertSame(expected, identified.sink().received.poll());
                }
                assertTrue(host.rejections.isEmpty(), "split at " + split + ": " + host.rejections);
            }
        }
        FakeHost host = new FakeHost(FakeHost.settings(1024 * 1024));
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            for (byte b : bytes) {
                peer.receive(new byte[] {b});
            }
            RecordingSink sink = host.awaitIdentified().sink();
            assertEquals(stream.size() - 1, sink.received.size());
        }
    }

    @Test
    void encodingRefusesAFrameOverMaxFrameSizeBeforeAllocating() {
        PacketCodec small = new PacketCodec(64);
        ChannelException e = assertThrows(ChannelException.class,
                () -> small.encode(MessagePacket.of("x".repeat(100)), failingAllocator()));
        assertEquals(DisconnectReason.FRAME_TOO_LARGE, e.reason());
    }

    @Test
    void encodingRefusesCustomMetadataThatIsNotAJsonObject() {
        ChannelException e = assertThrows(ChannelException.class,
                () -> codec.encode(RawPacket.json("custom", "[1,2]"), ByteBufAllocator.DEFAULT));
        assertEquals(DisconnectReason.MALFORMED_PACKET, e.reason());
    }

    @Test
    void encodingRefusesPacketClassesItDoesNotKnow() {
        Packet alien = () -> "ALIEN";
        ChannelException e = assertThrows(ChannelException.class, () -> codec.encode(alien, ByteBufAllocator.DEFAULT));
        assertEquals(DisconnectReason.MALFORMED_PACKET, e.reason());
        assertTrue(e.getMessage().contains("RawPacket"), e.getMessage());
    }

    @Test
    void disconnectReasonsThisVersionDoesNotKnowReadAsUnknown() {
        Packet p = decode(Frames.frame("DISCONNECT", "{\"reason\":\"SOLAR_FLARE\",\"message\":\"m\",\"future\":1}"));
        assertEquals(new DisconnectPacket(DisconnectReason.UNKNOWN, "m"), p);
    }

    @Test
    void unknownFieldsAreIgnoredAndNestingUpToTheLimitIsAccepted() {
        String nested = "[".repeat(PacketJson.MAX_NESTING_DEPTH - 1) + "]".repeat(PacketJson.MAX_NESTING_DEPTH - 1);
        Packet p = decode(Frames.frame("MESSAGE", "{\"id\":\"i\",\"text\":\"t\",\"sentAt\":1,\"later\":" + nested + "}"));
        assertEquals(new MessagePacket("i", "t", 1), p);
        Packet raw = decode(Frames.frame("custom", "{\"x\":" + nested + "}"));
        assertEquals("custom", raw.type());
    }

    @Test
    void metadataIsTheJsonOfTheRecordComponentsAndNeverTheBody() {
        Encoded data = encoded(Samples.data());
        assertEquals("{\"transferId\":\"transfer-1\",\"format\":\"FILE\",\"name\":\"photo.jpg\",\"offset\":700,"
                + "\"totalSize\":1000,\"sha256\":\"" + Samples.HEX64 + "\",\"last\":true}", data.metadata());
        assertEquals(300, data.bodyLength());
    }

    @Test
    void peerGroupWritesWantOnlyWhenItAsks() {
        assertEquals("{\"peers\":[],\"want\":16}", encoded(PeerGroupPacket.request(16)).metadata());
        assertEquals("{\"peers\":[{\"peerId\":\"" + Samples.HEX64 + "\",\"host\":\"10.0.0.1\",\"port\":7000}]}",
                encoded(new PeerGroupPacket(List.of(new PeerGroupPacket.Entry(Samples.HEX64, "10.0.0.1", 7000))))
                        .metadata());
    }

    @Test
    void peerGroupWithoutWantIsNoRequest() {
        Packet plain = decode(Frames.frame("PEER_GROUP", "{\"peers\":[]}"));
        assertEquals(new PeerGroupPacket(List.of(), 0), plain);
        assertFalse(((PeerGroupPacket) plain).isRequest());

        Packet asking = decode(Frames.frame("PEER_GROUP", "{\"peers\":[],\"want\":64,\"request\":false}"));
        assertEquals(PeerGroupPacket.request(64), asking);
        assertTrue(((PeerGroupPacket) asking).isRequest());
    }

    /** A frame's metadata JSON and the length of the body behind it. */
    private record Encoded(String metadata, int bodyLength) {
    }

    private Encoded encoded(Packet packet) {
        ByteBuf frame = codec.encode(packet, ByteBufAllocator.DEFAULT);
        try {
            int typeLength = frame.readUnsignedByte();
            frame.skipBytes(typeLength);
            int metadataLength = frame.readInt();
            String json = frame.toString(frame.readerIndex(), metadataLength, StandardCharsets.UTF_8);
            return new Encoded(json, frame.readableBytes() - metadataLength);
        } finally {
            frame.release();
        }
    }

    private Packet decode(byte[] wholeFrame) {
        ByteBuf buf = Unpooled.wrappedBuffer(wholeFrame);
        buf.skipBytes(PacketCodec.LENGTH_FIELD_SIZE);
        return codec.decode(buf);
    }

    private static void drain(EmbeddedPeer peer) {
        for (Object o; (o = peer.channel.readOutbound()) != null; ) {
            ((ByteBuf) o).release();
        }
    }

    private static byte[] outboundBytes(EmbeddedPeer peer) {
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = peer.channel.readOutbound()) != null; ) {
            all.writeBytes((ByteBuf) o);
            ((ByteBuf) o).release();
        }
        byte[] bytes = new byte[all.readableBytes()];
        all.readBytes(bytes);
        all.release();
        return bytes;
    }

    private static ByteBufAllocator failingAllocator() {
        return new TrackingAllocator(0);
    }
}
