package org.p2pnet.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What this node knows about a peer (P2PNet's KnownPeers entry).
 *
 * @param id              the peer id
 * @param address         the dialable address: the observed host with the advertised listen port
 * @param agent           the software the peer advertised (may be empty)
 * @param protocolVersion the protocol version the peer advertised
 * @param firstSeen       when this node first heard of the peer
 * @param lastSeen        when this node last exchanged a packet with it
 * @param connected       true while a channel with it is open
 * @param lastDisconnect  how the last channel ended, if one did
 */
public record PeerInfo(PeerId id, PeerAddress address, String agent, int protocolVersion,
                       Instant firstSeen, Instant lastSeen, boolean connected,
                       Optional<DisconnectRecord> lastDisconnect) {
    public PeerInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
        agent = agent == null ? "" : agent;
        lastDisconnect = lastDisconnect == null ? Optional.empty() : lastDisconnect;
    }
}
