package org.p2pnet.api;

/**
 * Why a channel ended. Sent on the wire by name inside a DISCONNECT packet; a name this
 * version does not know is read as {@link #UNKNOWN}.
 */
public enum DisconnectReason {
    /** An operator or application asked for it. */
    REQUESTED,
    /** The node (or its channel transport) is shutting down. */
    SHUTDOWN,
    /** The peer belongs to another network (IDENTITY network name differs). */
    NETWORK_MISMATCH,
    /** The peer speaks another protocol version. */
    PROTOCOL_MISMATCH,
    /** Both peers dialled each other; this copy of the channel was closed, the other kept. */
    DUPLICATE_CHANNEL,
    /** The node dialled itself. */
    SELF_CONNECTION,
    /** No IDENTITY arrived within the handshake timeout. */
    HANDSHAKE_TIMEOUT,
    /** The IDENTITY was invalid: its peer id does not derive from its public key, or fields are wrong. */
    INVALID_IDENTITY,
    /** A packet arrived out of order (for example anything before IDENTITY, or a second IDENTITY). */
    PROTOCOL_VIOLATION,
    /** A frame's length is larger than the maximum frame size. */
    FRAME_TOO_LARGE,
    /** A frame's length or layout is invalid (zero, negative, or inner lengths that do not fit). */
    MALFORMED_FRAME,
    /** A frame's packet could not be decoded (bad type name, invalid JSON or field values). */
    MALFORMED_PACKET,
    /** The channel was silent past the idle timeout. */
    IDLE_TIMEOUT,
    /** This node does not accept inbound channels right now. */
    INBOUND_DISABLED,
    /** The inbound or outbound channel limit is reached. */
    TOO_MANY_CHANNELS,
    /** The peer's address or id is blocked. */
    BLOCKED,
    /** The peer is not trusted to send a packet type. */
    NOT_TRUSTED,
    /** The remote end closed the connection without a DISCONNECT. */
    CONNECTION_LOST,
    /**
     * A send was refused because the channel's outbound buffer is at its hard limit: the peer
     * does not read as fast as we write. The channel stays open; this reason is never sent.
     */
    WRITE_BUFFER_FULL,
    /** This node failed internally while serving the channel (a bug: see its log). */
    INTERNAL_ERROR,
    /** A reason name this version does not know. */
    UNKNOWN;

    /** Reads a wire name; unknown or missing names give {@link #UNKNOWN}. */
    public static DisconnectReason fromWire(String name) {
        if (name == null) {
            return UNKNOWN;
        }
        for (DisconnectReason r : values()) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return UNKNOWN;
    }
}
