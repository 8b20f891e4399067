package org.p2pnet.handler.task.internal;

/**
 * Why a received task was refused, in the order the checks run (README, "Checks"). Each reason is
 * counted and logged at most once a second.
 */
enum Refusal {
    /** The packet is not a readable task envelope. */
    MALFORMED("malformed"),
    /** The task names another network. */
    WRONG_NETWORK("wrong network"),
    /** The signature does not verify over the task with the key it names. */
    FORGED("forged"),
    /** The signing key is not a pinned or locked genesis authority. */
    UNTRUSTED_SIGNER("untrusted signer"),
    /** Past its expiresAt. */
    EXPIRED("expired"),
    /** Issued further in the future than the allowed clock skew. */
    NOT_YET_VALID("not yet valid"),
    /** Its nonce was seen before. */
    REPLAYED("replayed"),
    /** Its nonce cannot be kept: the nonce file is unreadable, full or cannot be written. */
    NONCE_STORE("nonce store"),
    /** The node's policy does not allow it (the identifier policy, for SetLocalIdentifier). */
    NOT_ALLOWED("not allowed"),
    /** Too many tasks are waiting to be checked. */
    BUSY("busy");

    private final String words;

    Refusal(String words) {
        this.words = words;
    }

    /** How the reason starts a record's detail: {@code forged}, {@code replayed}, … */
    String words() {
        return words;
    }
}
