package org.p2pnet.api.discovery;

/** What the core did with a {@link DiscoveredPeer}. */
public enum OfferOutcome {
    /** It dials the peer now. */
    DIALLING,
    /** A channel with the peer is open (or a dial to it is under way). */
    ALREADY_CONNECTED,
    /** The peer is this node. */
    SELF,
    /** The outbound channel limit is reached. */
    LIMIT_REACHED,
    /** The peer asked not to be dialled yet, or recent dials to it failed. */
    BACKING_OFF,
    /** No channel transport is running. */
    NO_TRANSPORT,
    /**
     * Every address of the peer, or its id, is blocked by the inbound policy.
     *
     * @since 1.1
     */
    BLOCKED
}
