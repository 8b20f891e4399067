package org.p2pnet.examples.handler;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;

class EchoMessageHandlerTest {
    private static final Instant NOW = Instant.parse("2026-11-21T14:00:00Z");

    private final RecordingChannel channel = new RecordingChannel('b');
    private final EchoMessageHandler handler = new EchoMessageHandler(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void answersEachMessageWithAnEchoToItsSenderAndLogsIt() {
        handler.handle(channel, new MessagePacket("m-1", "hello there", 1234L));

        MessagePacket echo = assertInstanceOf(MessagePacket.class, channel.last());
        assertEquals("echo: hello there", echo.text());
        assertEquals(NOW.toEpochMilli(), echo.sentAt());
        assertFalse(echo.id().equals("m-1"), "the echo has an id of its own");
        List<EchoMessageHandler.Logged> log = handler.recent();
        assertEquals(1, log.size());
        assertEquals(new EchoMessageHandler.Logged(channel.peer, "m-1", "hello there", NOW, true), log.get(0));
        assertEquals(1, handler.echoed());
    }

    @Test
    void neverAnswersAnEchoSoTwoNodesDoNotLoop() {
        handler.handle(channel, new MessagePacket("m-2", "echo: hello there", 1L));
        assertEquals(0, channel.sent.size());
        assertEquals(1, handler.notAnswered());
        assertFalse(handler.recent().get(0).answered());
    }

    @Test
    void aLongTextIsCutInTheEchoAndTheLogSoTheEchoIsAlwaysAValidMessage() {
        String text = "x".repeat(EchoMessageHandler.MAX_ECHOED_CHARS - 1) + "\uD83D\uDE00" + "y".repeat(MessagePacket.MAX_TEXT_LENGTH - 1001);
        assertEquals(MessagePacket.MAX_TEXT_LENGTH, text.length());
        handler.handle(channel, new MessagePacket("m-3", text, 1L));
        MessagePacket echo = assertInstanceOf(MessagePacket.class, channel.last());
        assertEquals(EchoMessageHandler.ECHO_PREFIX + "x".repeat(EchoMessageHandler.MAX_ECHOED_CHARS - 1), echo.text(),
                "cut before the surrogate pair, never inside it");
        assertEquals(EchoMessageHandler.MAX_ECHOED_CHARS - 1, handler.recent().get(0).text().length());
    }

    @Test
    void theLogIsBounded() {
        for (int i = 0; i < EchoMessageHandler.KEEP + 25; i++) {
            handler.handle(channel, new MessagePacket("m-" + i, "text " + i, 1L));
        }
        List<EchoMessageHandler.Logged> log = handler.recent();
        assertEquals(EchoMessageHandler.KEEP, log.size());
        assertEquals("m-25", log.get(0).id(), "the oldest went first");
        assertEquals("m-" + (EchoMessageHandler.KEEP + 24), log.get(log.size() - 1).id());
    }

    @Test
    void badInputAndFailedSendsAreCountedNeverThrown() {
        assertDoesNotThrow(() -> handler.handle(channel, RawPacket.json("KV", "{}")));
        assertEquals(1, handler.ignored());
        assertEquals(0, channel.sent.size());

        channel.mode = RecordingChannel.SendMode.FAIL_STAGE;
        assertDoesNotThrow(() -> handler.handle(channel, MessagePacket.of("one")));
        channel.mode = RecordingChannel.SendMode.THROW;
        assertDoesNotThrow(() -> handler.handle(channel, MessagePacket.of("two")));
        assertEquals(2, handler.sendFailures());
        assertEquals(2, handler.recent().size(), "both messages are still logged");
    }

    /** What makes it the override: the MESSAGE type and a ranking above the default handler's 0. */
    @Test
    void isAMessageHandlerRankedAboveTheDefault() {
        String xml = KeyValueHandlerTest.descriptor("OSGI-INF/org.p2pnet.examples.handler.EchoMessageHandler.xml");
        assertTrue(xml.contains("<provide interface=\"org.p2pnet.api.packet.PacketHandler\"/>"), xml);
        assertTrue(xml.contains("name=\"" + PacketHandler.TYPE_PROPERTY + "\" type=\"String\" value=\"" + PacketTypes.MESSAGE + "\""), xml);
        assertTrue(xml.contains("name=\"service.ranking\" type=\"Integer\" value=\"100\""), xml);
    }
}
