package org.p2pnet.channel.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.BroadcastPacket;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.api.packet.DataPacket;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PeerGroupPacket;
import org.p2pnet.api.packet.RawPacket;

/** One packet of every kind, and a comparison that looks into byte arrays. */
final class Samples {
    static final String HEX64 = "ab".repeat(32);

    private Samples() {
    }

    static IdentityPacket identity() {
        return FakeHost.identityOf(FakeHost.newKeyPair());
    }

    static DataPacket data() {
        byte[] body = new byte[300];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        return new DataPacket("transfer-1", DataFormat.FILE, "photo.jpg", 700, 1000, HEX64, true, body);
    }

    static RawPacket rawWithBody() {
        return new RawPacket("chat.v2-beta_1", "{\"a\":[1,2.5,{\"b\":null}],\"s\":\"\u00e9\u2713\"}"
                .getBytes(StandardCharsets.UTF_8), new byte[] {0, 1, 2, (byte) 0xff});
    }

    static List<Packet> all() {
        PeerId origin = PeerId.parse(HEX64);
        return List.of(
                identity(),
                new DisconnectPacket(DisconnectReason.REQUESTED, "bye", 30L),
                new DisconnectPacket(DisconnectReason.SHUTDOWN, ""),
                new MessagePacket("m-1", "hello \u00fcn\u00efc\u00f6de \u2713 \"quoted\" \n", 1_700_000_000_000L),
                new PeerGroupPacket(List.of(new PeerGroupPacket.Entry(HEX64, "10.0.0.1", 7000),
                        new PeerGroupPacket.Entry(HEX64, "::1", 65535))),
                new PeerGroupPacket(List.of()),
                PeerGroupPacket.request(16),
                new PeerGroupPacket(List.of(new PeerGroupPacket.Entry(HEX64, "node-1.example.org", 7700)),
                        PeerGroupPacket.MAX_WANT),
                data(),
                new DataPacket("transfer-2", DataFormat.MISC, "", 0, 0, "", false, new byte[0]),
                new BroadcastPacket(HEX64, "title", "to everyone", 1_700_000_000_123L, origin, 64),
                rawWithBody(),
                RawPacket.json("x-custom", "{}"),
                new RawPacket("empty", null, null));
    }

    static void assertSame(Packet expected, Packet actual) {
        if (expected instanceof DataPacket e) {
            DataPacket a = assertInstanceOf(DataPacket.class, actual);
            assertEquals(e.transferId(), a.transferId());
            assertEquals(e.format(), a.format());
            assertEquals(e.name(), a.name());
            assertEquals(e.offset(), a.offset());
            assertEquals(e.totalSize(), a.totalSize());
            assertEquals(e.sha256(), a.sha256());
            assertEquals(e.last(), a.last());
            assertArrayEquals(e.body(), a.body());
        } else if (expected instanceof RawPacket e) {
            RawPacket a = assertInstanceOf(RawPacket.class, actual);
            assertEquals(e.type(), a.type());
            assertArrayEquals(e.metadata(), a.metadata());
            assertArrayEquals(e.body(), a.body());
        } else {
            assertEquals(expected, actual);
        }
    }
}
