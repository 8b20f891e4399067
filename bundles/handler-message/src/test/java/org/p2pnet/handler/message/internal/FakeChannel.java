package org.p2pnet.handler.message.internal;

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

/** A channel with a peer id; a handler needs nothing else from it. */
final class FakeChannel implements PeerChannel {
    private final PeerId peerId;

    FakeChannel(PeerId peerId) {
        this.peerId = peerId;
    }

    /** A peer id made of one repeated hex digit, for readable tests. */
    static PeerId peer(char hexDigit) {
        return PeerId.parse(String.valueOf(hexDigit).repeat(PeerId.LENGTH));
    }

    @Override
    public String channelId() {
        return "channel-" + peerId.shortForm();
    }

    @Override
    public PeerId peerId() {
        return peerId;
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
        return ChannelDirection.INBOUND;
    }

    @Override
    public TrustLevel trustLevel() {
        return TrustLevel.DEFAULT;
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
        return true;
    }

    @Override
    public boolean isWritable() {
        return true;
    }

    @Override
    public CompletionStage<Void> send(Packet packet) {
        throw new UnsupportedOperationException("a handler must not reply here");
    }

    @Override
    public CompletionStage<Void> disconnect(DisconnectReason reason, String message) {
        throw new UnsupportedOperationException("a handler must not close the channel itself");
    }
}
