package org.p2pnet.shell.command;

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

/** An open channel with fixed properties (public for the completer tests). */
public final class FakeChannel implements PeerChannel {
    static final Instant OPENED = Instant.parse("2026-11-21T09:00:00Z");
    static final Instant LAST_ACTIVITY = Instant.parse("2026-11-21T09:30:00Z");

    private final PeerId peerId;
    private final PeerAddress remoteAddress;
    private final ChannelDirection direction;
    private final ChannelStats stats;

    FakeChannel(PeerId peerId, PeerAddress remoteAddress, ChannelDirection direction, ChannelStats stats) {
        this.peerId = peerId;
        this.remoteAddress = remoteAddress;
        this.direction = direction;
        this.stats = stats;
    }

    public FakeChannel(PeerId peerId, String remoteAddress, ChannelDirection direction) {
        this(peerId, PeerAddress.parse(remoteAddress), direction, new ChannelStats(0, 0, 0, 0));
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

    @Override
    public TrustLevel trustLevel() {
        return TrustLevel.DEFAULT;
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
    public CompletionStage<Void> send(Packet packet) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> disconnect(DisconnectReason reason, String message) {
        return CompletableFuture.completedFuture(null);
    }
}
