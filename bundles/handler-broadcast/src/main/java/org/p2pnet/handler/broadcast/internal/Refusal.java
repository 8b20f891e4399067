package org.p2pnet.handler.broadcast.internal;

/** Why a received broadcast was refused; each kind is counted and logged at most once a minute. */
enum Refusal {
    /** The channel's trust level is below DEFAULT. */
    UNTRUSTED,
    /** The message is longer than {@code maxMessageChars}. */
    TOO_LARGE,
    /** The time is more than {@code seenTtlMinutes} in the past or more than 5 minutes in the future. */
    OUT_OF_TIME_WINDOW,
    /** The id is not the SHA-256 of the content. */
    ID_MISMATCH,
    /** The channel sent more new broadcasts in a second than {@code maxPerSecondPerChannel}. */
    RATE_LIMITED,
    /** Not a BROADCAST record. */
    MALFORMED
}
