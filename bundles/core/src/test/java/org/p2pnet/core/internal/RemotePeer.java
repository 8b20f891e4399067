package org.p2pnet.core.internal;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.IdentityPacket;

/** A simulated remote node: a key pair and the IDENTITY packets it would send. */
final class RemotePeer {
    final KeyPair keys;
    final PeerId id;

    RemotePeer() {
        try {
            keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        id = PeerId.of(keys.getPublic());
    }

    /** A peer whose id sorts before ({@code smaller}) or after the given id. */
    static RemotePeer ordered(PeerId other, boolean smaller) {
        for (;;) {
            RemotePeer p = new RemotePeer();
            if ((p.id.compareTo(other) < 0) == smaller) {
                return p;
            }
        }
    }

    IdentityPacket identity(int listenPort) {
        return identity(listenPort, "p2pnet", 1);
    }

    IdentityPacket identity(int listenPort, String network, int version) {
        return new IdentityPacket(id, Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()), "Ed25519",
                listenPort, network, version, "p2pnet/test");
    }

    /** Claims this peer's id with another key. */
    IdentityPacket forged(RemotePeer keyOwner) {
        return new IdentityPacket(id, Base64.getEncoder().encodeToString(keyOwner.keys.getPublic().getEncoded()),
                "Ed25519", 7700, "p2pnet", 1, "forger");
    }
}
