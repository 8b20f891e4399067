package org.p2pnet.api;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;
import org.p2pnet.api.packet.Packet;

/**
 * An open, identified channel with one peer (P2PNet's PeerChannel). Obtained from
 * {@link PeerNetwork}; never implemented by plug-ins.
 */
@ProviderType
public interface PeerChannel {
    /** A node-unique id of this channel (not of the peer). */
    String channelId();

    /** The remote peer's id, checked against its key. */
    PeerId peerId();

    /** The observed remote socket address. */
    PeerAddress remoteAddress();

    /** The remote peer's dialable address (observed host, advertised listen port). */
    PeerAddress listenAddress();

    ChannelDirection direction();

    /**
     * The channel's trust level as set (by the inbound policy at open, the trust protocol, or
     * {@link PeerNetwork#setTrustLevel}). While no {@link org.p2pnet.api.trust.IncomingPeerPolicy}
     * is installed the core enforces at most {@link TrustLevel#DEFAULT} whatever this says.
     */
    TrustLevel trustLevel();

    /**
     * True while the trust protocol runs on this channel: packets above the level are held (a
     * bounded number) instead of dropped, and delivered or dropped when it ends.
     *
     * @since 1.2
     */
    boolean trustPending();

    /**
     * Packets received on this channel that were dropped because they needed a higher trust level.
     *
     * @since 1.2
     */
    long untrustedDrops();

    /**
     * The X.509 (SubjectPublicKeyInfo) encoding of the peer's public key, from which
     * {@link #peerId()} derives. A copy.
     *
     * @since 1.2
     */
    byte[] peerPublicKey();

    /** When the channel was identified. */
    Instant openedAt();

    /** When the last packet was received or sent. */
    Instant lastActivity();

    ChannelStats stats();

    /** True while the channel is open. */
    boolean isOpen();

    /** True while the channel can take more outbound data without exceeding its write buffer. */
    boolean isWritable();

    /**
     * Completes once {@link #isWritable()} turned true: at once when it is true now, else when the
     * write buffer drained below its low watermark. Completes exceptionally with a
     * {@link ChannelException} when the channel closes first. A sender that found the channel not
     * writable waits on this instead of polling.
     *
     * @since 1.3
     */
    CompletionStage<Void> whenWritable();

    /**
     * Sends a packet. The stage completes when the packet has been written to the socket, or
     * fails (for example the channel closed, or its write buffer is over its hard limit).
     */
    CompletionStage<Void> send(Packet packet);

    /** Sends a DISCONNECT with this reason, then closes. */
    CompletionStage<Void> disconnect(DisconnectReason reason, String message);
}
