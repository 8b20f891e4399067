package org.p2pnet.handler.keepalive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;

/** PING and PONG on the wire. */
class WireTest {
    @Test
    void whatIsWrittenIsReadBack() throws Exception {
        RawPacket ping = KeepaliveWire.packet(PacketTypes.PING, "00112233445566778899aabbccddeeff", 1_763_712_000_000L);
        assertEquals(PacketTypes.PING, ping.type());
        assertEquals("{\"nonce\":\"00112233445566778899aabbccddeeff\",\"sentAt\":1763712000000}", ping.metadataText());
        assertEquals(new KeepaliveWire.Message("00112233445566778899aabbccddeeff", 1_763_712_000_000L),
                KeepaliveWire.parse(ping));
    }

    @Test
    void fieldsMayComeInAnyOrderWithSpaces() throws Exception {
        RawPacket pong = RawPacket.json(PacketTypes.PONG, " { \"sentAt\" : 0 , \"nonce\" : \"0123456789abcdef\" } ");
        assertEquals(new KeepaliveWire.Message("0123456789abcdef", 0), KeepaliveWire.parse(pong));
    }

    @Test
    void theRejectionSaysWhatIsWrong() {
        KeepaliveWire.MalformedException e = assertThrows(KeepaliveWire.MalformedException.class,
                () -> KeepaliveWire.parse(RawPacket.json(PacketTypes.PING, "{\"nonce\":\"xyz\",\"sentAt\":1}")));
        assertEquals("\"nonce\" is not 16-32 hex digits", e.getMessage());
    }
}
