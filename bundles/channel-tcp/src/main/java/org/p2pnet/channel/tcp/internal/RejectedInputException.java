package org.p2pnet.channel.tcp.internal;

import java.util.Objects;

import org.p2pnet.api.DisconnectReason;

/**
 * Bad input from a peer: a malformed frame or packet, a handshake timeout, a protocol violation.
 * The {@code errors} handler turns it into a counted rejection. It carries no stack trace: it
 * describes the peer's bytes, not a fault of ours, and a flood of them must stay cheap.
 */
final class RejectedInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Longest detail kept: a DISCONNECT message holds at most 1024 characters. */
    static final int MAX_DETAIL_LENGTH = 512;

    private final DisconnectReason reason;

    RejectedInputException(DisconnectReason reason, String detail) {
        super(printable(detail), null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    DisconnectReason reason() {
        return reason;
    }

    String detail() {
        return getMessage();
    }

    /**
     * Makes peer-controlled text safe for a log line and a DISCONNECT: control characters
     * become '?', and the text is cut to {@link #MAX_DETAIL_LENGTH}.
     */
    static String printable(String text) {
        if (text == null) {
            return "";
        }
        int length = Math.min(text.length(), MAX_DETAIL_LENGTH);
        StringBuilder out = new StringBuilder(length + 1);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        if (text.length() > MAX_DETAIL_LENGTH) {
            out.append('\u2026');
        }
        return out.toString();
    }
}
