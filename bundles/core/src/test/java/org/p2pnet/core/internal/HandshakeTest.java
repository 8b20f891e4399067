package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerListener;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.PacketTypes;

class HandshakeTest extends NodeTestSupport {
    private ChannelException refusedInbound(IdentityPacket identity) {
        return assertThrows(ChannelException.class,
                () -> node.transport.inbound(FakeTransport.ephemeral("10.0.0.9"), identity));
    }

    private long rejected(DisconnectReason reason) {
        return node.network.status().rejections().getOrDefault(reason, 0L);
    }

    @Test
    void identityOfTheNode() {
        node = TestNode.start(dir);
        NodeIdentity id = node.network.identity();
        assertEquals("p2pnet/test", id.agent());
        assertEquals(1, id.protocolVersion());
        assertEquals("Ed25519", id.keyAlgorithm());
        assertEquals(7700, id.listenPort());
        assertTrue(id.peerId().matchesKey(id.publicKey()));
        IdentityPacket sent = node.host().localIdentity();
        assertTrue(sent.idMatchesKey());
        assertEquals(7700, sent.listenPort());
        assertEquals("p2pnet", sent.networkName());
        assertEquals("fake", node.network.status().transport());
        assertEquals(new PeerAddress("0.0.0.0", 7700), node.network.status().listening());
    }

    @Test
    void idThatDoesNotDeriveFromTheKeyIsInvalid() {
        node = TestNode.start(dir);
        RemotePeer claimed = new RemotePeer();
        ChannelException e = refusedInbound(claimed.forged(new RemotePeer()));
        assertEquals(DisconnectReason.INVALID_IDENTITY, e.reason());
        assertEquals(1, rejected(DisconnectReason.INVALID_IDENTITY));
        assertTrue(node.network.activeChannels().isEmpty());
    }

    @Test
    void otherProtocolVersionIsAMismatchNamingBothVersions() {
        node = TestNode.start(dir);
        ChannelException e = refusedInbound(new RemotePeer().identity(7700, "p2pnet", 2));
        assertEquals(DisconnectReason.PROTOCOL_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("version 2") && e.getMessage().contains("version 1"), e.getMessage());
        assertEquals(1, rejected(DisconnectReason.PROTOCOL_MISMATCH));
    }

    @Test
    void otherNetworkIsAMismatchNamingBothNetworks() {
        node = TestNode.start(dir);
        ChannelException e = refusedInbound(new RemotePeer().identity(7700, "elsewhere", 1));
        assertEquals(DisconnectReason.NETWORK_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("'elsewhere'") && e.getMessage().contains("'p2pnet'"), e.getMessage());
        assertEquals(1, rejected(DisconnectReason.NETWORK_MISMATCH));
    }

    @Test
    void checksRunInProtocolOrder() {
        node = TestNode.start(dir);
        RemotePeer p = new RemotePeer();
        IdentityPacket everythingWrong = new IdentityPacket(p.id, p.forged(new RemotePeer()).publicKey(), "Ed25519",
                7700, "elsewhere", 2, "");
        assertEquals(DisconnectReason.INVALID_IDENTITY, refusedInbound(everythingWrong).reason());
        assertEquals(DisconnectReason.PROTOCOL_MISMATCH,
                refusedInbound(p.identity(7700, "elsewhere", 2)).reason());
        IdentityPacket self = node.host().localIdentity();
        IdentityPacket selfElsewhere = new IdentityPacket(self.peerId(), self.publicKey(), "Ed25519", 7700,
                "elsewhere", 1, "");
        assertEquals(DisconnectReason.NETWORK_MISMATCH, refusedInbound(selfElsewhere).reason());
    }

    @Test
    void dialingItselfIsRefusedAndRemembered() {
        node = TestNode.start(dir);
        PeerAddress own = new PeerAddress("192.168.1.10", 7700);
        node.transport.answer(own, node.host().localIdentity());

        Throwable first = Await.failure(node.network.connect(own));
        assertEquals(DisconnectReason.SELF_CONNECTION, assertInstanceOf(ChannelException.class, first).reason());
        assertEquals(1, rejected(DisconnectReason.SELF_CONNECTION));
        assertEquals(1, node.transport.dialled.size());

        Throwable second = Await.failure(node.network.connect(own));
        assertEquals(DisconnectReason.SELF_CONNECTION, assertInstanceOf(ChannelException.class, second).reason());
        assertEquals(1, node.transport.dialled.size(), "the second connect fails without dialing");

        ChannelException inbound = refusedInbound(node.host().localIdentity());
        assertEquals(DisconnectReason.SELF_CONNECTION, inbound.reason());
        assertEquals(2, rejected(DisconnectReason.SELF_CONNECTION));
    }

