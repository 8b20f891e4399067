package org.p2pnet.discovery.genesis.internal;

/**
 * Why an answer of a genesis node was refused, in the order the checks run (docs/GENESIS.md).
 * Each is counted in {@code refusedAnswers}, shown in {@code lastResult} and logged once.
 */
enum RefusalReason {
    /** A signature header is present but does not verify over the body (or the headers are incomplete or not base64). */
    BAD_SIGNATURE,
    /** No signature, while mode = authority or mustBeAuthority. */
    UNSIGNED,
    /** Authority mode: signed by a key that is neither pinned nor the locked one. */
    UNTRUSTED_KEY,
    /** Not one JSON object within the limits, a field missing or of the wrong type, or a body over the cap. */
    MALFORMED,
    /** A protocol version other than 1. */
    VERSION,
    /** Authority mode: the echoed nonce is not the one sent. */
    NONCE,
    /** Authority mode: {@code ts} is further than 5 minutes from our clock. */
    STALE,
    /** First-locking: the first authority key met could not be persisted, so it is not trusted either. */
    LOCK_FAILED
}
