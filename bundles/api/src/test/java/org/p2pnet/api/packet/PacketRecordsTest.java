package org.p2pnet.api.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Collections;

import org.junit.jupiter.api.Test;

class PacketRecordsTest {

    @Test
    void dataChunkMustEndWithinTotalSizeEvenNearLongMax() {
        byte[] body = new byte[10];
        assertEquals(10, new DataPacket("t", DataFormat.FILE, "f", 90, 100, "", true, body).body().length);
        assertEquals("chunk of 10 bytes at offset 91 ends past totalSize 100", assertThrows(IllegalArgumentException.class,
            () -> new DataPacket("t", DataFormat.FILE, "f", 91, 100, "", true, body)).getMessage());
        // offset + length would overflow to a negative number and slip past a naive check
        assertThrows(IllegalArgumentException.class,
            () -> new DataPacket("t", DataFormat.FILE, "f", Long.MAX_VALUE - 2, 100, "", true, body));
        assertEquals("offset is negative", assertThrows(IllegalArgumentException.class,
            () -> new DataPacket("t", DataFormat.FILE, "f", -1, 100, "", true, body)).getMessage());
    }

    @Test
    void fieldLimitsAreEnforcedWithTheFieldNamed() {
        assertEquals("text is missing",
            assertThrows(IllegalArgumentException.class, () -> new MessagePacket("id", null, 0)).getMessage());
        assertEquals("text is longer than 65536 characters", assertThrows(IllegalArgumentException.class,
            () -> new MessagePacket("id", "x".repeat(65_537), 0)).getMessage());
        assertEquals("peers has 1001 entries, more than 1000", assertThrows(IllegalArgumentException.class,
            () -> new PeerGroupPacket(Collections.nCopies(1001, new PeerGroupPacket.Entry("", "h", 1)))).getMessage());
        assertEquals("hopLimit must be 0-64, got 65", assertThrows(IllegalArgumentException.class,
            () -> new BroadcastPacket("a".repeat(64), "", "m", 0, org.p2pnet.api.PeerId.parse("b".repeat(64)), 65))
                .getMessage());
    }

    @Test
    void typeNamesAreCheckedAndBuiltInsCannotBeRaw() {
        assertEquals("chat.v1", PacketTypes.requireValidName("chat.v1"));
        assertEquals("packet type name has an invalid character at position 3",
            assertThrows(IllegalArgumentException.class, () -> PacketTypes.requireValidName("bad type")).getMessage());
        assertEquals("MESSAGE is a built-in type; use its record",
            assertThrows(IllegalArgumentException.class, () -> RawPacket.json("MESSAGE", "{}")).getMessage());
    }
}
