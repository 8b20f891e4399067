package org.p2pnet.handler.peergroup.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.PeerGroupPacket;
import org.p2pnet.testing.FakePeerChannel;

/** A peer exchange over an {@link ExchangeNetwork}, with a clock the test moves. */
abstract class ExchangeFixture {
    static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");

    final ExchangeNetwork network = new ExchangeNetwork();
    final TestClock clock = new TestClock(NOW);

    PeerExchange exchange(Object... config) {
        return exchange(new SecureRandom(), config);
    }

    PeerExchange exchange(RandomGenerator random, Object... config) {
        return new PeerExchange(TestConfig.settings(config), network, clock, random);
    }

    /** A PEER_GROUP from {@code from}, as the core hands it to the handler. */
    static void receive(PeerExchange exchange, PeerId from, PeerGroupPacket packet) {
        exchange.handle(FakePeerChannel.forHandler(from), packet);
    }

    /** Entries for peers {@code first} to {@code first + count - 1}, at distinct addresses. */
    static List<PeerGroupPacket.Entry> entries(int first, int count) {
        List<PeerGroupPacket.Entry> list = new ArrayList<>();
        for (int n = first; n < first + count; n++) {
            list.add(entry(n));
        }
        return list;
    }

    static PeerGroupPacket.Entry entry(int n) {
        return new PeerGroupPacket.Entry(ExchangeNetwork.id(n).value(), "10.2." + (n / 250) + "." + (n % 250 + 1),
                7000 + n);
    }

    static PeerEvent connected(PeerId peer) {
        return new PeerEvent(PeerEvent.Kind.CONNECTED, peer, new PeerAddress("10.9.9.9", 7700),
                ChannelDirection.OUTBOUND, null);
    }

    static PeerEvent disconnected(PeerId peer) {
        return new PeerEvent(PeerEvent.Kind.DISCONNECTED, peer, new PeerAddress("10.9.9.9", 7700),
                ChannelDirection.OUTBOUND, Optional.of(new DisconnectRecord(DisconnectReason.REQUESTED, "bye", true, NOW)));
    }

    /** What slf4j-simple writes to System.err (it looks System.err up on every write) while running. */
    static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    static Duration minutes(long n) {
        return Duration.ofMinutes(n);
    }
}
