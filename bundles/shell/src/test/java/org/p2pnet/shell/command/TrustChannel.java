package org.p2pnet.shell.command;

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

/** A {@link FakePeerChannel} whose trust level, pending state and untrusted drops a test sets. */
final class TrustChannel implements PeerChannel {
    private final FakePeerChannel channel;
    TrustLevel level;
    boolean pending;
    long drops;

    TrustChannel(PeerId peer, String remoteAddress, ChannelDirection direction, TrustLevel level) {
        this.channel = new FakePeerChannel(peer, remoteAddress, direction);
        this.level = level;
    }

    TrustChannel(PeerId peer, TrustLevel level, boolean pending, long drops) {
        this(peer, "192.0.2.8:51234", ChannelDirection.INBOUND, level);
        this.pending = pending;
        this.drops = drops;
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
        return pending;
    }

    @Override
    public long untrustedDrops() {
        return drops;
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
