package org.p2pnet.api;

/**
 * How far a channel is trusted, in P2PNet's terms. Ordered: a later constant trusts more.
 */
public enum TrustLevel {
    /** Nothing but IDENTITY and DISCONNECT is accepted. */
    UNTRUSTED,
    /** Default communication: MESSAGE and DISCONNECT (P2PNet's AllowDefaultCommunication). */
    DEFAULT,
    /** Enhanced packet exchange: DATA, PEER_GROUP and the rest (P2PNet's AllowEnhancedPacketExchange). */
    ENHANCED;

    /** True when this level is at least {@code other}. */
    public boolean atLeast(TrustLevel other) {
        return compareTo(other) >= 0;
    }
}
