package org.p2pnet.examples.handler;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.testing.FakePeerChannel;

/** An ENHANCED channel that records what a handler sends on it, or fails sends as told. */
final class RecordingChannel implements PeerChannel {
    enum SendMode { OK, FAIL_STAGE, THROW }

    final PeerId peer;
    final List<Packet> sent = new CopyOnWriteArrayList<>();
    volatile SendMode mode = SendMode.OK;
    volatile boolean disconnected;

    RecordingChannel(char hexDigit) {
        peer = FakePeerChannel.peer(hexDigit);
    }

    @Override public String channelId() { return "tcp-" + peer.shortForm(); }
    @Override public PeerId peerId() { return peer; }
    @Override public PeerAddress remoteAddress() { return new PeerAddress("192.0.2.1", 40000); }
    @Override public PeerAddress listenAddress() { return new PeerAddress("192.0.2.1", 7700); }
    @Override public ChannelDirection direction() { return ChannelDirection.INBOUND; }
    @Override public TrustLevel trustLevel() { return TrustLevel.ENHANCED; }
    @Override public boolean trustPending() { return false; }
    @Override public long untrustedDrops() { return 0; }
    @Override public byte[] peerPublicKey() { return new byte[0]; }
    @Override public Instant openedAt() { return FakePeerChannel.OPENED; }
    @Override public Instant lastActivity() { return FakePeerChannel.LAST_ACTIVITY; }
    @Override public ChannelStats stats() { return new ChannelStats(0, 0, 0, 0); }
    @Override public boolean isOpen() { return true; }
    @Override public boolean isWritable() { return true; }
    @Override public CompletionStage<Void> whenWritable() { return CompletableFuture.completedFuture(null); }

    @Override
    public CompletionStage<Void> send(Packet packet) {
        switch (mode) {
            case THROW:
                throw new IllegalStateException("test: send throws");
            case FAIL_STAGE:
                return CompletableFuture.failedFuture(new ChannelException(DisconnectReason.WRITE_BUFFER_FULL, "test: write buffer over its hard limit"));
            default:
                sent.add(packet);
                return CompletableFuture.completedFuture(null);
        }
    }

    @Override
    public CompletionStage<Void> disconnect(DisconnectReason reason, String message) {
        disconnected = true;
        return CompletableFuture.completedFuture(null);
    }

    Packet last() {
        return sent.get(sent.size() - 1);
    }
}
