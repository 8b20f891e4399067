package org.p2pnet.api.broadcast;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.BroadcastPacket;

/**
 * A broadcast as delivered here, once.
 *
 * @param packet     the broadcast (id, title, message, time, origin, hop limit as received)
 * @param from       the peer it came from; empty for one this node originated
 * @param receivedAt when
 */
public record ReceivedBroadcast(BroadcastPacket packet, Optional<PeerId> from, Instant receivedAt) {
    public ReceivedBroadcast {
        Objects.requireNonNull(packet, "packet");
        from = from == null ? Optional.empty() : from;
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
