package org.p2pnet.handler.task.internal;

import java.util.Objects;

/**
 * A received task that is not carried out: the reason and a detail for the task log. Thrown by the
 * checks at the first problem; carries no stack trace (it is an outcome, not a bug).
 */
final class TaskRefused extends Exception {
    private static final long serialVersionUID = 1L;

    private final Refusal reason;
    private final String detail;

    TaskRefused(Refusal reason, String detail) {
        super(reason.words() + ": " + detail, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    Refusal reason() {
        return reason;
    }

    String detail() {
        return detail;
    }
}
