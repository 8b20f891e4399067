package org.p2pnet.handler.disconnect.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.testing.FakePeerChannel;
import org.p2pnet.testing.RecordingPeerNetwork;

class DisconnectHandlerTest {
    private final RecordingPeerNetwork network = new RecordingPeerNetwork();
    private final DisconnectHandler handler = new DisconnectHandler(network);
    private final FakePeerChannel channel = FakePeerChannel.forHandler(FakePeerChannel.peer('b'));

    @Test
    void handsTheDisconnectToTheCore() {
        DisconnectPacket bye = new DisconnectPacket(DisconnectReason.SHUTDOWN, "node stopping", 30L);

        handler.handle(channel, bye);

        assertEquals(1, network.disconnects.size());
        assertSame(channel, network.disconnects.get(0).channel());
        assertSame(bye, network.disconnects.get(0).packet());
    }

    @Test
    void ignoresOtherPacketTypes() {
        handler.handle(channel, MessagePacket.of("hello"));

        assertTrue(network.disconnects.isEmpty());
    }

    @Test
    void logLineNamesShortPeerIdReasonAndMessage() {
        String line = DisconnectHandler.describe(channel,
                new DisconnectPacket(DisconnectReason.REQUESTED, "maintenance"));

        assertEquals("peer bbbbbbbbbbbb disconnected: REQUESTED maintenance", line);
    }

    @Test
    void logLineOmitsAnEmptyMessageAndShowsRetryAfter() {
        String line = DisconnectHandler.describe(channel,
                new DisconnectPacket(DisconnectReason.TOO_MANY_CHANNELS, "", 60L));

        assertEquals("peer bbbbbbbbbbbb disconnected: TOO_MANY_CHANNELS (retry after 60 s)", line);
    }

    @Test
    void logLineNeutralisesControlCharactersFromThePeer() {
        String line = DisconnectHandler.describe(channel,
                new DisconnectPacket(DisconnectReason.REQUESTED, "bye\nINFO forged line\u001b[2J"));

        assertEquals("peer bbbbbbbbbbbb disconnected: REQUESTED bye?INFO forged line?[2J", line);
    }
}
