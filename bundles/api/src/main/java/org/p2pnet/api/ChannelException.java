package org.p2pnet.api;

/** A channel operation failed for a stated reason. */
public class ChannelException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final DisconnectReason reason;

    public ChannelException(DisconnectReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ChannelException(DisconnectReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The reason code (for example {@link DisconnectReason#CONNECTION_LOST}). */
    public DisconnectReason reason() {
        return reason;
    }
}
