package org.p2pnet.api.packet;

import org.p2pnet.api.DisconnectReason;

/**
 * The sender is closing the channel, and says why.
 *
 * @param reason            the reason code; unknown names read as {@link DisconnectReason#UNKNOWN}
 * @param message           detail for humans (at most 1024 characters; may be empty)
 * @param retryAfterSeconds when set, the sender asks not to be dialled again before this many seconds
 */
public record DisconnectPacket(DisconnectReason reason, String message, Long retryAfterSeconds) implements Packet {
    public static final int MAX_MESSAGE_LENGTH = 1024;

    public DisconnectPacket {
        reason = reason == null ? DisconnectReason.UNKNOWN : reason;
        message = message == null ? "" : message.length() > MAX_MESSAGE_LENGTH ? message.substring(0, MAX_MESSAGE_LENGTH) : message;
        if (retryAfterSeconds != null && retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds is negative");
        }
    }

    public DisconnectPacket(DisconnectReason reason, String message) {
        this(reason, message, null);
    }

    @Override
    public String type() {
        return PacketTypes.DISCONNECT;
    }
}
