package org.p2pnet.routines.internal;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.testing.FakePeerChannel;

/** A {@link FakePeerChannel} at a trust level of the test's choosing. */
final class LeveledChannel implements PeerChannel {
    private final FakePeerChannel channel;
    private final TrustLevel level;

    LeveledChannel(char digit, TrustLevel level) {
        this.channel = new FakePeerChannel(FakePeerChannel.peer(digit), "192.0.2.9:40000", ChannelDirection.OUTBOUND);
        this.level = level;
    }

    @Override
    public String channelId() {
        return channel.channelId();
    }

    @Override
    public PeerId peerId() {
        return channel.peerId();
    }

    @Override
    public PeerAddress remoteAddress() {
        return channel.remoteAddress();
    }

    @Override
    public PeerAddress listenAddress() {
        return channel.listenAddress();
    }

    @Override
    public ChannelDirection direction() {
        return channel.direction();
    }

    @Override
    public TrustLevel trustLevel() {
        return level;
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
        return channel.peerPublicKey();
    }

    @Override
    public Instant openedAt() {
        return channel.openedAt();
    }

    @Override
    public Instant lastActivity() {
        return channel.lastActivity();
    }

    @Override
    public ChannelStats stats() {
        return channel.stats();
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
        return channel.send(packet);
    }

    @Override
    public CompletionStage<Void> disconnect(DisconnectReason reason, String message) {
        return channel.disconnect(reason, message);
    }
}
