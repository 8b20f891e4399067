package org.p2pnet.api.discovery;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;

/**
 * A peer a discovery source has found, offered to the core with
 * {@link org.p2pnet.api.PeerNetwork#offer(DiscoveredPeer)}.
 *
 * @param peerId    the peer's id, checked by the source against the key that signed its announcement
 * @param addresses where it may be dialled, best first (at least one, at most 16)
 * @param source    which source found it, for example {@code lan-broadcast}, {@code lan-multicast}
 * @param at        when
 */
public record DiscoveredPeer(PeerId peerId, List<PeerAddress> addresses, String source, Instant at) {
    public static final int MAX_ADDRESSES = 16;

    public DiscoveredPeer {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(at, "at");
        if (addresses == null || addresses.isEmpty()) {
            throw new IllegalArgumentException("addresses is empty");
        }
        if (addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("more than " + MAX_ADDRESSES + " addresses");
        }
        addresses = List.copyOf(addresses);
    }
}
