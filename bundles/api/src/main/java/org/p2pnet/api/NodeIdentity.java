package org.p2pnet.api;

/**
 * This node's identity as others see it.
 *
 * @param peerId          the id derived from the node key
 * @param publicKey       the X.509 encoding of the node's public key
 * @param keyAlgorithm    the key algorithm (for example {@code Ed25519})
 * @param networkName     the network this node belongs to
 * @param listenPort      the TCP port peers dial (0 when not listening)
 * @param protocolVersion the wire protocol version
 * @param agent           this software's name and version
 */
public record NodeIdentity(PeerId peerId, byte[] publicKey, String keyAlgorithm, String networkName,
                           int listenPort, int protocolVersion, String agent) {
}
