package org.p2pnet.api.trust;

import java.net.InetAddress;

import org.osgi.annotation.versioning.ConsumerType;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;

/**
 * A whiteboard service that decides which peers may hold channels with this node, and how an
 * admitted channel starts (P2PNet's IncomingPeerTrustPolicy). The core uses the highest-ranked
 * one ({@code service.ranking}). With none installed the core fails closed: no channel gets more
 * than {@link TrustLevel#DEFAULT}, and inbound peers are refused or queued (core setting
 * {@code inboundWithoutPolicy}).
 *
 * <p>Every method is called on network threads: it must answer quickly, without I/O (no DNS),
 * and must not throw (a throwing {@code check*} is logged and treated as allowed; a throwing
 * {@link #admission} as {@link Admission#FAIL_CLOSED}).
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

    /**
     * How a channel that passed {@link #checkPeer} starts: its trust level, whether the trust
     * protocol runs on it, and (inbound only) whether the peer waits in the inbound queue or is
     * decided by {@link InboundListener}s.
     *
     * @since 1.1
     */
    default Admission admission(PeerId peer, InetAddress remote, ChannelDirection direction) {
        return Admission.OPEN;
    }
}
