package org.p2pnet.api;

import java.time.Instant;
import java.util.Objects;

/**
 * How the last channel with a peer ended.
 *
 * @param reason   the reason code
 * @param message  the human-readable detail (may be empty, never null)
 * @param byRemote true when the remote peer ended it (we received its DISCONNECT)
 * @param at       when it ended
 */
public record DisconnectRecord(DisconnectReason reason, String message, boolean byRemote, Instant at) {
    public DisconnectRecord {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
        message = message == null ? "" : message;
    }
}
