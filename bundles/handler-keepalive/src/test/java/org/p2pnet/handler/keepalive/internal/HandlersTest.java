package org.p2pnet.handler.keepalive.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;

/** The PING and PONG handlers. */
class HandlersTest {
    private static final String NONCE = "00112233445566778899aabbccddeeff";

    private final Fixture f = new Fixture();

    @Test
    void aPingIsAnsweredWithAPongOfTheSameNonceOnTheSameChannel() {
        TestChannel a = f.open('a');
        TestChannel b = f.open('b');

        f.keepalive.handlePing(a, Fixture.ping(NONCE, 1234));

        List<RawPacket> pongs = a.sent(PacketTypes.PONG);
        assertEquals(1, pongs.size());
        assertEquals(0, b.sent.size(), "the answer goes on the PING's channel only");
        JsonNode pong = Fixture.metadata(pongs.get(0));
        assertEquals(NONCE, pong.get("nonce").textValue());
        assertEquals(f.clock.millis(), pong.get("sentAt").longValue(), "the PONG carries the answerer's own clock");
        assertEquals(0, pongs.get(0).body().length);
        assertEquals(1, f.keepalive.stats().pingsAnswered());
    }

    @Test
    void aNonceOfSixteenUpperCaseDigitsIsEchoedAsSent() {
        TestChannel a = f.open('a');
        f.keepalive.handlePing(a, Fixture.ping("ABCDEF0123456789", 0));
        assertEquals("ABCDEF0123456789", Fixture.nonce(a.sent(PacketTypes.PONG).get(0)));
    }

    @Test
    void pingsBeyondTheRateOfAChannelAreIgnoredCountedAndLoggedOnce() {
        TestChannel a = f.open('a');
        TestChannel b = f.open('b');

        for (int i = 0; i < 50; i++) {
            f.keepalive.handlePing(a, Fixture.ping(NONCE, i));
        }
        f.keepalive.handlePing(b, Fixture.ping(NONCE, 0));

        assertEquals(5, a.sent(PacketTypes.PONG).size(), "5 answers per channel per second by default");
        assertEquals(45, f.keepalive.ignored(Ignored.PING_FLOOD));
        assertEquals(1, f.keepalive.ignoredLogLines(), "a flood is logged once");
        assertEquals(1, b.sent(PacketTypes.PONG).size(), "another channel's PING is answered all the same");

        f.clock.advance(Duration.ofSeconds(1));
        f.keepalive.handlePing(a, Fixture.ping(NONCE, 99));
        assertEquals(6, a.sent(PacketTypes.PONG).size(), "the next second renews the allowance");
    }

    @Test
    void theFloodLimitIsASetting() {
        Fixture one = new Fixture(KeepaliveSettings.ANSWERS_PER_SECOND, 1);
        TestChannel a = one.open('a');
        one.keepalive.handlePing(a, Fixture.ping(NONCE, 0));
        one.keepalive.handlePing(a, Fixture.ping(NONCE, 1));
        assertEquals(1, a.sent(PacketTypes.PONG).size());
        assertEquals(1, one.keepalive.ignored(Ignored.PING_FLOOD));
    }

    static Stream<Arguments> malformed() {
        String ok = "\"nonce\":\"" + NONCE + "\"";
        return Stream.of(
                Arguments.of("empty metadata", meta("")),
                Arguments.of("not JSON", meta("nonce=1")),
                Arguments.of("an array", meta("[\"" + NONCE + "\",1]")),
                Arguments.of("a string", meta("\"" + NONCE + "\"")),
                Arguments.of("nonce missing", meta("{\"sentAt\":1}")),
                Arguments.of("sentAt missing", meta("{" + ok + "}")),
                Arguments.of("nonce of 15 digits", meta("{\"nonce\":\"0123456789abcde\",\"sentAt\":1}")),
                Arguments.of("nonce of 33 digits", meta("{\"nonce\":\"" + NONCE + "0\",\"sentAt\":1}")),
                Arguments.of("nonce not hex", meta("{\"nonce\":\"0123456789abcdeg\",\"sentAt\":1}")),
                Arguments.of("nonce a number", meta("{\"nonce\":1234567890123456789,\"sentAt\":1}")),
                Arguments.of("sentAt a string", meta("{" + ok + ",\"sentAt\":\"1\"}")),
                Arguments.of("sentAt negative", meta("{" + ok + ",\"sentAt\":-1}")),
                Arguments.of("sentAt a fraction", meta("{" + ok + ",\"sentAt\":1.5}")),
                Arguments.of("sentAt too large", meta("{" + ok + ",\"sentAt\":99999999999999999999}")),
                Arguments.of("an unknown field", meta("{" + ok + ",\"sentAt\":1,\"x\":1}")),
                Arguments.of("a duplicate field", meta("{" + ok + "," + ok + ",\"sentAt\":1}")),
                Arguments.of("trailing tokens", meta("{" + ok + ",\"sentAt\":1} {}")),
                Arguments.of("a comment", meta("{" + ok + ",/* c */\"sentAt\":1}")),
                Arguments.of("oversized metadata", meta("{" + ok + ",\"sentAt\":1" + " ".repeat(300) + "}")),
                Arguments.of("a body", new RawPacket(PacketTypes.PING,
                        ("{" + ok + ",\"sentAt\":1}").getBytes(StandardCharsets.UTF_8), new byte[] {1})),
                Arguments.of("invalid UTF-8", new RawPacket(PacketTypes.PING, new byte[] {'{', '"', (byte) 0xff, '"',
                        ':', '1', '}'}, null)),
                Arguments.of("not a RawPacket", new MessagePacket("m1", "hello", 1)));
    }

