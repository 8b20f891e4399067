package org.p2pnet.testing;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.Packet;

/**
 * An open {@link PeerChannel} with fixed properties and no network behind it. Made with the
 * constructors it accepts every send and disconnect at once (what a shell command sees); made with
 * {@link #forHandler} it refuses both (what a packet handler is handed).
 */
public final class FakePeerChannel implements PeerChannel {
    /** When every fake channel was opened. */
    public static final Instant OPENED = Instant.parse("2026-11-21T09:00:00Z");
    /** When every fake channel last saw a packet. */
    public static final Instant LAST_ACTIVITY = Instant.parse("2026-11-21T09:30:00Z");

    private final PeerId peerId;
    private final PeerAddress remoteAddress;
    private final ChannelDirection direction;
    private final ChannelStats stats;
    private final boolean handedToHandler;
    private volatile TrustLevel trustLevel = TrustLevel.DEFAULT;
    private volatile boolean trustPending;
    private volatile long untrustedDrops;

    private FakePeerChannel(PeerId peerId, PeerAddress remoteAddress, ChannelDirection direction, ChannelStats stats,
            boolean handedToHandler) {
        this.peerId = peerId;
        this.remoteAddress = remoteAddress;
        this.direction = direction;
        this.stats = stats;
        this.handedToHandler = handedToHandler;
    }

    /** A channel with these properties; the peer listens on port 7700 of the remote host. */
    public FakePeerChannel(PeerId peerId, PeerAddress remoteAddress, ChannelDirection direction, ChannelStats stats) {
        this(peerId, remoteAddress, direction, stats, false);
    }

    /** A channel that has carried no packet yet; {@code remoteAddress} is {@code host:port}. */
    public FakePeerChannel(PeerId peerId, String remoteAddress, ChannelDirection direction) {
        this(peerId, PeerAddress.parse(remoteAddress), direction, new ChannelStats(0, 0, 0, 0));
    }

    /**
     * An inbound channel from {@code peerId} as the core hands it to a packet handler. A handler must
     * neither reply on it nor close it, so {@link #send} and {@link #disconnect} throw.
     */
    public static FakePeerChannel forHandler(PeerId peerId) {
        return new FakePeerChannel(peerId, new PeerAddress("192.0.2.1", 40000), ChannelDirection.INBOUND,
                new ChannelStats(0, 0, 0, 0), true);
    }

    /** A peer id made of one repeated hex digit, for readable tests. */
    public static PeerId peer(char hexDigit) {
        return PeerId.parse(String.valueOf(hexDigit).repeat(PeerId.LENGTH));
    }

    @Override
    public String channelId() {
        return "tcp-" + peerId.shortForm();
    }

    @Override
    public PeerId peerId() {
        return peerId;
    }

    @Override
    public PeerAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public PeerAddress listenAddress() {
        return new PeerAddress(remoteAddress.host(), 7700);
    }

    @Override
    public ChannelDirection direction() {
        return direction;
    }

    /** Sets the trust state this channel reports (DEFAULT, not pending, no drops until set). @return this */
    public FakePeerChannel trust(TrustLevel level, boolean pending, long drops) {
        trustLevel(level);
        trustPending(pending);
        untrustedDrops = drops;
        return this;
    }

    /** Sets the level, as the core's setTrustLevel would. */
    public void trustLevel(TrustLevel level) {
        trustLevel = java.util.Objects.requireNonNull(level, "level");
    }

    /** Sets whether the trust protocol is running on the channel. */
    public void trustPending(boolean pending) {
        trustPending = pending;
    }

    @Override
    public TrustLevel trustLevel() {
        return trustLevel;
    }

    @Override
    public boolean trustPending() {
        return trustPending;
    }

    @Override
    public long untrustedDrops() {
        return untrustedDrops;
    }

    /** This fake has no key behind its id: an empty array. */
    @Override
    public byte[] peerPublicKey() {
        return new byte[0];
    }

    @Override
    public Instant openedAt() {
        return OPENED;
    }

    @Override
    public Instant lastActivity() {
        return LAST_ACTIVITY;
    }

    @Override
    public ChannelStats stats() {
        return stats;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public CompletionStage<Void> whenWritable() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> send(Packet packet) {
        if (handedToHandler) {
            throw new UnsupportedOperationException("a handler must not reply here");
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> disconnect(DisconnectReason reason, String message) {
        if (handedToHandler) {
            throw new UnsupportedOperationException("a handler must not close the channel itself");
        }
        return CompletableFuture.completedFuture(null);
    }
}
