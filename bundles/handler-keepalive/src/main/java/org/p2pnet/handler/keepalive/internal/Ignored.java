package org.p2pnet.handler.keepalive.internal;

/** Why a received PING or PONG was not used. Each is counted and logged rate-limited ({@link org.p2pnet.common.DropLog}). */
enum Ignored {
    /** A PING whose metadata or body is not what {@link KeepaliveWire} accepts: not answered. */
    MALFORMED_PING,
    /** A PONG whose metadata or body is not what {@link KeepaliveWire} accepts. */
    MALFORMED_PONG,
    /** A PING beyond {@code answersPerSecondPerChannel}: not answered. */
    PING_FLOOD,
    /** A PONG whose nonce matches no outstanding PING of its channel: unknown, or later than twice the timeout. */
    UNMATCHED_PONG,
    /** A PING or PONG the handler failed on (a bug): swallowed so that it never reaches the core. */
    HANDLER_FAILURE
}
