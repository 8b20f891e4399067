package org.p2pnet.channel.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.api.spi.TransportChannel;
import org.p2pnet.api.spi.TransportSettings;

@ExtendWith(LeakCheck.class)
class HandshakeTest {
    private static final Duration HANDSHAKE = Duration.ofMillis(200);

    private final FakeHost host = new FakeHost(new TransportSettings("127.0.0.1", 0, 64 * 1024, HANDSHAKE,
            Duration.ZERO, 32 * 1024, 64 * 1024, 256 * 1024));

    @Test
    void ourIdentityIsTheFirstFrameAndIsSentAtOnce() {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            assertEquals(List.of(host.identity), peer.sent());
            assertTrue(peer.channel.isOpen());
        }
    }

    @Test
    void aPacketBeforeIdentityIsAProtocolViolation() {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            peer.receive(MessagePacket.of("too early"));
            assertEquals("MESSAGE before IDENTITY", peer.assertRejected(DisconnectReason.PROTOCOL_VIOLATION));
            assertTrue(host.identified.isEmpty());
        }
    }

    @Test
    void aPeerThatNeverSpeaksTimesOut() {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            peer.advance(HANDSHAKE.toMillis() - 1, TimeUnit.MILLISECONDS);
            assertTrue(peer.channel.isOpen(), "closed before the handshake timeout");
            peer.advance(1, TimeUnit.MILLISECONDS);
            assertEquals("no IDENTITY within PT0.2S", peer.assertRejected(DisconnectReason.HANDSHAKE_TIMEOUT));
        }
    }

    @Test
    void theTimerStopsOnceIdentified() throws Exception {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            peer.identify();
            peer.advance(HANDSHAKE.toMillis() * 10, TimeUnit.MILLISECONDS);
            assertTrue(peer.channel.isOpen());
            assertTrue(host.rejections.isEmpty());
        }
    }

    @Test
    void aHostRefusingTheIdentitySendsItsReason() {
        host.refuseIdentity = new ChannelException(DisconnectReason.NETWORK_MISMATCH, "peer is on network 'other'");
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            peer.receive(peer.remoteIdentity);
            List<Packet> sent = peer.sent();
            assertEquals(List.of(host.identity,
                    new DisconnectPacket(DisconnectReason.NETWORK_MISMATCH, "peer is on network 'other'")), sent);
            assertFalse(peer.channel.isOpen());
            // the host decided, and counts its own decisions
            assertTrue(host.rejections.isEmpty());
            ExecutionException failed = assertThrowsExecution(peer.tcp().handshake());
            ChannelException cause = assertInstanceOf(ChannelException.class, failed.getCause());
            assertEquals(DisconnectReason.NETWORK_MISMATCH, cause.reason());
        }
    }

    @Test
    void aHostFailingOnTheIdentityEndsOnlyThatChannelAsAnInternalError() {
        host.duringIdentified = channel -> {
            throw new IllegalStateException("core bug");
        };
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            peer.receive(peer.remoteIdentity);
            List<Packet> sent = peer.sent();
            DisconnectPacket disconnect = assertInstanceOf(DisconnectPacket.class, sent.get(sent.size() - 1));
            assertEquals(DisconnectReason.INTERNAL_ERROR, disconnect.reason());
            assertEquals("internal error: cannot register the channel", disconnect.message());
            assertFalse(peer.channel.isOpen());
            assertTrue(host.rejections.isEmpty(), "not the peer's fault");
        }
    }

    @Test
    void anErrorThrownByTheHostOnTheIdentityClosesTheChannelAsAnInternalError() {
        host.duringIdentified = channel -> {
            throw new AssertionError("core invariant broken");
        };
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            List<Throwable> reachedErrors = spyOnErrors(peer);
            peer.receive(peer.remoteIdentity);
            assertEquals(List.of(host.identity, new DisconnectPacket(DisconnectReason.INTERNAL_ERROR,
                    "internal error: cannot register the channel")), peer.sent());
            assertFalse(peer.channel.isOpen());
            assertFalse(peer.tcp().isOpen());
            assertTrue(host.rejections.isEmpty(), "not the peer's fault: " + host.rejections);
            assertEquals(List.of(), reachedErrors, "handled, not passed on");
            ChannelException cause = assertInstanceOf(ChannelException.class,
                    assertThrowsExecution(peer.tcp().handshake()).getCause());
            assertEquals(DisconnectReason.INTERNAL_ERROR, cause.reason());
        }
    }

    @Test
    void aVirtualMachineErrorFromTheHostIsRethrownOnceTheChannelIsClosed() {
        StackOverflowError fatal = new StackOverflowError("deep");
        host.duringIdentified = channel -> {
            throw fatal;
        };
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            List<Throwable> reachedErrors = spyOnErrors(peer);
            peer.receive(peer.remoteIdentity);
            assertEquals(List.of(host.identity, new DisconnectPacket(DisconnectReason.INTERNAL_ERROR,
                    "internal error: cannot register the channel")), peer.sent());
            assertFalse(peer.channel.isOpen());
            assertEquals(List.of(fatal), reachedErrors);
            // the errors handler found the channel already ending: nothing counted, nothing sent twice
            assertTrue(host.rejections.isEmpty(), host.rejections.toString());
            assertEquals(DisconnectReason.INTERNAL_ERROR, assertInstanceOf(ChannelException.class,
                    assertThrowsExecution(peer.tcp().handshake()).getCause()).reason());
        }
    }

    @Test
    void aHostThatClosesTheChannelThenThrowsAnErrorEndsItOnceWithItsOwnReason() {
        host.duringIdentified = channel -> {
            channel.close(DisconnectReason.DUPLICATE_CHANNEL, "kept the other one");
            throw new LinkageError("half-registered");
        };
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            peer.receive(peer.remoteIdentity);
            assertEquals(List.of(host.identity, new DisconnectPacket(DisconnectReason.DUPLICATE_CHANNEL, "kept the other one")),
                    peer.sent());
            assertFalse(peer.channel.isOpen());
            assertTrue(host.rejections.isEmpty());
            assertTrue(host.identified.isEmpty());
            assertEquals(DisconnectReason.DUPLICATE_CHANNEL, assertInstanceOf(ChannelException.class,
                    assertThrowsExecution(peer.tcp().handshake()).getCause()).reason());
        }
    }

    /** Records every exception that reaches the errors handler. */
    private static List<Throwable> spyOnErrors(EmbeddedPeer peer) {
        List<Throwable> caught = new java.util.concurrent.CopyOnWriteArrayList<>();
        peer.channel.pipeline().addBefore(TcpChannelInitializer.ERRORS, "spy", new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                caught.add(cause);
                ctx.fireExceptionCaught(cause);
            }
        });
        return caught;
    }

    @Test
    void anIdentityTooLargeForTheFrameLimitClosesWithoutBlamingThePeer() {
        FakeHost tiny = new FakeHost(new TransportSettings("127.0.0.1", 0, 128, HANDSHAKE, Duration.ZERO,
                32 * 1024, 64 * 1024, 256 * 1024));
        try (EmbeddedPeer peer = new EmbeddedPeer(tiny)) {
            assertFalse(peer.channel.isOpen());
            assertTrue(tiny.rejections.isEmpty());
        }
    }

    @Test
    void aSecondIdentityIsAProtocolViolation() throws Exception {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            RecordingSink sink = peer.identify();
            peer.receive(peer.remoteIdentity);
            assertEquals("second IDENTITY after the handshake", peer.assertRejected(DisconnectReason.PROTOCOL_VIOLATION));
            DisconnectRecord how = sink.awaitClosed();
            assertEquals(DisconnectReason.PROTOCOL_VIOLATION, how.reason());
            assertFalse(how.byRemote());
            assertTrue(sink.received.isEmpty());
        }
    }

    @Test
    void anInboundConnectionTheHostRefusesGetsADisconnectAndNoIdentity() {
        host.admission = remote -> Optional.of(new ChannelException(DisconnectReason.INBOUND_DISABLED, "not accepting"));
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            assertEquals(List.of(new DisconnectPacket(DisconnectReason.INBOUND_DISABLED, "not accepting")), peer.sent());
            assertFalse(peer.channel.isOpen());
            assertTrue(host.rejections.isEmpty());
        }
    }

    @Test
    void outboundChannelsAreNotAskedForAdmission() {
        host.admission = remote -> {
            throw new AssertionError("admission asked for an outbound channel");
        };
        try (EmbeddedPeer peer = new EmbeddedPeer(host, ChannelDirection.OUTBOUND)) {
            assertEquals(List.of(host.identity), peer.sent());
        }
    }

    @Test
    void aDisconnectDuringTheHandshakeClosesWithItsReasonWithoutAnswering() {
        try (EmbeddedPeer peer = new EmbeddedPeer(host, ChannelDirection.OUTBOUND)) {
            peer.receive(new DisconnectPacket(DisconnectReason.TOO_MANY_CHANNELS, "full", 60L));
            assertEquals(List.of(host.identity), peer.sent());
            assertFalse(peer.channel.isOpen());
            assertTrue(host.rejections.isEmpty());
            ChannelException cause = assertInstanceOf(ChannelException.class,
                    assertThrowsExecution(peer.tcp().handshake()).getCause());
            assertEquals(DisconnectReason.TOO_MANY_CHANNELS, cause.reason());
            assertEquals("full", cause.getMessage());
        }
    }

    @Test
    void packetsAfterTheHandshakeReachTheSinkInOrder() throws Exception {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            RecordingSink sink = peer.identify();
            MessagePacket first = new MessagePacket("1", "one", 1);
            MessagePacket second = new MessagePacket("2", "two", 2);
            RawPacket third = RawPacket.json("custom", "{\"n\":3}");
            peer.receive(Frames.concat(Frames.encode(peer.codec, first), Frames.encode(peer.codec, second),
                    Frames.encode(peer.codec, third)));
            assertEquals(first, sink.received.poll());
            assertEquals(second, sink.received.poll());
            Samples.assertSame(third, sink.received.poll());
            assertEquals(peer.tcp().handshake().get(), peer.tcp());
            ChannelStats stats = peer.tcp().stats();
            assertEquals(4, stats.packetsIn());
            assertEquals(1, stats.packetsOut());
        }
    }

    @Test
    void aRemoteDisconnectIsDeliveredThenClosesWithoutAnswer() throws Exception {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            RecordingSink sink = peer.identify();
            peer.sent();
            DisconnectPacket bye = new DisconnectPacket(DisconnectReason.REQUESTED, "operator said so");
            peer.receive(bye);
            assertEquals(bye, sink.received.poll());
            assertEquals(List.of(), peer.sent());
            DisconnectRecord how = sink.awaitClosed();
            assertEquals(DisconnectReason.REQUESTED, how.reason());
            assertEquals("operator said so", how.message());
            assertTrue(how.byRemote());
            // the core answering with close() afterwards sends nothing and changes nothing
            peer.tcp().close(DisconnectReason.SHUTDOWN, "late").toCompletableFuture().get(1, TimeUnit.SECONDS);
            assertEquals(List.of(), peer.sent());
            assertEquals(1, sink.closedCalls.get());
        }
    }

    @Test
    void aHostThatClosesTheChannelInsideIdentifiedStillGetsClosedOnce() throws Exception {
        host.duringIdentified = channel -> channel.close(DisconnectReason.DUPLICATE_CHANNEL, "kept the other one");
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            RecordingSink sink = peer.identify();
            assertEquals(List.of(host.identity, new DisconnectPacket(DisconnectReason.DUPLICATE_CHANNEL, "kept the other one")),
                    peer.sent());
            DisconnectRecord how = sink.awaitClosed();
            assertEquals(DisconnectReason.DUPLICATE_CHANNEL, how.reason());
            assertFalse(how.byRemote());
            assertEquals(1, sink.closedCalls.get());
            assertFalse(peer.channel.isOpen());
        }
    }

    @Test
    void aSinkThatClosesOnAReceivedDisconnectSendsNothingBack() throws Exception {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            RecordingSink sink = peer.identify();
            sink.onReceived = channel -> channel.close(DisconnectReason.REQUESTED, "handler closes too");
            peer.sent();
            peer.receive(new DisconnectPacket(DisconnectReason.SHUTDOWN, "node stopping"));
            assertEquals(List.of(), peer.sent());
            DisconnectRecord how = sink.awaitClosed();
            assertEquals(DisconnectReason.SHUTDOWN, how.reason());
            assertTrue(how.byRemote());
            assertEquals(DisconnectReason.SHUTDOWN, ((DisconnectPacket) sink.received.poll()).reason());
        }
    }

    @Test
    void closeSendsDisconnectAndTellsTheSinkOnce() throws Exception {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            RecordingSink sink = peer.identify();
            peer.sent();
            TransportChannel channel = peer.tcp();
            channel.close(DisconnectReason.REQUESTED, "done").toCompletableFuture().get(1, TimeUnit.SECONDS);
            assertEquals(List.of(new DisconnectPacket(DisconnectReason.REQUESTED, "done")), peer.sent());
            channel.close(DisconnectReason.SHUTDOWN, "again").toCompletableFuture().get(1, TimeUnit.SECONDS);
            assertEquals(List.of(), peer.sent());
            DisconnectRecord how = sink.awaitClosed();
            assertEquals(new DisconnectRecord(DisconnectReason.REQUESTED, "done", false, how.at()), how);
            assertEquals(1, sink.closedCalls.get());
            assertFalse(channel.isOpen());
            ChannelException late = assertInstanceOf(ChannelException.class,
                    assertThrowsExecution(channel.send(MessagePacket.of("late")).toCompletableFuture()).getCause());
            assertEquals(DisconnectReason.CONNECTION_LOST, late.reason());
        }
    }

    @Test
    void aConnectionThatJustEndsIsConnectionLost() throws Exception {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            RecordingSink sink = peer.identify();
            peer.channel.close();
            DisconnectRecord how = sink.awaitClosed();
            assertEquals(DisconnectReason.CONNECTION_LOST, how.reason());
            assertEquals("connection closed by peer without DISCONNECT", how.message());
            assertFalse(how.byRemote());
        }
    }

    @Test
    void anIdleChannelIsClosedWithIdleTimeout() throws Exception {
        host.settings = new TransportSettings("127.0.0.1", 0, 64 * 1024, HANDSHAKE, Duration.ofSeconds(30),
                32 * 1024, 64 * 1024, 256 * 1024);
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            RecordingSink sink = peer.identify();
            peer.sent();
            peer.advance(31, TimeUnit.SECONDS);
            List<Packet> sent = peer.sent();
            assertEquals(DisconnectReason.IDLE_TIMEOUT, assertInstanceOf(DisconnectPacket.class, sent.get(0)).reason());
            assertEquals(DisconnectReason.IDLE_TIMEOUT, sink.awaitClosed().reason());
            assertTrue(host.rejections.isEmpty(), "silence is not bad input");
        }
    }

    @Test
    void aPacketTooLargeToSendFailsItsSendAndKeepsTheChannel() throws Exception {
        try (EmbeddedPeer peer = new EmbeddedPeer(host)) {
            peer.identify();
            peer.sent();
            CompletableFuture<Void> sent = peer.tcp().send(MessagePacket.of("x".repeat(MessagePacket.MAX_TEXT_LENGTH))).toCompletableFuture();
            ChannelException cause = assertInstanceOf(ChannelException.class, assertThrowsExecution(sent).getCause());
            assertEquals(DisconnectReason.FRAME_TOO_LARGE, cause.reason());
            assertTrue(peer.tcp().isOpen());
            assertEquals(List.of(), peer.sent());
            peer.tcp().send(MessagePacket.of("small")).toCompletableFuture().get(1, TimeUnit.SECONDS);
            assertEquals(1, peer.sent().size());
        }
    }

    private static ExecutionException assertThrowsExecution(CompletableFuture<?> future) {
        assertTrue(future.isDone(), "not completed");
        try {
            future.get();
        } catch (ExecutionException e) {
            return e;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("completed normally");
    }
}
