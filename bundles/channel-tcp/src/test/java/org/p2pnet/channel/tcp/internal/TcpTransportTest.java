package org.p2pnet.channel.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.api.packet.DataPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.spi.TransportChannel;
import org.p2pnet.api.spi.TransportSettings;

/** Two real transports on loopback sockets. */
@ExtendWith(LeakCheck.class)
class TcpTransportTest {
    private static final int MAX_FRAME = 1024 * 1024;

    private final List<TcpTransport> transports = new ArrayList<>();

    @AfterEach
    void closeEverything() {
        transports.forEach(TcpTransport::close);
        Conditions.awaitNoTransportThreads();
    }

    private TcpTransport transport() {
        TcpTransport transport = new TcpTransport();
        transports.add(transport);
        return transport;
    }

    private static PeerAddress loopback(InetSocketAddress bound) {
        return new PeerAddress("127.0.0.1", bound.getPort());
    }

    private static FakeHost host() {
        return new FakeHost(FakeHost.settings(MAX_FRAME));
    }

    /** Transport {@code a} listening at {@code addressA} for {@code hostA}, and transport {@code b} open for another host. */
    private record TwoTransports(FakeHost hostA, TcpTransport a, InetSocketAddress addressA, FakeHost hostB,
            TcpTransport b) {
        CompletionStage<TransportChannel> bDialsA() {
            return b.dial(loopback(addressA));
        }
    }

