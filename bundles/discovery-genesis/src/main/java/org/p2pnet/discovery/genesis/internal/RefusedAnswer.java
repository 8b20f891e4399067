package org.p2pnet.discovery.genesis.internal;

import java.util.Objects;

/**
 * An answer of a genesis node that is not taken: the reason and a detail for status and the log.
 * Thrown by the checks at the first problem; carries no stack trace (it is an outcome, not a bug).
 */
final class RefusedAnswer extends Exception {
    private static final long serialVersionUID = 1L;

    private final RefusalReason reason;
    private final String detail;

    RefusedAnswer(RefusalReason reason, String detail) {
        super(reason + " (" + detail + ")", null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    RefusalReason reason() {
        return reason;
    }

    String detail() {
        return detail;
    }
}
