package org.p2pnet.handler.broadcast.internal;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.Packet;

/**
 * A channel to one peer: records what is sent on it and hands each packet to {@code onSend} (in
 * the overlay test: the other node's handler, asynchronously). Trust level and open state are
 * settable.
 */
final class TestChannel implements PeerChannel {
    private final String channelId;
    private final PeerId peer;
    final List<Packet> sent = new CopyOnWriteArrayList<>();
    volatile TrustLevel trust = TrustLevel.DEFAULT;
    volatile boolean open = true;
    volatile Consumer<Packet> onSend = packet -> { };

    TestChannel(String channelId, PeerId peer) {
        this.channelId = channelId;
        this.peer = peer;
    }

    @Override
    public String channelId() {
        return channelId;
    }

    @Override
    public PeerId peerId() {
        return peer;
    }

    @Override
    public PeerAddress remoteAddress() {
        return new PeerAddress("192.0.2.1", 40000);
    }

    @Override
    public PeerAddress listenAddress() {
        return new PeerAddress("192.0.2.1", 7700);
    }

    @Override
    public ChannelDirection direction() {
        return ChannelDirection.OUTBOUND;
    }

    @Override
    public TrustLevel trustLevel() {
        return trust;
    }

    @Override
    public boolean trustPending() {
        return false;
    }

    @Override
    public long untrustedDrops() {
        return 0;
    }

    @Override
    public byte[] peerPublicKey() {
        return new byte[0];
    }

    @Override
    public Instant openedAt() {
        return Instant.EPOCH;
    }

    @Override
    public Instant lastActivity() {
        return Instant.EPOCH;
    }

    @Override
    public ChannelStats stats() {
        return new ChannelStats(0, 0, 0, 0);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isWritable() {
        return open;
    }

    @Override
    public CompletionStage<Void> whenWritable() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> send(Packet packet) {
        if (!open) {
            return CompletableFuture.failedFuture(new IllegalStateException("closed"));
        }
        sent.add(packet);
        onSend.accept(packet);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> disconnect(DisconnectReason reason, String message) {
        open = false;
        return CompletableFuture.completedFuture(null);
    }
}
