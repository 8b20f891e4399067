package org.p2pnet.api.task;

import java.util.Objects;

import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerId;

/**
 * A {@link NetworkTask} with its signer's key and Ed25519 signature over
 * {@link NetworkTask#canonicalBytes()}.
 *
 * @param task      the task
 * @param signerKey the signer's X.509-encoded Ed25519 public key; its id is {@link #signerId()}
 * @param signature the signature
 */
public record SignedTask(NetworkTask task, byte[] signerKey, byte[] signature) {
    public SignedTask {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(signerKey, "signerKey");
        Objects.requireNonNull(signature, "signature");
        signerKey = signerKey.clone();
        signature = signature.clone();
    }

    /** Signs a task with the node key. */
    public static SignedTask sign(NetworkTask task, NodeSigner signer) {
        return new SignedTask(task, signer.publicKey(), signer.sign(task.canonicalBytes()));
    }

    /** The id of the signer's key (the genesis authority's key id). */
    public PeerId signerId() {
        return PeerId.fromEncodedKey(signerKey);
    }

    /** True when the signature is the signer key's over the task. */
    public boolean signatureValid() {
        return NodeSigner.verify(signerKey, task.canonicalBytes(), signature);
    }

    @Override
    public byte[] signerKey() {
        return signerKey.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }
}
