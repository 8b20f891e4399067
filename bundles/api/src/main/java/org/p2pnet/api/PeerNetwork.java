package org.p2pnet.api;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;
import org.p2pnet.api.packet.Packet;

/**
 * The node's peer network (P2PNet's PeerNetwork): known peers, active channels, connect,
 * disconnect and send. Provided by the core bundle as an OSGi service.
 *
 * <p>The stages returned here may complete on a network thread. Dependent actions that block
 * (waiting on another stage, file or database I/O) belong in the {@code *Async} variants
 * ({@code thenAcceptAsync(…, executor)}), or they stall every channel served by that thread.
 */
@ProviderType
public interface PeerNetwork {

    /** This node's identity. */
    NodeIdentity identity();

    /** State and counters. */
    NodeStatus status();

    /** Peers this node knows of (P2PNet's KnownPeers), connected or not. */
    Collection<PeerInfo> knownPeers();

    Optional<PeerInfo> knownPeer(PeerId id);

    /** Open channels (P2PNet's ActivePeerChannels). */
    Collection<PeerChannel> activeChannels();

    /** Open channels at {@link TrustLevel#ENHANCED}. */
    Collection<PeerChannel> trustedChannels();

    Optional<PeerChannel> channel(PeerId id);

    /**
     * Resolves a full id or a unique prefix of one (at least 4 hex digits) among known peers
     * and open channels.
     *
     * @throws IllegalArgumentException naming the problem: no match, or several
     */
    PeerId resolve(String idOrPrefix);

    /**
     * Dials a peer. Completes with the identified channel — an existing one if this node already
     * has an outbound channel it dialled at that address — or fails with a {@link ChannelException}
     * that says why.
     */
    CompletionStage<PeerChannel> connect(PeerAddress address);

    /** Sends a DISCONNECT with the reason to the peer and closes the channel. */
    CompletionStage<Void> disconnect(PeerId peer, DisconnectReason reason, String message);

    /** Sends a packet on the peer's channel; fails with a {@link ChannelException} when there is none. */
    CompletionStage<Void> send(PeerId peer, Packet packet);

    /**
     * Records what a peer advertises about itself, adding it to the known peers. The identity
     * handler calls this for each IDENTITY it receives.
     */
    void recordIdentity(PeerChannel channel, org.p2pnet.api.packet.IdentityPacket identity);

    /** Records how a peer ended a channel. The disconnect handler calls this for each DISCONNECT. */
    void recordDisconnect(PeerChannel channel, org.p2pnet.api.packet.DisconnectPacket disconnect);

    /**
     * How many peers this node tries to hold channels with (PID {@code org.p2pnet.core} key
     * {@code minPeers}): the join protocol and peer exchange keep connecting while it holds fewer.
     */
    default int minPeers() {
        return 3;
    }

    /**
     * Sets the trust level of the peer's open channel (elevate or demote), at once: packets that
     * need more than the new level are dropped from now on. Ends the trust protocol's pending
     * state on that channel. Not persisted: use {@link org.p2pnet.api.trust.TrustDecisions} for
     * a decision that outlives the channel.
     *
     * @param reason why, for the log (may be empty)
     * @throws IllegalArgumentException when the peer has no open channel
     * @throws IllegalStateException when {@code level} is ENHANCED and no inbound policy is
     *         installed (the core fails closed)
     * @since 1.2
     */
    void setTrustLevel(PeerId peer, TrustLevel level, String reason);

    /**
     * The trust state of the node: which policy is in force, counters of packets dropped for
     * their trust level, the inbound queue's length.
     *
     * @since 1.2
     */
    TrustSummary trustSummary();

    /**
     * The address book: every peer this node may dial, with its source and dial history, most
     * recently seen first. Bounded; hopeless entries age out (see the core's README).
     *
     * @since 1.2
     */
    List<AddressBookEntry> addressBook();

    /**
     * Peers worth dialling now to get back to {@link #minPeers()}: not connected, not being
     * dialled, not this node, not refused by the inbound policy, past their backoff (exponential in
     * their failures, with jitter), spread over distinct address groups first, then those with
     * the fewest recent failures, then the most recently successful. The caller dials them with {@link #connect}, which records the outcome.
     *
     * @param max at most this many
     * @since 1.2
     */
    List<AddressBookEntry> dialCandidates(int max);

    /**
     * Writes the address book to its file now (atomically). The core also writes it when it stops.
     *
     * @throws IllegalStateException naming the file and the problem when it cannot be written
     * @since 1.2
     */
    void saveAddressBook();

    /**
     * P2PNet's DiscernPeerChannels: closes channels the inbound policy no longer allows
     * (BLOCKED), channels on which nothing was received for longer than {@code inactivityLimit}
     * (IDLE_TIMEOUT), and, above the high watermark, the least useful channels (TOO_MANY_CHANNELS).
     *
     * @since 1.2
     */
    DiscernResult discernChannels(java.time.Duration inactivityLimit);

    /** Dispatch state per packet type. */
    List<HandlerInfo> handlers();

    /**
     * Wire counters per packet type, node-wide since the core started, sorted by type: packets
     * and frame bytes (length prefix included, before TLS) received and sent. Received packets are
     * counted when the transport hands them over, before any trust check (the handshake IDENTITY
     * included); sent ones when the transport reports the write done. Packet types are chosen by
     * peers, so the core tracks a bounded number of distinct types and counts the packets of any
     * further type under {@link PacketTypeStats#OTHER} (see the core's README).
     *
     * @return one entry per type counted so far; empty from an implementation that does not count
     * @since 1.3
     */
    default List<PacketTypeStats> packetStats() {
        return List.of();
    }

    /**
     * A discovery source found a peer. The core decides whether to dial it — not itself, not one
     * it already has a channel with or is dialling, within the outbound limit, not one backing
     * off — and dials its addresses in order when it does.
     */
    org.p2pnet.api.discovery.OfferOutcome offer(org.p2pnet.api.discovery.DiscoveredPeer peer);

    /**
     * Inbound peers waiting for a decision, oldest first (P2PNet's InboundConnectingPeersQueue).
     * Peers wait here while the inbound policy's mode is {@link org.p2pnet.api.trust.InboundMode#QUEUE}
     * or {@link org.p2pnet.api.trust.InboundMode#QUEUE_AND_EVENT} (or, with no policy installed,
     * when the core's {@code inboundWithoutPolicy} is {@code queue}), in a bounded queue, until
     * accepted, rejected or timed out (then refused with NOT_TRUSTED).
     */
    List<InboundRequest> inboundQueue();

    /**
     * Lets a queued inbound peer in.
     *
     * @return completes with its channel once registered
     * @throws IllegalArgumentException when no request with that id is waiting
     */
    CompletionStage<PeerChannel> acceptInbound(String requestId);

    /**
     * Turns a queued inbound peer away: it gets a DISCONNECT with reason {@link DisconnectReason#NOT_TRUSTED}
     * and the message.
     *
     * @throws IllegalArgumentException when no request with that id is waiting
     */
    void rejectInbound(String requestId, String message);
}
