package org.p2pnet.core.internal;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.spi.ChannelSink;
import org.p2pnet.api.spi.TransportChannel;

/** A connection without a socket. Optionally linked to the other end's FakeChannel (a two-node test). */
final class FakeChannel implements TransportChannel {
    private static final AtomicInteger IDS = new AtomicInteger();

    final String id = "fake-" + IDS.incrementAndGet();
    final InetSocketAddress remote;
    final ChannelDirection direction;
    final List<Packet> sent = new CopyOnWriteArrayList<>();
    volatile ChannelSink sink;
    volatile boolean open = true;
    volatile DisconnectReason closedWith;
    volatile String closedMessage;
    volatile boolean closedByRemote;
    /** The other end, in a two-node test. */
    volatile FakeChannel otherEnd;
    /** The remote closed before this end was identified; reported right after identification. */
    private volatile DisconnectRecord pendingRemoteClose;
    /** A transport that stopped and never answers: close() returns a stage that never completes. */
    volatile boolean closeNeverCompletes;
    /** When 0 or more, a written packet is reported to the sink with this frame size (a transport that reports sizes). */
    volatile int sentFrameBytes = -1;

    FakeChannel(InetSocketAddress remote, ChannelDirection direction) {
        this.remote = remote;
        this.direction = direction;
    }

    /** The peer id the core identified this connection as. */
    PeerId sinkPeer() {
        return ((PeerChannel) sink).peerId();
    }

    /** Delivers a packet as if it arrived from the network. */
    void receive(Packet packet) {
        sink.received(packet);
    }

    /** Delivers a packet with the size of the frame it came in, as a transport that reports sizes does. */
    void receive(Packet packet, int frameBytes) {
        sink.received(packet, frameBytes);
    }

    void identifiedWith(ChannelSink s) {
        sink = s;
        DisconnectRecord pending = pendingRemoteClose;
        if (pending != null) {
            sink.closed(pending);
        }
    }

    /** The connection disappears without the sink being told (a transport that vanished). */
    void vanish() {
        open = false;
    }

    /** The remote ended the connection (its DISCONNECT, then the close). */
    synchronized void remoteClosed(DisconnectReason reason, String message) {
        if (!open) {
            return;
        }
        open = false;
        closedWith = reason;
        closedMessage = message;
        closedByRemote = true;
        DisconnectRecord how = new DisconnectRecord(reason, message, true, Instant.now());
        if (sink != null) {
            sink.closed(how);
        } else {
            pendingRemoteClose = how;
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public ChannelDirection direction() {
        return direction;
    }

    @Override
    public CompletionStage<Void> send(Packet packet) {
        if (!open) {
            return CompletableFuture.failedFuture(new ChannelException(DisconnectReason.CONNECTION_LOST, "closed"));
        }
        sent.add(packet);
        int size = sentFrameBytes;
        if (size >= 0) {
            sink.sent(packet, size);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> close(DisconnectReason reason, String message) {
        if (closeNeverCompletes) {
            return new CompletableFuture<>();
        }
        ChannelSink s;
        synchronized (this) {
            if (!open) {
                return CompletableFuture.completedFuture(null);
            }
            open = false;
            closedWith = reason;
            closedMessage = message;
            s = sink;
        }
        if (s != null) {
            s.closed(new DisconnectRecord(reason, message, false, Instant.now()));
        }
        FakeChannel other = otherEnd;
        if (other != null) {
            other.remoteClosed(reason, message);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Marks this end refused during identification (the transport sends DISCONNECT and closes). */
    void refused(ChannelException e) {
        open = false;
        closedWith = e.reason();
        closedMessage = e.getMessage();
        FakeChannel other = otherEnd;
        if (other != null) {
            other.remoteClosed(e.reason(), e.getMessage());
        }
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
    public ChannelStats stats() {
        return new ChannelStats(0, sent.size(), 0, 0);
    }

    @Override
    public String toString() {
        return id + " " + direction + " " + remote;
    }
}