    private static RawPacket meta(String json) {
        return RawPacket.json(PacketTypes.PING, json);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedPingIsIgnoredCountedLoggedOnceAndNeverThrows(String what, Object packet) {
        TestChannel a = f.open('a');
        org.p2pnet.api.packet.Packet p = (org.p2pnet.api.packet.Packet) packet;

        assertDoesNotThrow(() -> f.keepalive.handlePing(a, p));
        assertDoesNotThrow(() -> f.keepalive.handlePing(a, p));

        assertEquals(0, a.sent.size(), "no answer to " + what);
        assertEquals(2, f.keepalive.ignored(Ignored.MALFORMED_PING));
        assertEquals(1, f.keepalive.ignoredLogLines(), "logged once, then only counted");
        f.keepalive.handlePing(a, Fixture.ping(NONCE, 1));
        assertEquals(1, a.sent(PacketTypes.PONG).size(), "the channel's next valid PING is answered");
    }

    @Test
    void aMalformedPongIsIgnoredAndCounted() {
        TestChannel a = f.open('a');
        assertDoesNotThrow(() -> f.keepalive.handlePong(a, RawPacket.json(PacketTypes.PONG, "{\"nonce\":7}")));
        assertEquals(1, f.keepalive.ignored(Ignored.MALFORMED_PONG));
        assertEquals(0, f.keepalive.stats().pongsMatched());
    }

    @Test
    void aPongMatchesTheOutstandingPingOfItsChannelAndRecordsTheRoundTrip() {
        TestChannel a = f.open('a');
        f.keepalive.run();
        f.runAfter(30); // silent for idleSeconds: PING
        String nonce = Fixture.nonce(a.sent(PacketTypes.PING).get(0));
        f.clock.advance(Duration.ofMillis(250));

        f.keepalive.handlePong(a, Fixture.pong(nonce));

        assertEquals(1, f.keepalive.stats().pongsMatched());
        assertEquals(Duration.ofMillis(250), f.keepalive.lastRtt(a.channelId()).orElseThrow());
        assertEquals(250, f.keepalive.stats().meanRttMillis());
        assertEquals(ChannelState.Phase.HEALTHY, f.keepalive.phase(a.channelId()).orElseThrow());

        f.keepalive.handlePong(a, Fixture.pong(nonce));
        assertEquals(1, f.keepalive.stats().pongsMatched(), "a nonce is matched once");
        assertEquals(1, f.keepalive.ignored(Ignored.UNMATCHED_PONG));
    }

    @Test
    void aPongWithAnUnknownNonceOrFromAnotherChannelIsIgnoredAndCounted() {
        TestChannel a = f.open('a');
        TestChannel b = f.open('b');
        f.keepalive.run();
        f.runAfter(30);
        String nonceOfA = Fixture.nonce(a.sent(PacketTypes.PING).get(0));

        f.keepalive.handlePong(a, Fixture.pong(NONCE));
        f.keepalive.handlePong(b, Fixture.pong(nonceOfA));
        f.keepalive.handlePong(f.open('c'), Fixture.pong(nonceOfA)); // a channel the routine never saw

        assertEquals(3, f.keepalive.ignored(Ignored.UNMATCHED_PONG));
        assertEquals(0, f.keepalive.stats().pongsMatched());
        assertTrue(f.keepalive.lastRtt(a.channelId()).isEmpty());
    }

    @Test
    void aPongLaterThanTwiceTheTimeoutIsUnmatched() {
        TestChannel a = f.open('a');
        f.keepalive.run();
        f.runAfter(30);
        String first = Fixture.nonce(a.sent(PacketTypes.PING).get(0));
        a.received(f.clock.instant().plusSeconds(1)); // something else arrives: healthy again
        f.runAfter(5);
        f.runAfter(16); // 21 s after the PING: forgotten

        f.keepalive.handlePong(a, Fixture.pong(first));

        assertEquals(1, f.keepalive.ignored(Ignored.UNMATCHED_PONG));
    }

    @Test
    void aFailingSendNeverReachesTheCore() {
        TestChannel a = f.open('a');
        a.failSends(new IllegalStateException("closed under us"));
        assertDoesNotThrow(() -> f.keepalive.handlePing(a, Fixture.ping(NONCE, 1)));
    }

    @Test
    void afterCloseNothingIsAnswered() {
        TestChannel a = f.open('a');
        f.keepalive.close();
        f.keepalive.handlePing(a, Fixture.ping(NONCE, 1));
        f.keepalive.run();
        assertEquals(0, a.sent.size());
    }
}
