package org.p2pnet.handler.data.internal;

/** Kinds of bad or unwanted input the data handler counts (and logs at most once a minute each). */
enum Problem {
    /** DATA_CONTROL metadata that is not valid control JSON. */
    MALFORMED_CONTROL,
    /** A DATA chunk or control message for a transfer this node does not know (or no longer runs). */
    UNKNOWN_TRANSFER,
    /** A DATA chunk whose metadata does not match the offer, whose body is out of bounds or whose last flag lies. */
    BAD_CHUNK,
    /** A chunk below the expected offset: a duplicate or replay, ignored. */
    DUPLICATE_CHUNK,
    /** A chunk above the expected offset: dropped, and the sender asked to resume. */
    GAP,
    /** DATA or DATA_CONTROL from a channel not at ENHANCED. */
    UNTRUSTED,
    /** An offer whose name is refused. */
    BAD_NAME,
    /** An offer refused for a quota (size, concurrency, disk floor, payload size). */
    QUOTA,
    /** A transfer whose bytes did not hash to the offered SHA-256. */
    SHA_MISMATCH,
    /** Inbound packets dropped because a peer's queue was over its byte bound. */
    OVERFLOW,
    /** A state or index file that could not be read: left as it is. */
    CORRUPT_FILE
}
