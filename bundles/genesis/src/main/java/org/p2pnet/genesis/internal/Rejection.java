package org.p2pnet.genesis.internal;

/**
 * A request refused with an error code and a message naming the field or header at fault.
 * Thrown only on the refusal paths; it carries no stack trace (refusals are expected, counted
 * and logged once, and an attacker should not be able to make the node fill stack traces).
 */
final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final long retryAfterSeconds;

    Rejection(ErrorCode code, String message) {
        this(code, message, 0);
    }

    Rejection(ErrorCode code, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    ErrorCode code() {
        return code;
    }

    /** For {@link ErrorCode#RATE_LIMITED}: when a token is back, in whole seconds (at least 1); else 0. */
    long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
