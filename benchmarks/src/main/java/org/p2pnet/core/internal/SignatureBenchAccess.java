package org.p2pnet.core.internal;

import java.security.PrivateKey;

/**
 * Opens the core's package-private {@link FastEd25519} (the signer behind the node's
 * {@code NodeSigner.sign}) to the JMH signature benchmark without reflection. Benchmark support only.
 */
public final class SignatureBenchAccess {
    private final FastEd25519 signer;

    /** @throws IllegalArgumentException when the key is not an Ed25519 private key */
    public SignatureBenchAccess(PrivateKey privateKey) {
        this.signer = new FastEd25519(privateKey);
    }

    /** What {@code PeerNetworkImpl.sign} does: an Ed25519 signature of {@code data} with the key. */
    public byte[] sign(byte[] data) {
        return signer.sign(data);
    }
}
