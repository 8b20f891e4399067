package org.p2pnet.api.packet;

import java.util.Base64;

import org.p2pnet.api.PeerId;

/**
 * The first packet each way on a channel: who the sender is and how to reach it.
 *
 * @param peerId          the sender's id; must derive from {@code publicKey}
 * @param publicKey       base64 of the sender's X.509-encoded public key
 * @param keyAlgorithm    the key algorithm, for example {@code Ed25519}
 * @param listenPort      the TCP port the sender accepts channels on (0 = not listening)
 * @param networkName     the network the sender belongs to
 * @param protocolVersion the wire protocol version the sender speaks
 * @param agent           the sender's software name and version (may be empty)
 */
public record IdentityPacket(PeerId peerId, String publicKey, String keyAlgorithm, int listenPort,
                             String networkName, int protocolVersion, String agent) implements Packet {
    public static final int MAX_KEY_LENGTH = 2048;
    public static final int MAX_NAME_LENGTH = 128;

    public IdentityPacket {
        if (peerId == null) {
            throw new IllegalArgumentException("peerId is missing");
        }
        publicKey = Checks.text("publicKey", publicKey, MAX_KEY_LENGTH, true);
        keyAlgorithm = Checks.text("keyAlgorithm", keyAlgorithm, 32, true);
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listenPort must be 0-65535, got " + listenPort);
        }
        networkName = Checks.text("networkName", networkName, MAX_NAME_LENGTH, true);
        if (protocolVersion < 1) {
            throw new IllegalArgumentException("protocolVersion must be at least 1");
        }
        agent = Checks.text("agent", agent, MAX_NAME_LENGTH, false);
    }

    /** The decoded public key bytes. @throws IllegalArgumentException when not base64 */
    public byte[] publicKeyBytes() {
        return Base64.getDecoder().decode(publicKey);
    }

    /** True when {@link #peerId()} derives from {@link #publicKey()}. */
    public boolean idMatchesKey() {
        try {
            return peerId.matchesKey(publicKeyBytes());
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    @Override
    public String type() {
        return PacketTypes.IDENTITY;
    }
}