    @Test
    void inboundLimitRefusesNewPeersButNotAReconnect() {
        node = TestNode.start(dir, "maxInboundChannels", 1);
        RemotePeer first = new RemotePeer();
        node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), first.identity(7700));

        ChannelException admission = refusedInbound(new RemotePeer().identity(7700));
        assertEquals(DisconnectReason.TOO_MANY_CHANNELS, admission.reason());

        // a transport that skipped admission meets the same limit at identification
        FakeChannel late = new FakeChannel(FakeTransport.ephemeral("10.0.0.4"), ChannelDirection.INBOUND);
        ChannelException identification = assertThrows(ChannelException.class,
                () -> node.transport.identify(late, new RemotePeer().identity(7700)));
        assertEquals(DisconnectReason.TOO_MANY_CHANNELS, identification.reason());
        assertEquals(2, rejected(DisconnectReason.TOO_MANY_CHANNELS));

        FakeChannel again = node.transport.identify(
                new FakeChannel(FakeTransport.ephemeral("10.0.0.2"), ChannelDirection.INBOUND), first.identity(7700));
        assertEquals(again.id(), node.network.channel(first.id).orElseThrow().channelId());
        assertEquals(1, node.network.status().inboundChannels());
    }

    @Test
    void outboundLimitFailsConnectFast() {
        node = TestNode.start(dir, "maxOutboundChannels", 1);
        RemotePeer peer = new RemotePeer();
        PeerAddress a = new PeerAddress("10.0.0.2", 7700);
        node.transport.answer(a, peer.identity(7700));
        PeerChannel channel = Await.result(node.network.connect(a));
        assertEquals(peer.id, channel.peerId());
        assertEquals(ChannelDirection.OUTBOUND, channel.direction());

        Throwable e = Await.failure(node.network.connect(new PeerAddress("10.0.0.3", 7700)));
        assertEquals(DisconnectReason.TOO_MANY_CHANNELS, assertInstanceOf(ChannelException.class, e).reason());
        assertEquals(1, node.transport.dialled.size());
    }

    @Test
    void rejectionsReportedByTheTransportAreCounted() {
        node = TestNode.start(dir);
        for (int i = 0; i < 3; i++) {
            node.host().rejected(FakeTransport.ephemeral("10.0.0.7"), DisconnectReason.MALFORMED_FRAME, "length 3");
        }
        node.host().rejected(FakeTransport.ephemeral("10.0.0.7"), DisconnectReason.HANDSHAKE_TIMEOUT, "10 s");
        assertEquals(3, rejected(DisconnectReason.MALFORMED_FRAME));
        assertEquals(1, rejected(DisconnectReason.HANDSHAKE_TIMEOUT));
    }

    @Test
    void secondIdentityIsAProtocolViolation() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        FakeChannel c = node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), peer.identity(7700));
        c.receive(peer.identity(7700));
        assertFalse(c.isOpen());
        assertEquals(DisconnectReason.PROTOCOL_VIOLATION, c.closedWith);
        assertEquals(1, rejected(DisconnectReason.PROTOCOL_VIOLATION));
    }

    @Test
    void withoutTransportNothingListensAndConnectSaysWhatToInstall() {
        PeerNetworkImpl bare = new PeerNetworkImpl(TestConfigs.config(dir), "p2pnet/test");
        try {
            assertEquals(0, bare.identity().listenPort());
            assertNull(bare.status().transport());
            assertNull(bare.status().listening());
            Throwable e = Await.failure(bare.connect(new PeerAddress("10.0.0.2", 7700)));
            ChannelException ce = assertInstanceOf(ChannelException.class, e);
            assertEquals(DisconnectReason.SHUTDOWN, ce.reason());
            assertEquals(PeerNetworkImpl.NO_TRANSPORT, ce.getMessage());
        } finally {
            bare.deactivate();
        }
    }

    private static IdentityPacket claiming(byte[] key, String algorithm) {
        return new IdentityPacket(PeerId.fromEncodedKey(key), Base64.getEncoder().encodeToString(key), algorithm, 7700,
                "p2pnet", 1, "");
    }

    /** Finding: any bytes were accepted as a key, so peer ids were free-form hashes of junk. */
    @Test
    void onlyEd25519KeysMakeAnIdentity() throws Exception {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        byte[] ed25519 = peer.keys.getPublic().getEncoded();

        ChannelException wrongName = refusedInbound(claiming(ed25519, "RSA"));
        assertEquals(DisconnectReason.INVALID_IDENTITY, wrongName.reason());
        assertTrue(wrongName.getMessage().contains("'RSA'") && wrongName.getMessage().contains("Ed25519"),
                wrongName.getMessage());

        ChannelException junk = refusedInbound(claiming("not a key at all".getBytes(StandardCharsets.UTF_8),
                "Ed25519"));
        assertEquals(DisconnectReason.INVALID_IDENTITY, junk.reason());
        assertTrue(junk.getMessage().contains("X.509 Ed25519"), junk.getMessage());

        byte[] rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic().getEncoded();
        assertEquals(DisconnectReason.INVALID_IDENTITY, refusedInbound(claiming(rsa, "Ed25519")).reason());

        byte[] padded = Arrays.copyOf(ed25519, ed25519.length + 1);
        assertEquals(DisconnectReason.INVALID_IDENTITY, refusedInbound(claiming(padded, "Ed25519")).reason(),
                "one key, one id: trailing bytes are refused");

        assertEquals(4, rejected(DisconnectReason.INVALID_IDENTITY));
        assertTrue(node.network.activeChannels().isEmpty());
        node.transport.inbound(FakeTransport.ephemeral("10.0.0.9"), peer.identity(7700));
        assertTrue(node.network.channel(peer.id).isPresent());
    }

    /**
     * Finding: an Error after registration (from the IDENTITY handler or a listener) left a ghost
     * channel that counted against the limits.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"handler", "listener"})
    void anErrorAfterRegistrationLeavesNoGhostChannel(String where) {
        node = TestNode.start(dir, "maxInboundChannels", 1);
        AtomicBoolean blowUp = new AtomicBoolean(true);
        if (where.equals("handler")) {
            node.bind((channel, packet) -> {
                if (blowUp.getAndSet(false)) {
                    throw new StackOverflowError("test");
                }
            }, PacketTypes.IDENTITY, 0);
        } else {
            PeerListener failing = e -> {
                if (blowUp.getAndSet(false)) {
                    throw new OutOfMemoryError("test");
                }
            };
            node.network.addListener(2, LazyService.ofInstance(failing));
        }
        RemotePeer first = new RemotePeer();
        assertThrows(VirtualMachineError.class,
                () -> node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), first.identity(7700)));

        assertTrue(node.network.activeChannels().isEmpty());
        assertEquals(0, node.network.status().inboundChannels());
        PeerEvent last = node.peerEvents.get(node.peerEvents.size() - 1);
        assertEquals(PeerEvent.Kind.DISCONNECTED, last.kind(), "CONNECTED was posted, so DISCONNECTED is too");
        assertEquals(DisconnectReason.INTERNAL_ERROR, last.disconnect().orElseThrow().reason());

        RemotePeer second = new RemotePeer();
        node.transport.inbound(FakeTransport.ephemeral("10.0.0.3"), second.identity(7700));
        assertTrue(node.network.channel(second.id).isPresent(), "the limit of 1 is not taken by a ghost");
    }

    /** Like listeners, an EventAdmin that throws an Error (not a VirtualMachineError) is contained. */
    @Test
    void anEventAdminErrorIsContained() {
        node = TestNode.start(dir, "maxInboundChannels", 1);
        node.network.eventAdmin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                throw new NoClassDefFoundError("org/example/Missing");
            }

            @Override
            public void sendEvent(Event event) {
                postEvent(event);
            }
        };
        RemotePeer peer = new RemotePeer();
        node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), peer.identity(7700));
        assertTrue(node.network.channel(peer.id).isPresent());
        assertEquals(PeerEvent.Kind.CONNECTED, node.peerEvents.get(node.peerEvents.size() - 1).kind());
    }
}
