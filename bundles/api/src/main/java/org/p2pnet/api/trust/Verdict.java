package org.p2pnet.api.trust;

import java.util.Objects;

import org.p2pnet.api.DisconnectReason;

/**
 * What an {@link IncomingPeerPolicy} decided.
 *
 * @param allowed true to go on
 * @param reason when refused, the DISCONNECT reason (usually {@link DisconnectReason#BLOCKED}); null when allowed
 * @param message when refused, the DISCONNECT message and log text; empty when allowed
 */
public record Verdict(boolean allowed, DisconnectReason reason, String message) {
    /** Go on. */
    public static final Verdict ALLOW = new Verdict(true, null, "");

    public Verdict {
        if (allowed) {
            reason = null;
        } else {
            Objects.requireNonNull(reason, "reason");
        }
        message = message == null ? "" : message;
    }

    /** A refusal with that reason and message. */
    public static Verdict refuse(DisconnectReason reason, String message) {
        return new Verdict(false, reason, message);
    }
}
