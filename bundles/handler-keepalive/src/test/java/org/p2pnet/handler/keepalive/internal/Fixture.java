package org.p2pnet.handler.keepalive.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;

/** A keepalive over a controllable clock and a network whose channels the test sets. */
final class Fixture {
    static final Instant START = Instant.parse("2026-11-21T10:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    final TestClock clock = new TestClock(START);
    final ChannelsNetwork network = new ChannelsNetwork();
    final Keepalive keepalive;

    Fixture(Object... settings) {
        keepalive = new Keepalive(TestConfig.settings(settings), network, clock, new SplittableRandom(42));
    }

    /** A channel that last saw a packet now, listed as open. */
    TestChannel open(char hexDigit) {
        TestChannel c = new TestChannel(hexDigit, clock);
        network.open.add(c);
        return c;
    }

    void advance(long seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    /** Moves the clock and runs the routine once. */
    void runAfter(long seconds) {
        advance(seconds);
        keepalive.run();
    }

    static RawPacket ping(String nonce, long sentAt) {
        return RawPacket.json(PacketTypes.PING, "{\"nonce\":\"" + nonce + "\",\"sentAt\":" + sentAt + "}");
    }

    static RawPacket pong(String nonce) {
        return RawPacket.json(PacketTypes.PONG, "{\"nonce\":\"" + nonce + "\",\"sentAt\":1}");
    }

    static JsonNode metadata(RawPacket packet) {
        try {
            return JSON.readTree(new String(packet.metadata(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError("metadata is not JSON: " + packet.metadataText(), e);
        }
    }

    static String nonce(RawPacket packet) {
        return metadata(packet).get("nonce").textValue();
    }
}
