package org.p2pnet.channel.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.DisconnectPacket;

/** Connections still in handshake are capped, overall and per remote address, and counted exactly once. */
@ExtendWith(LeakCheck.class)
class HandshakeLimitTest {
    private static final int MAX_FRAME = 64 * 1024;

    private final TcpTransport transport = new TcpTransport();
    private final List<RawPeer> peers = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (RawPeer peer : peers) {
            peer.close();
        }
        transport.close();
        Conditions.awaitNoTransportThreads();
    }

    @Test
    void theLimitsAreTwoHundredFiftySixAndSixteenPerAddress() {
        assertEquals(256, HandshakeLimiter.MAX_HANDSHAKES);
        assertEquals(16, HandshakeLimiter.MAX_HANDSHAKES_PER_ADDRESS);
    }

    @Test
    void silentConnectionsFromOneAddressAreCappedAndEachPlaceIsGivenBackOnce() throws Exception {
        FakeHost host = new FakeHost(FakeHost.settings(MAX_FRAME));
        InetSocketAddress bound = transport.open(host);
        PacketCodec codec = new PacketCodec(MAX_FRAME);
        int cap = HandshakeLimiter.MAX_HANDSHAKES_PER_ADDRESS;
        for (int i = 0; i < cap; i++) {
            RawPeer silent = new RawPeer(bound, codec, 0);
            peers.add(silent);
            assertEquals(host.identity, silent.read(), "connection " + i);
        }
        TcpEndpoint endpoint = transport.endpoint();
        assertEquals(cap, endpoint.handshakesInProgress());

        try (RawPeer refused = new RawPeer(bound, codec, 0)) {
            // no IDENTITY: a DISCONNECT saying why, and the connection is closed at once
            assertEquals(new DisconnectPacket(DisconnectReason.TOO_MANY_CHANNELS,
                    "too many connections in handshake from 127.0.0.1: 16 already, the limit per address is 16;"
                            + " try again later"), refused.read());
            assertThrows(EOFException.class, refused::read);
        }
        assertEquals(1, host.rejections.size(), host.rejections.toString());
        assertEquals(DisconnectReason.TOO_MANY_CHANNELS, host.rejections.get(0).reason());
        assertTrue(host.rejections.get(0).detail().startsWith("too many connections in handshake from 127.0.0.1"));
        assertEquals(cap, endpoint.handshakesInProgress(), "a refused connection takes no place");

        // identification gives the place back ...
        peers.get(0).send(Samples.identity());
        RecordingSink identified = host.awaitIdentified().sink();
        Conditions.waitUntil(() -> endpoint.handshakesInProgress() == cap - 1, Duration.ofSeconds(10),
                () -> endpoint.handshakesInProgress() + " in handshake");
        // ... so one more connection is admitted
        RawPeer next = new RawPeer(bound, codec, 0);
        peers.add(next);
        assertEquals(host.identity, next.read());
        assertEquals(cap, endpoint.handshakesInProgress());

        // an identified channel that closes does not give its place back a second time
        peers.get(0).close();
        assertEquals(DisconnectReason.CONNECTION_LOST, identified.awaitClosed().reason());
        assertEquals(cap, endpoint.handshakesInProgress());

        // a connection that goes away during the handshake gives its place back
        peers.get(1).close();
        Conditions.waitUntil(() -> endpoint.handshakesInProgress() == cap - 1, Duration.ofSeconds(10),
                () -> endpoint.handshakesInProgress() + " in handshake");
        assertEquals(1, host.rejections.size());
    }

    @Test
    void theLimiterCapsTheTotalAndEachAddress() throws Exception {
        HandshakeLimiter limiter = new HandshakeLimiter(3, 2);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        InetAddress c = InetAddress.getByName("2001:db8::1");
        assertNull(limiter.tryAcquire(a));
        assertNull(limiter.tryAcquire(a));
        assertEquals("too many connections in handshake from 192.0.2.1: 2 already, the limit per address is 2;"
                + " try again later", limiter.tryAcquire(a));
        assertNull(limiter.tryAcquire(b));
        assertEquals("too many connections in handshake: 3 already, the limit is 3; try again later",
                limiter.tryAcquire(c));
        assertEquals(3, limiter.inHandshake());
        assertEquals(2, limiter.inHandshake(a));

        assertTrue(limiter.release(a));
        assertNull(limiter.tryAcquire(c));
        assertEquals(1, limiter.inHandshake(c));
        // a release nothing was taken for changes nothing
        assertFalse(limiter.release(InetAddress.getByName("192.0.2.9")));
        assertTrue(limiter.release(a));
        assertTrue(limiter.release(b));
        assertTrue(limiter.release(c));
        assertFalse(limiter.release(a));
        assertEquals(0, limiter.inHandshake());
    }

    @Test
    void aRefusedConnectionGetsOnlyTheDisconnectAndTheHostIsNotAsked() {
        FakeHost host = new FakeHost(FakeHost.settings(MAX_FRAME));
        host.admission = remote -> {
            throw new AssertionError("admission asked for a refused connection");
        };
        try (EmbeddedPeer peer = new EmbeddedPeer(host, ChannelDirection.INBOUND,
                c -> c.refuseWhenActive("too many connections in handshake"))) {
            assertEquals("too many connections in handshake", peer.assertRejected(DisconnectReason.TOO_MANY_CHANNELS));
            assertEquals(List.of(), peer.sent(), "our IDENTITY is not sent");
        }
    }

    @Test
    void aPlaceIsGivenBackOnceWhenIdentifiedThenClosed() throws Exception {
        FakeHost host = new FakeHost(FakeHost.settings(MAX_FRAME));
        AtomicInteger released = new AtomicInteger();
        try (EmbeddedPeer peer = new EmbeddedPeer(host, ChannelDirection.INBOUND,
                c -> c.holdHandshakeSlot(released::incrementAndGet))) {
            assertEquals(0, released.get());
            RecordingSink sink = peer.identify();
            assertEquals(1, released.get());
            peer.tcp().close(DisconnectReason.REQUESTED, "done").toCompletableFuture().get(1, TimeUnit.SECONDS);
            sink.awaitClosed();
            assertEquals(1, released.get());
        }
    }

    @Test
    void aPlaceIsGivenBackOnceWhenRefusedByTheHostOrClosedDuringTheHandshake() throws Exception {
        FakeHost host = new FakeHost(FakeHost.settings(MAX_FRAME));
        host.refuseIdentity = new org.p2pnet.api.ChannelException(DisconnectReason.NETWORK_MISMATCH, "other network");
        AtomicInteger released = new AtomicInteger();
        try (EmbeddedPeer peer = new EmbeddedPeer(host, ChannelDirection.INBOUND,
                c -> c.holdHandshakeSlot(released::incrementAndGet))) {
            peer.receive(peer.remoteIdentity);
            assertFalse(peer.channel.isOpen());
            assertEquals(1, released.get());
            peer.channel.close();
            // a place taken after the end is given back at once
            AtomicInteger late = new AtomicInteger();
            peer.tcp().holdHandshakeSlot(late::incrementAndGet);
            assertEquals(1, late.get());
            assertEquals(1, released.get());
        }
        AtomicInteger silent = new AtomicInteger();
        try (EmbeddedPeer peer = new EmbeddedPeer(new FakeHost(FakeHost.settings(MAX_FRAME)), ChannelDirection.INBOUND,
                c -> c.holdHandshakeSlot(silent::incrementAndGet))) {
            peer.channel.close();
            assertEquals(1, silent.get());
        }
    }
}
