package org.p2pnet.handler.keepalive.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.testing.FakePeerChannel;

/**
 * An open channel that records what is sent on it and how it was closed; the test moves its
 * received-packet counter; sending moves its last activity, as the core's does. Unlike {@link FakePeerChannel#forHandler}, a keepalive
 * handler may answer on it: PONG goes back on the PING's channel.
 */
final class TestChannel implements PeerChannel {
    /** One {@link #disconnect} call. */
    record Disconnect(DisconnectReason reason, String message) {
    }

    final List<Packet> sent = new CopyOnWriteArrayList<>();
    final List<Disconnect> disconnects = new CopyOnWriteArrayList<>();
    private final PeerId peer;
    private final String id;
    private volatile long packetsIn;
    private volatile Instant lastActivity;
    private volatile boolean open = true;
    private volatile RuntimeException sendFailure;

    private final Clock clock;

    /** A channel whose last activity is now; like the core's, sending moves it. */
    TestChannel(char hexDigit, Clock clock) {
        this("tcp-" + hexDigit, FakePeerChannel.peer(hexDigit), clock);
    }

    TestChannel(String id, PeerId peer, Clock clock) {
        this.peer = peer;
        this.id = id;
        this.clock = clock;
        this.lastActivity = clock.instant();
    }

    /** The peer sent a packet (of any type) now. */
    void received(Instant at) {
        packetsIn++;
        lastActivity = at;
    }

    /** Every later send throws this. */
    void failSends(RuntimeException failure) {
        sendFailure = failure;
    }

    /** The sent packets of this type, as RawPackets. */
    List<RawPacket> sent(String type) {
        return sent.stream().filter(p -> p.type().equals(type)).map(RawPacket.class::cast).toList();
    }

    @Override
    public String channelId() {
        return id;
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
        return ChannelDirection.INBOUND;
    }

    @Override
    public TrustLevel trustLevel() {
        return TrustLevel.NONE;
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
        return FakePeerChannel.OPENED;
    }

    @Override
    public Instant lastActivity() {
        return lastActivity;
    }

    @Override
    public ChannelStats stats() {
        return new ChannelStats(packetsIn, sent.size(), 0, 0);
    }

    @Override
    public boolean isOpen() {
        return open;
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
        RuntimeException failure = sendFailure;
        if (failure != null) {
            throw failure;
        }
        if (!open) {
            return CompletableFuture.failedFuture(new IllegalStateException("closed"));
        }
        sent.add(packet);
        lastActivity = clock.instant(); // the core counts sent packets as activity too
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> disconnect(DisconnectReason reason, String message) {
        disconnects.add(new Disconnect(reason, message));
        open = false;
        return CompletableFuture.completedFuture(null);
    }
}
