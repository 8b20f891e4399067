package org.p2pnet.handler.identity.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.testing.FakePeerChannel;
import org.p2pnet.testing.RecordingPeerNetwork;

class IdentityHandlerTest {
    private final RecordingPeerNetwork network = new RecordingPeerNetwork();
    private final IdentityHandler handler = new IdentityHandler(network);

    @Test
    void recordsTheIdentityThePeerAdvertises() throws Exception {
        IdentityPacket identity = identityOf(newKey(), 7701, "p2pnet-test/1.0");
        FakePeerChannel channel = FakePeerChannel.forHandler(identity.peerId());

        handler.handle(channel, identity);

        assertEquals(1, network.identities.size());
        assertSame(channel, network.identities.get(0).channel());
        assertSame(identity, network.identities.get(0).packet());
    }

    @Test
    void ignoresAnIdentityNamingAnotherPeerThanTheChannels() throws Exception {
        IdentityPacket identity = identityOf(newKey(), 7701, "p2pnet-test/1.0");
        FakePeerChannel someoneElse = FakePeerChannel.forHandler(FakePeerChannel.peer('a'));

        handler.handle(someoneElse, identity);

        assertTrue(network.identities.isEmpty());
    }

    @Test
    void ignoresOtherPacketTypes() {
        FakePeerChannel channel = FakePeerChannel.forHandler(FakePeerChannel.peer('a'));

        handler.handle(channel, MessagePacket.of("hello"));
        handler.handle(channel, new DisconnectPacket(DisconnectReason.REQUESTED, "bye"));

        assertTrue(network.identities.isEmpty());
        assertTrue(network.disconnects.isEmpty());
    }

    private static PublicKey newKey() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
    }

    private static IdentityPacket identityOf(PublicKey key, int listenPort, String agent) {
        return new IdentityPacket(PeerId.of(key), Base64.getEncoder().encodeToString(key.getEncoded()),
                "Ed25519", listenPort, "p2pnet", 1, agent);
    }
}
