package org.p2pnet.api.trust;

import java.net.InetAddress;

import org.osgi.annotation.versioning.ConsumerType;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.PeerId;

/**
 * A whiteboard service that decides which peers may hold channels with this node. The core uses
 * the highest-ranked one ({@code service.ranking}); with none, every peer is allowed.
 *
 * <p>Both methods are called on network threads: they must answer quickly, without I/O (no DNS),
 * and must not throw (a throwing policy is logged and its check treated as allowed).
 */
@ConsumerType
public interface IncomingPeerPolicy {

    /**
     * Asked for an inbound connection at accept time, before any TLS or IDENTITY work, and before
     * the core dials an IP literal ({@code PeerNetwork.connect}, discovery offers).
     *
     * @param remote the socket's (or the dialled literal's) IP address, never a claimed one
     */
    Verdict checkAddress(InetAddress remote);

    /**
     * Asked after the peer's IDENTITY was verified (its id derives from its key, the transport
     * proved it holds the key), before the channel is registered; for both directions.
     *
     * @param peer the verified peer id
     * @param remote the socket's remote IP address
     * @param direction who dialled
     */
    Verdict checkPeer(PeerId peer, InetAddress remote, ChannelDirection direction);
}
