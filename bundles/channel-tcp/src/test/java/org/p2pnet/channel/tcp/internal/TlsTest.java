package org.p2pnet.channel.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.spi.TransportChannel;
import org.p2pnet.api.spi.TransportSettings;

/** TLS on real transports over loopback (docs/PROTOCOL.md, "TLS"). */
@ExtendWith(LeakCheck.class)
class TlsTest {
    private static final int MAX_FRAME = 1024 * 1024;
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final byte TLS_ALERT = 21;

    private final List<TcpTransport> transports = new ArrayList<>();

    @AfterEach
    void closeEverything() {
        transports.forEach(TcpTransport::close);
        Conditions.awaitNoTransportThreads();
    }

    /** An open transport for {@code host}; returns the address it listens on. */
    private record Node(FakeHost host, TcpTransport transport, InetSocketAddress address) {
        CompletionStage<TransportChannel> dial(Node other) {
            return transport.dial(new PeerAddress("127.0.0.1", other.address().getPort()));
        }
    }

    private Node node(boolean tls, FakeHost host) throws IOException {
        TcpTransport transport = new TcpTransport(tls);
        transports.add(transport);
        return new Node(host, transport, transport.open(host));
    }

    private Node node(boolean tls) throws IOException {
        return node(tls, new FakeHost(FakeHost.settings(MAX_FRAME)));
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    private static ChannelException failure(CompletionStage<?> stage) throws InterruptedException {
        try {
            stage.toCompletableFuture().get(BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(ChannelException.class, e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("still running after " + BOUND);
        }
        throw new AssertionError("completed normally");
    }

    private static FakeHost.Rejection awaitRejection(FakeHost host) {
        Conditions.waitUntil(() -> !host.rejections.isEmpty(), BOUND, () -> "no rejection");
        return host.rejections.get(0);
    }

    @Test
    void twoTlsNodesHandshakeAndExchangePackets() throws Exception {
        Node a = node(true);
        Node b = node(true);
        TransportChannel dialled = await(b.dial(a));
        FakeHost.Identified atA = a.host().awaitIdentified();
        FakeHost.Identified atB = b.host().awaitIdentified();
        assertEquals(b.host().identity, atA.identity());
        assertEquals(a.host().identity, atB.identity());

        MessagePacket fromB = new MessagePacket("1", "hello over tls", 1);
        await(dialled.send(fromB));
        assertEquals(fromB, atA.sink().awaitPacket());
        MessagePacket fromA = new MessagePacket("2", "and back", 2);
        await(atA.channel().send(fromA));
        assertEquals(fromA, atB.sink().awaitPacket());

        // what went over the wire is TLS with the node certificates, whose keys are the node keys
        TcpChannel outbound = (TcpChannel) dialled;
        var session = outbound.nettyChannel().pipeline().get(io.netty.handler.ssl.SslHandler.class).engine().getSession();
        assertEquals(Tls.PROTOCOL, session.getProtocol());
        assertArrayEquals(a.host().keys.getPublic().getEncoded(), session.getPeerCertificates()[0].getPublicKey().getEncoded());
        assertArrayEquals(b.host().keys.getPublic().getEncoded(), session.getLocalCertificates()[0].getPublicKey().getEncoded());

        await(dialled.close(DisconnectReason.REQUESTED, "bye"));
        assertEquals(DisconnectReason.REQUESTED, atA.sink().awaitClosed().reason());
        assertTrue(a.host().rejections.isEmpty() && b.host().rejections.isEmpty(),
                a.host().rejections + " " + b.host().rejections);
    }

    /** A rogue host: its TLS certificate is for key B, its IDENTITY claims the id of key A. */
    private static FakeHost rogue() {
        FakeHost liar = new FakeHost(FakeHost.settings(MAX_FRAME));
        liar.nodeKeys = FakeHost.newKeyPair();
        return liar;
    }

    @Test
    void aDiallerAnnouncingAnIdWhoseKeyItDoesNotHoldIsRefusedWithInvalidIdentity() throws Exception {
        Node honest = node(true);
        Node liar = node(true, rogue());
        // the liar may identify the honest node before the refusal arrives: then its channel closes with it
        DisconnectReason seen;
        try {
            await(liar.dial(honest));
            seen = liar.host().awaitIdentified().sink().awaitClosed().reason();
        } catch (ExecutionException e) {
            seen = assertInstanceOf(ChannelException.class, e.getCause()).reason();
        }
        assertEquals(DisconnectReason.INVALID_IDENTITY, seen);
        FakeHost.Rejection rejection = awaitRejection(honest.host());
        assertEquals(DisconnectReason.INVALID_IDENTITY, rejection.reason());
        assertTrue(rejection.detail().contains("does not match the announced id "
                + liar.host().identity.peerId().shortForm()), rejection.detail());
        assertEquals(1, honest.host().rejections.size());
        assertTrue(honest.host().identified.isEmpty());
    }

    @Test
    void anAcceptorAnnouncingAnIdWhoseKeyItDoesNotHoldIsRefusedWithInvalidIdentity() throws Exception {
        Node honest = node(true);
        Node liar = node(true, rogue());
        ChannelException refused = failure(honest.dial(liar));
        assertEquals(DisconnectReason.INVALID_IDENTITY, refused.reason(), refused.getMessage());
        assertTrue(refused.getMessage().contains("does not match the announced id"), refused.getMessage());
        assertEquals(DisconnectReason.INVALID_IDENTITY, awaitRejection(honest.host()).reason());
    }

    @Test
    void aTlsNodeDiallingAPlaintextNodeFailsFastOnBothSides() throws Exception {
        Node plain = node(false);
        Node tls = node(true);
        ChannelException refused = failure(tls.dial(plain));
        assertTrue(refused.getMessage().contains("plaintext") || refused.getMessage().contains("tls=true"),
                refused.reason() + " " + refused.getMessage());
        FakeHost.Rejection atPlain = awaitRejection(plain.host());
        assertEquals(DisconnectReason.FRAME_TOO_LARGE, atPlain.reason());
        assertTrue(atPlain.detail().contains("the bytes are a TLS record"), atPlain.detail());
        FakeHost.Rejection atTls = awaitRejection(tls.host());
        assertEquals(DisconnectReason.PROTOCOL_VIOLATION, atTls.reason());
        assertTrue(atTls.detail().contains("plaintext"), atTls.detail());
    }

    @Test
    void aPlaintextNodeDiallingATlsNodeFailsFastOnBothSides() throws Exception {
        Node tls = node(true);
        Node plain = node(false);
        ChannelException refused = failure(plain.dial(tls));
        assertTrue(refused.reason() == DisconnectReason.CONNECTION_LOST || refused.reason() == DisconnectReason.FRAME_TOO_LARGE
                || refused.reason() == DisconnectReason.MALFORMED_FRAME, refused.reason() + " " + refused.getMessage());
        FakeHost.Rejection atTls = awaitRejection(tls.host());
        assertEquals(DisconnectReason.PROTOCOL_VIOLATION, atTls.reason());
        assertTrue(atTls.detail().contains("TLS expected, the peer sent plaintext"), atTls.detail());
    }

    @Test
    void aPeerThatNeverCompletesTlsGetsTheHandshakeTimeout() throws Exception {
        FakeHost host = new FakeHost(new TransportSettings("127.0.0.1", 0, MAX_FRAME, Duration.ofMillis(300), Duration.ZERO,
                32 * 1024, 64 * 1024, 256 * 1024));
        Node tls = node(true, host);
        try (Socket silent = new Socket()) {
            silent.setSoTimeout((int) BOUND.toMillis());
            silent.connect(tls.address(), (int) BOUND.toMillis());
            long start = System.nanoTime();
            // connected and silent: the acceptor waits for a ClientHello that never comes, then closes
            // (at most a TLS close_notify alert: no DISCONNECT can be sent before TLS is up)
            InputStream in = silent.getInputStream();
            byte[] sink = new byte[256];
            try {
                while (in.read(sink) >= 0) {
                    assertEquals(TLS_ALERT, sink[0], "only a TLS alert record");
                }
            } catch (SocketException reset) {
                // closed just as well
            }
            assertTrue(System.nanoTime() - start < BOUND.toNanos());
        }
        FakeHost.Rejection rejection = awaitRejection(host);
        assertEquals(DisconnectReason.HANDSHAKE_TIMEOUT, rejection.reason());
        assertTrue(rejection.detail().startsWith("TLS handshake not complete within"), rejection.detail());
        Conditions.waitUntil(() -> tls.transport().endpoint().handshakesInProgress() == 0, BOUND,
                () -> "the handshake place was not given back");
    }

    @Test
    void theCertificateCarriesTheNodeKeyAndIsSelfSigned() throws Exception {
        KeyPair keys = FakeHost.newKeyPair();
        Instant now = Instant.now();
        X509Certificate certificate = NodeCertificate.selfSigned(keys, now);
        assertArrayEquals(keys.getPublic().getEncoded(), certificate.getPublicKey().getEncoded());
        assertEquals("CN=" + PeerId.of(keys.getPublic()).value(), certificate.getSubjectX500Principal().getName());
        assertEquals(certificate.getSubjectX500Principal(), certificate.getIssuerX500Principal());
        assertEquals(3, certificate.getVersion());
        assertEquals("Ed25519", certificate.getSigAlgName());
        certificate.verify(keys.getPublic());
        certificate.checkValidity(java.util.Date.from(now));
        certificate.checkValidity(java.util.Date.from(now.plus(Duration.ofDays(3649))));
        assertThrows(java.security.cert.CertificateExpiredException.class,
                () -> certificate.checkValidity(java.util.Date.from(now.plus(Duration.ofDays(3651)))));
        // and a transport presents exactly that key
        Node node = node(true);
        assertArrayEquals(node.host().keys.getPublic().getEncoded(),
                node.transport().endpoint().tlsCertificate().getPublicKey().getEncoded());
    }

    @Test
    void tlsIsOffByDefault() throws Exception {
        TcpTransport transport = new TcpTransport();
        transports.add(transport);
        transport.open(new FakeHost(FakeHost.settings(MAX_FRAME)));
        assertEquals(null, transport.endpoint().tlsCertificate());
    }

    @Test
    void aHostWithoutANodeKeyCannotOpenWithTls() {
        FakeHost host = new FakeHost(FakeHost.settings(MAX_FRAME));
        host.nodeKeys = null;
        TcpTransport transport = new TcpTransport(true);
        transports.add(transport);
        IOException e = assertThrows(IOException.class, () -> transport.open(host));
        assertTrue(e.getMessage().startsWith("tls=true, but TLS cannot be set up"), e.getMessage());
        assertTrue(Conditions.transportThreads().isEmpty(), Conditions.transportThreads().toString());
    }
}
