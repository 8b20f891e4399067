package org.p2pnet.api;

import java.time.Instant;
import java.util.Objects;

/**
 * An inbound peer waiting for a decision (an entry of P2PNet's InboundConnectingPeersQueue).
 *
 * @param requestId   identifies the request for {@link PeerNetwork#acceptInbound} and {@link PeerNetwork#rejectInbound}
 * @param peerId      the peer's id, checked against its key
 * @param remote      the observed remote address
 * @param agent       the software the peer advertised (may be empty)
 * @param requestedAt when it arrived
 */
public record InboundRequest(String requestId, PeerId peerId, PeerAddress remote, String agent, Instant requestedAt) {
    public InboundRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(requestedAt, "requestedAt");
        agent = agent == null ? "" : agent;
    }
}
