package org.p2pnet.genesis.internal;

/**
 * Why a request was refused: the {@code error} of the JSON error body and its HTTP status
 * (docs/GENESIS.md, "Errors"). Each is counted; the first of each after activation is logged.
 */
enum ErrorCode {
    /** Not one JSON object, a field missing, of the wrong type or out of its limits, trailing data. */
    MALFORMED("malformed", 400),
    /** {@code v} is not 1. */
    VERSION("version", 400),
    /** {@code net} is not the genesis node's network. */
    OTHER_NETWORK("other_network", 400),
    /** {@code id} is not the SHA-256 of {@code key}. */
    KEY_MISMATCH("key_mismatch", 400),
    /** {@code sig} does not verify. */
    BAD_SIGNATURE("bad_signature", 400),
    /** {@code ts} is outside the window. */
    STALE("stale", 400),
    /** {@code count} (query or body) is not an integer in range. */
    BAD_COUNT("bad_count", 400),
    /** Another path. */
    NOT_FOUND("not_found", 404),
    /** Another method; the answer has an {@code Allow} header. */
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    /** The body exceeds {@code maxBodyBytes}. */
    TOO_LARGE("too_large", 413),
    /** A POST whose {@code Content-Type} is not {@code application/json}. */
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
    /** The source address used up its token bucket; the answer has {@code Retry-After}. */
    RATE_LIMITED("rate_limited", 429),
    /**
     * A failure of this node, not of the request (a signer that throws, a bug). Not in the
     * protocol's table, which lists what a client can get wrong; logged at ERROR the first time.
     */
    INTERNAL("internal", 500);

    private final String code;
    private final int status;

    ErrorCode(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The wire form, e.g. {@code bad_signature}. */
    String code() {
        return code;
    }

    int status() {
        return status;
    }
}
