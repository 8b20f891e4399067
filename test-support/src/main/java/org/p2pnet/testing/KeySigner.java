package org.p2pnet.testing;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;

import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerId;

/**
 * An Ed25519 key of its own (from the JDK), signing as the core's NodeSigner does: a test's node
 * key, or a genesis node's authority key.
 */
public final class KeySigner implements NodeSigner {
    public final KeyPair keys;

    public KeySigner() {
        try {
            keys = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public PeerId peerId() {
        return PeerId.fromEncodedKey(publicKey());
    }

    @Override
    public byte[] publicKey() {
        return keys.getPublic().getEncoded();
    }

    @Override
    public byte[] sign(byte[] data) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(keys.getPrivate());
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The authority key id: the peer id's hex. */
    public String keyId() {
        return peerId().value();
    }
}
