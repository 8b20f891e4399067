package org.p2pnet.discovery.lan.internal;

/**
 * Why a received datagram was not offered to the core, in the order the checks run. Each is
 * counted and shown by {@code p2p:discovery}; none is ever thrown.
 */
enum DropReason {
    /**
     * From a source outside every interface in use (their subnets, or for IPv6 link-local their
     * links): it arrived on an interface left out by {@code interfaces}. Checked first; not answered.
     */
    FOREIGN_INTERFACE,
    /** More than {@link AnnouncementCodec#MAX_DATAGRAM_SIZE} bytes; checked before any parsing. */
    OVERSIZED,
    /** Not one JSON object, a field missing, of the wrong type or out of its limits. */
    MALFORMED,
    /** A protocol version this node does not speak. */
    VERSION,
    /** Another network name. */
    OTHER_NETWORK,
    /** Our own announcement (it comes back through broadcast and multicast loop). */
    OWN,
    /** The id is not the SHA-256 of the key. */
    KEY_MISMATCH,
    /** The signature does not verify against the key over the canonical bytes. */
    BAD_SIGNATURE,
    /** The timestamp is further from our clock than the window. */
    STALE
}