    private TwoTransports twoTransports(FakeHost hostA) throws IOException {
        TcpTransport a = transport();
        TcpTransport b = transport();
        InetSocketAddress addressA = a.open(hostA);
        FakeHost hostB = host();
        b.open(hostB);
        return new TwoTransports(hostA, a, addressA, hostB, b);
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static ChannelException failure(CompletionStage<?> stage) throws InterruptedException {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(ChannelException.class, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("still running after 10 s");
        }
        throw new AssertionError("completed normally");
    }

    @Test
    void twoNodesHandshakeExchangeMessagesAndCloseWithAReason() throws Exception {
        TwoTransports two = twoTransports(host());
        FakeHost hostA = two.hostA();
        FakeHost hostB = two.hostB();
        InetSocketAddress addressA = two.addressA();
        assertNotEquals(0, addressA.getPort());
        assertFalse(Conditions.transportThreads().isEmpty());
        assertTrue(Conditions.transportThreads().stream()
                .allMatch(name -> name.matches("p2pnet-tcp-(accept|io)-\\d+")), Conditions.transportThreads().toString());

        TransportChannel dialled = await(two.bDialsA());
        FakeHost.Identified atA = hostA.awaitIdentified();
        FakeHost.Identified atB = hostB.awaitIdentified();
        assertSame(dialled, atB.channel());
        assertEquals(hostB.identity, atA.identity());
        assertEquals(hostA.identity, atB.identity());
        assertEquals(ChannelDirection.OUTBOUND, dialled.direction());
        assertEquals(ChannelDirection.INBOUND, atA.channel().direction());
        assertEquals(addressA.getPort(), dialled.remoteAddress().getPort());
        assertTrue(dialled.isOpen() && dialled.isWritable());

        MessagePacket fromB = new MessagePacket("1", "hello from b", 1);
        await(dialled.send(fromB));
        assertEquals(fromB, atA.sink().awaitPacket());
        DataPacket fromA = new DataPacket("t", DataFormat.FILE, "f", 0, 3, "", true, new byte[] {7, 8, 9});
        await(atA.channel().send(fromA));
        Samples.assertSame(fromA, atB.sink().awaitPacket());

        await(dialled.close(DisconnectReason.REQUESTED, "bye"));
        DisconnectRecord remoteView = atA.sink().awaitClosed();
        assertEquals(DisconnectReason.REQUESTED, remoteView.reason());
        assertEquals("bye", remoteView.message());
        assertTrue(remoteView.byRemote());
        DisconnectRecord localView = atB.sink().awaitClosed();
        assertEquals(DisconnectReason.REQUESTED, localView.reason());
        assertFalse(localView.byRemote());
        // the DISCONNECT is delivered too, before closed()
        assertEquals(DisconnectReason.REQUESTED,
                assertInstanceOf(org.p2pnet.api.packet.DisconnectPacket.class, atA.sink().awaitPacket()).reason());

        ChannelStats stats = dialled.stats();
        assertEquals(3, stats.packetsOut(), "IDENTITY, MESSAGE, DISCONNECT");
        assertEquals(2, stats.packetsIn(), "IDENTITY, DATA");
        assertEquals(stats.bytesOut(), atA.channel().stats().bytesIn());
        assertTrue(hostA.rejections.isEmpty() && hostB.rejections.isEmpty());

        two.a().close();
        two.b().close();
        Conditions.awaitNoTransportThreads();
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), addressA.getPort()));
        }
    }

    @Test
    void everyPacketIsReportedToTheSinkWithItsExactFrameSize() throws Exception {
        TwoTransports two = twoTransports(host());
        TransportChannel dialled = await(two.bDialsA());
        FakeHost.Identified atA = two.hostA().awaitIdentified();
        FakeHost.Identified atB = two.hostB().awaitIdentified();

        MessagePacket fromB = new MessagePacket("1", "hello from b", 1);
        await(dialled.send(fromB));
        atA.sink().awaitPacket();
        DataPacket fromA = new DataPacket("t", DataFormat.FILE, "f", 0, 3, "", true, new byte[] {7, 8, 9});
        await(atA.channel().send(fromA));
        atB.sink().awaitPacket();
        await(dialled.close(DisconnectReason.REQUESTED, "bye"));
        atA.sink().awaitClosed();
        atB.sink().awaitClosed();
        atA.sink().awaitPacket(); // the DISCONNECT

        int messageFrame = frameSize(fromB);
        List<RecordingSink.Sized> inAtA = atA.sink().receivedSizes;
        assertEquals(List.of("MESSAGE", "DISCONNECT"), inAtA.stream().map(RecordingSink.Sized::type).toList());
        assertEquals(messageFrame, inAtA.get(0).frameBytes());
        assertEquals(frameSize(two.hostB().identity), atA.sink().identityFrameBytes);
        assertEquals(atA.channel().stats().bytesIn(), atA.sink().identityFrameBytes
                + inAtA.stream().mapToInt(RecordingSink.Sized::frameBytes).sum());

        // B wrote its IDENTITY (reported once identified), the MESSAGE and the DISCONNECT
        List<RecordingSink.Sized> outAtB = atB.sink().sentSizes;
        assertEquals(List.of("IDENTITY", "MESSAGE", "DISCONNECT"),
                outAtB.stream().map(RecordingSink.Sized::type).toList());
        assertEquals(messageFrame, outAtB.get(1).frameBytes());
        assertEquals(dialled.stats().bytesOut(), outAtB.stream().mapToInt(RecordingSink.Sized::frameBytes).sum());
        assertEquals(frameSize(fromA), atB.sink().receivedSizes.get(0).frameBytes());
        assertEquals(List.of(new RecordingSink.Sized("IDENTITY", frameSize(two.hostA().identity)),
                new RecordingSink.Sized("DATA", frameSize(fromA))), atA.sink().sentSizes);
    }

    @Test
    void aWriteThatFailsIsNotReportedSent() throws Exception {
        TwoTransports two = twoTransports(host());
        TransportChannel dialled = await(two.bDialsA());
        FakeHost.Identified atB = two.hostB().awaitIdentified();
        DataPacket tooLarge = new DataPacket("t", DataFormat.FILE, "f", 0, MAX_FRAME, "", true, new byte[MAX_FRAME]);

        assertEquals(DisconnectReason.FRAME_TOO_LARGE, failure(dialled.send(tooLarge)).reason());

        assertEquals(List.of("IDENTITY"), atB.sink().sentSizes.stream().map(RecordingSink.Sized::type).toList());
    }

    /** The frame of a packet on the wire: its encoding plus the 4-byte length prefix. */
    private static int frameSize(Packet packet) throws ChannelException {
        io.netty.buffer.ByteBuf frame = new PacketCodec(MAX_FRAME).encode(packet, io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
        try {
            return frame.readableBytes() + PacketCodec.LENGTH_FIELD_SIZE;
        } finally {
            frame.release();
        }
    }

    @Test
    void closingATransportEndsItsChannelsWithShutdown() throws Exception {
        TwoTransports two = twoTransports(host());
        await(two.bDialsA());
        FakeHost.Identified atA = two.hostA().awaitIdentified();
        FakeHost.Identified atB = two.hostB().awaitIdentified();

        two.a().close();
        // close() returns after its channels are closed and their sinks told
        assertTrue(atA.sink().closed.isDone());
        assertEquals(DisconnectReason.SHUTDOWN, atA.sink().awaitClosed().reason());
        DisconnectRecord remote = atB.sink().awaitClosed();
        assertEquals(DisconnectReason.SHUTDOWN, remote.reason());
        assertTrue(remote.byRemote());
        assertEquals(DisconnectReason.SHUTDOWN, failure(two.a().dial(loopback(two.addressA()))).reason());
    }

    @Test
    void dialingAClosedTransportFailsWithShutdown() throws Exception {
        ChannelException e = failure(transport().dial(new PeerAddress("127.0.0.1", 9)));
        assertEquals(DisconnectReason.SHUTDOWN, e.reason());
        assertEquals("tcp transport is not open", e.getMessage());
    }

    @Test
    void dialingAPortNobodyListensOnIsConnectionRefused() throws Exception {
        TcpTransport b = transport();
        b.open(host());
        int port = freePort();
        ChannelException e = failure(b.dial(new PeerAddress("127.0.0.1", port)));
        assertEquals(DisconnectReason.CONNECTION_LOST, e.reason());
        assertEquals("connection refused by 127.0.0.1:" + port, e.getMessage());
    }

    @Test
    void anInboundRefusalFailsTheDialWithItsReason() throws Exception {
        FakeHost hostA = host();
        hostA.admission = remote -> Optional.of(new ChannelException(DisconnectReason.INBOUND_DISABLED, "closed for visitors"));
        TwoTransports two = twoTransports(hostA);
        ChannelException e = failure(two.bDialsA());
        assertEquals(DisconnectReason.INBOUND_DISABLED, e.reason());
        assertEquals("closed for visitors", e.getMessage());
        assertTrue(hostA.identified.isEmpty() && two.hostB().identified.isEmpty());
    }

    @Test
    void anIdentityTheRemoteHostRefusesEndsTheChannelWithItsReason() throws Exception {
        FakeHost hostA = host();
        hostA.refuseIdentity = new ChannelException(DisconnectReason.NETWORK_MISMATCH, "we are on test-net");
        TwoTransports two = twoTransports(hostA);
        CompletionStage<TransportChannel> dial = two.bDialsA();
        // both IDENTITYs cross at once, so B may accept A's before A's DISCONNECT arrives
        try {
            await(dial);
            DisconnectRecord how = two.hostB().awaitIdentified().sink().awaitClosed();
            assertEquals(DisconnectReason.NETWORK_MISMATCH, how.reason());
            assertEquals("we are on test-net", how.message());
            assertTrue(how.byRemote());
        } catch (ExecutionException e) {
            assertEquals(DisconnectReason.NETWORK_MISMATCH, assertInstanceOf(ChannelException.class, e.getCause()).reason());
        }
    }

    @Test
    void reconfigureMovesTheListenerAndKeepsOpenChannels() throws Exception {
        FakeHost hostA = host();
        TwoTransports two = twoTransports(hostA);
        InetSocketAddress first = two.addressA();
        TransportChannel kept = await(two.bDialsA());
        FakeHost.Identified atA = hostA.awaitIdentified();

        assertEquals(first, two.a().reconfigure(), "unchanged settings keep the listener");
        int port = freePort();
        hostA.settings = FakeHost.settings(MAX_FRAME, port);
        InetSocketAddress second = two.a().reconfigure();
        assertEquals(port, second.getPort());

        assertEquals(DisconnectReason.CONNECTION_LOST, failure(two.b().dial(loopback(first))).reason());
        await(two.b().dial(loopback(second)));
        MessagePacket still = MessagePacket.of("still here");
        await(kept.send(still));
        assertEquals(still, atA.sink().awaitPacket());
    }

    @Test
    void reconfigureToAnotherAddressOnTheSamePortClosesTheOldListenerFirst() throws Exception {
        int port = freePort();
        FakeHost hostA = new FakeHost(FakeHost.settings(MAX_FRAME, port));
        TwoTransports two = twoTransports(hostA);
        TransportChannel kept = await(two.bDialsA());
        FakeHost.Identified atA = hostA.awaitIdentified();

        hostA.settings = settings("0.0.0.0", port);
        InetSocketAddress moved = two.a().reconfigure();
        assertEquals(port, moved.getPort());
        assertTrue(moved.getAddress().isAnyLocalAddress(), moved.toString());
        assertEquals(moved, two.a().endpoint().boundAddress());

        // the new listener takes channels, and the open one is kept
        await(two.b().dial(new PeerAddress("127.0.0.1", port)));
        MessagePacket still = MessagePacket.of("still here");
        await(kept.send(still));
        assertEquals(still, atA.sink().awaitPacket());

        // and back again
        hostA.settings = FakeHost.settings(MAX_FRAME, port);
        assertEquals(new InetSocketAddress("127.0.0.1", port), two.a().reconfigure());
        await(two.b().dial(new PeerAddress("127.0.0.1", port)));
        assertTrue(hostA.rejections.isEmpty());
    }

    @Test
    void aFailedMoveOnTheSamePortBindsTheOldAddressAgainAndNamesBoth() throws Exception {
        int port = freePort();
        FakeHost hostA = new FakeHost(FakeHost.settings(MAX_FRAME, port));
        TwoTransports two = twoTransports(hostA);
        InetSocketAddress first = two.addressA();

        // TEST-NET-1: not an address of this host, so it cannot be bound
        hostA.settings = settings("192.0.2.1", port);
        IOException e = assertThrows(IOException.class, () -> two.a().reconfigure());
        String from = "127.0.0.1:" + port;
        String to = "192.0.2.1:" + port;
        assertTrue(e.getMessage().startsWith("cannot move the listener from " + from + " to " + to + ": cannot listen on "
                + to + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; still listening on " + from), e.getMessage());

        // still listening where it says, with the settings it had
        assertEquals(first, two.a().endpoint().boundAddress());
        assertEquals(first, two.a().listening(), "what the core is told it kept");
        await(two.bDialsA());
        hostA.settings = FakeHost.settings(MAX_FRAME, port);
        assertEquals(first, two.a().reconfigure());
        await(two.bDialsA());
    }

    @Test
    void aFailedMoveToAnotherPortKeepsTheOldListenerAndNamesBoth() throws Exception {
        FakeHost hostA = host();
        TwoTransports two = twoTransports(hostA);
        InetSocketAddress first = two.addressA();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            hostA.settings = FakeHost.settings(MAX_FRAME, taken.getLocalPort());
            IOException e = assertThrows(IOException.class, () -> two.a().reconfigure());
            assertTrue(e.getMessage().startsWith("cannot move the listener from 127.0.0.1:" + first.getPort()
                    + " to 127.0.0.1:" + taken.getLocalPort() + ": "), e.getMessage());
            assertTrue(e.getMessage().endsWith("; still listening on 127.0.0.1:" + first.getPort()), e.getMessage());
        }
        assertEquals(first, two.a().endpoint().boundAddress());
        assertEquals(first, two.a().listening(), "what the core is told it kept");
        await(two.bDialsA());
        two.a().close();
        assertNull(two.a().listening(), "a closed transport listens nowhere");
    }

    @Test
    void closingAChannelAfterItsTransportClosedCompletesAtOnce() throws Exception {
        TwoTransports two = twoTransports(host());
        await(two.bDialsA());
        TcpChannel atA = (TcpChannel) two.hostA().awaitIdentified().channel();
        two.a().close();
        Conditions.waitUntil(() -> atA.channel().eventLoop().isTerminated(), Duration.ofSeconds(10),
                () -> "event loop of " + atA + " still running");
        assertFalse(atA.isOpen());

        // a listener on the close future would never be notified by the terminated loop
        atA.close(DisconnectReason.REQUESTED, "late").toCompletableFuture().get(5, TimeUnit.SECONDS);
        atA.close(DisconnectReason.SHUTDOWN, "later").toCompletableFuture().get(5, TimeUnit.SECONDS);
        ChannelException e = failure(atA.send(MessagePacket.of("too late")));
        assertEquals(DisconnectReason.CONNECTION_LOST, e.reason());
    }

    @Test
    void aListenPortInUseFailsOpenNamingTheAddressAndLeavesNoThread() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            FakeHost host = new FakeHost(FakeHost.settings(MAX_FRAME, taken.getLocalPort()));
            TcpTransport a = transport();
            IOException e = assertThrows(IOException.class, () -> a.open(host));
            assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "), e.getMessage());
            Conditions.awaitNoTransportThreads();
            assertEquals(DisconnectReason.SHUTDOWN, failure(a.dial(new PeerAddress("127.0.0.1", 9))).reason());
        }
    }

    @Test
    void openAndCloseManyTimesLeakNoThreadAndNoPort() throws Exception {
        int port = freePort();
        FakeHost host = new FakeHost(FakeHost.settings(MAX_FRAME, port));
        TcpTransport a = transport();
        PacketCodec codec = new PacketCodec(MAX_FRAME);
        for (int cycle = 0; cycle < 25; cycle++) {
            InetSocketAddress bound = a.open(host);
            assertEquals(port, bound.getPort(), "the same port binds again at cycle " + cycle);
            try (RawPeer peer = new RawPeer(bound, codec, 0)) {
                // an identified channel open at close time gets a DISCONNECT SHUTDOWN
                assertEquals(host.identity, peer.read());
                peer.send(Samples.identity());
                RecordingSink sink = host.awaitIdentified().sink();
                // like a real peer, it closes once it read the DISCONNECT, which ends the node's drain
                CompletableFuture<Packet> bye = new CompletableFuture<>();
                Thread reader = new Thread(() -> {
                    try {
                        bye.complete(peer.read());
                        peer.close();
                    } catch (IOException e) {
                        bye.completeExceptionally(e);
                    }
                }, "test-peer-reader");
                reader.start();
                if (cycle % 2 == 0) {
                    a.close();
                } else {
                    a.deactivate();
                }
                assertEquals(DisconnectReason.SHUTDOWN, sink.awaitClosed().reason());
                assertEquals(DisconnectReason.SHUTDOWN, assertInstanceOf(org.p2pnet.api.packet.DisconnectPacket.class,
                        bye.get(10, TimeUnit.SECONDS)).reason());
                reader.join(10_000);
            }
            assertEquals(null, a.endpoint());
            Conditions.awaitNoTransportThreads();
        }
    }

    private static TransportSettings settings(String bindAddress, int port) {
        TransportSettings loopback = FakeHost.settings(MAX_FRAME, port);
        return new TransportSettings(bindAddress, port, loopback.maxFrameSize(), loopback.handshakeTimeout(),
                loopback.idleTimeout(), loopback.writeBufferLow(), loopback.writeBufferHigh(), loopback.writeBufferLimit());
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }
}
