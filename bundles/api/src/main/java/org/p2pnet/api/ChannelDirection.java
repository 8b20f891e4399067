package org.p2pnet.api;

/** Who opened a channel. */
public enum ChannelDirection {
    /** The remote peer dialled us. */
    INBOUND,
    /** We dialled the remote peer. */
    OUTBOUND
}
