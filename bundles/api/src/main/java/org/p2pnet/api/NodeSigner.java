package org.p2pnet.api;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Signs with this node's key (Ed25519), so that what a node announces — discovery datagrams,
 * genesis registrations — can be checked against the peer id it claims. Provided by the core;
 * the private key never leaves it.
 */
@ProviderType
public interface NodeSigner {
    /** The signing algorithm, {@code Ed25519}. */
    String ALGORITHM = "Ed25519";

    /** This node's id. */
    PeerId peerId();

    /** The X.509 encoding of this node's public key. */
    byte[] publicKey();

    /** Signs the bytes with the node key. */
    byte[] sign(byte[] data);

    /**
     * Checks an Ed25519 signature against an X.509-encoded public key.
     *
     * @return false for a wrong signature and for a key or signature that does not even parse
     */
    static boolean verify(byte[] x509PublicKey, byte[] data, byte[] signature) {
        try {
            PublicKey key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(x509PublicKey));
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
