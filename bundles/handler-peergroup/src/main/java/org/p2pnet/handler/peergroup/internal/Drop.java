package org.p2pnet.handler.peergroup.internal;

/** Why part of a PEER_GROUP was not used. Each is counted; the unusual ones are logged once per activation. */
enum Drop {
    /** A request beyond {@code answersPerMinutePerChannel}: not answered. */
    REQUEST_RATE("request", true, "over answersPerMinutePerChannel, not answered"),
    /** Entries beyond {@code acceptPerPacket} in one packet. */
    PACKET_CAP("entry", true, "beyond acceptPerPacket in one packet"),
    /** Entries beyond {@code acceptPerMinutePerChannel}. */
    ENTRY_RATE("entry", true, "over acceptPerMinutePerChannel"),
    /** An entry whose peerId is not 64 hex digits. */
    INVALID_ID("entry", true, "peerId is not a peer id"),
    /** An entry naming this node: normal, peers share what they know. */
    SELF("entry", false, "names this node"),
    /** An entry naming a peer this node has a channel with: normal. */
    CONNECTED("entry", false, "names a peer already connected");

    private final String unit;
    private final boolean logged;
    private final String description;

    Drop(String unit, boolean logged, String description) {
        this.unit = unit;
        this.logged = logged;
        this.description = description;
    }

    /** True for the drops that count entries (all but {@link #REQUEST_RATE}). */
    boolean isEntry() {
        return "entry".equals(unit);
    }

    /** Whether the first drop of this reason is worth a log line. */
    boolean logged() {
        return logged;
    }

    String description() {
        return description;
    }
}
