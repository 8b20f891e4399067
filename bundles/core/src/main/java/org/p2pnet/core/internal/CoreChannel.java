package org.p2pnet.core.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.spi.ChannelSink;
import org.p2pnet.api.spi.TransportChannel;

/**
 * An identified channel: the {@link PeerChannel} handlers and applications see, and the
 * {@link ChannelSink} its transport delivers to. Packet counters are the core's; byte counters
 * come from the transport.
 */
final class CoreChannel implements PeerChannel, ChannelSink {
    private final PeerNetworkImpl network;
    private final TransportBinding binding;
    private final TransportChannel transport;
    private final PeerId peerId;
    private final PeerAddress remoteAddress;
    /** Key of the per-IP limit; see {@link #remoteIp()}. */
    private final String remoteIp;
    private final PeerAddress listenAddress;
    private final Instant openedAt;
    private final LongAdder packetsIn = new LongAdder();
    private final LongAdder packetsOut = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** How this side chose to end the channel (or heard the remote end it), before the transport reports the close. */
    private final AtomicReference<DisconnectRecord> ending = new AtomicReference<>();
    private volatile long lastActivityMillis;
    private volatile TrustLevel trustLevel = TrustLevel.DEFAULT;
    /** The address connect() dialled to open this channel, when it is an outbound one we dialled. */
    private volatile PeerAddress dialled;

    CoreChannel(PeerNetworkImpl network, TransportBinding binding, TransportChannel transport, PeerId peerId,
                int advertisedListenPort, Instant openedAt) {
        this.network = network;
        this.binding = binding;
        this.transport = transport;
        this.peerId = peerId;
        this.remoteAddress = Addresses.of(transport.remoteAddress());
        this.remoteIp = ipOf(transport.remoteAddress());
        this.listenAddress = advertisedListenPort > 0
                ? new PeerAddress(remoteAddress.host(), advertisedListenPort)
                : remoteAddress;
        this.openedAt = openedAt;
        this.lastActivityMillis = openedAt.toEpochMilli();
    }

    TransportChannel transport() {
        return transport;
    }

    TransportBinding binding() {
        return binding;
    }

    /**
     * The remote IP address as text, the key of the per-IP limit: the observed socket address's
     * IP (without an IPv6 scope), or its host text when unresolved.
     */
    String remoteIp() {
        return remoteIp;
    }

    private static String ipOf(InetSocketAddress socket) {
        InetAddress ip = socket.getAddress();
        if (ip == null) {
            return socket.getHostString().toLowerCase(Locale.ROOT);
        }
        String text = ip.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }

    /**
     * Sets the trust level. Nothing in the core raises it yet (the trust bundle will); the
     * trimming order reads it.
     */
    void trustLevel(TrustLevel level) {
        trustLevel = Objects.requireNonNull(level, "level");
    }

    /** True once this side chose to end the channel, or heard the remote end it: it is on its way out. */
    boolean isEnding() {
        return ending.get() != null;
    }

    /**
     * Claims the end of this channel before {@link #disconnect} is called, so that it no longer
     * counts as staying. @return false when it was ending already
     */
    boolean claimEnding(DisconnectReason reason, String message) {
        return ending.compareAndSet(null, new DisconnectRecord(reason, message, false, Instant.now()));
    }

    /** Remembers the address connect() dialled to reach this outbound channel. */
    void dialledAs(PeerAddress address) {
        if (transport.direction() == ChannelDirection.OUTBOUND) {
            dialled = address;
        }
    }

    /**
     * True when this is an outbound channel this node dialled at {@code address}: its observed
     * remote address (or the address connect() dialled) is that address. What the peer advertised
     * never counts: a peer sharing an IP with another cannot shadow it.
     */
    boolean dialledAt(PeerAddress address) {
        return transport.direction() == ChannelDirection.OUTBOUND
                && (Addresses.same(remoteAddress, address) || Addresses.same(dialled, address));
    }

    /** The addresses this node dialled to reach the peer on this channel; empty for an inbound channel. */
    Set<PeerAddress> dialledAddresses() {
        if (transport.direction() != ChannelDirection.OUTBOUND) {
            return Set.of();
        }
        PeerAddress d = dialled;
        return d == null || Addresses.same(d, remoteAddress) ? Set.of(remoteAddress)
                : Set.of(remoteAddress, d);
    }

    /**
     * Counts the handshake IDENTITY each way: the transport sent ours and received the peer's
     * before the core saw the channel, so neither passed through {@link #send} or {@link #received}.
     */
    void countHandshake() {
        packetsIn.increment();
        packetsOut.increment();
    }

    // --- ChannelSink ---

    @Override
    public void received(Packet packet) {
        if (closed.get()) {
            return;
        }
        packetsIn.increment();
        lastActivityMillis = System.currentTimeMillis();
        network.received(this, packet);
    }

    @Override
    public void closed(DisconnectRecord how) {
        markClosed(Objects.requireNonNullElseGet(how,
                () -> new DisconnectRecord(DisconnectReason.CONNECTION_LOST, "", false, Instant.now())));
    }

    /**
     * Ends the core's bookkeeping of this channel exactly once, whoever notices first: the
     * transport, or the core when the transport went away. A reason this side chose (or heard
     * from the remote) before the close wins over the one reported.
     */
    void markClosed(DisconnectRecord how) {
        if (closed.compareAndSet(false, true)) {
            DisconnectRecord intent = ending.get();
            network.channelClosed(this, intent != null ? intent : how);
        }
    }

    // --- PeerChannel ---

    @Override
    public String channelId() {
        return transport.id();
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
        return listenAddress;
    }

    @Override
    public ChannelDirection direction() {
        return transport.direction();
    }

    @Override
    public TrustLevel trustLevel() {
        return trustLevel;
    }

    @Override
    public Instant openedAt() {
        return openedAt;
    }

    @Override
    public Instant lastActivity() {
        return Instant.ofEpochMilli(lastActivityMillis);
    }

    @Override
    public ChannelStats stats() {
        ChannelStats t;
        try {
            t = transport.stats();
        } catch (RuntimeException e) {
            t = null;
        }
        return new ChannelStats(packetsIn.sum(), packetsOut.sum(), t == null ? 0 : t.bytesIn(),
                t == null ? 0 : t.bytesOut());
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && transport.isOpen();
    }

    @Override
    public boolean isWritable() {
        return isOpen() && transport.isWritable();
    }

    @Override
    public CompletionStage<Void> send(Packet packet) {
        Objects.requireNonNull(packet, "packet");
        if (PacketTypes.IDENTITY.equals(packet.type())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "IDENTITY is sent by the transport during the handshake only"));
        }
        if (PacketTypes.DISCONNECT.equals(packet.type())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "end a channel with disconnect(reason, message), not by sending DISCONNECT"));
        }
        if (!isOpen()) {
            return CompletableFuture.failedFuture(new ChannelException(DisconnectReason.CONNECTION_LOST,
                    "the channel with " + peerId.shortForm() + " is closed"));
        }
        lastActivityMillis = System.currentTimeMillis();
        CompletionStage<Void> written;
        try {
            written = transport.send(packet);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return written.whenComplete((ok, failure) -> {
            if (failure == null) {
                packetsOut.increment();
                network.sent();
            }
        });
    }

    /**
     * Sends DISCONNECT and closes. On a channel that is closed already (its transport stopped, or
     * the close is under way) there is nothing to do: the stage completes at once, and the peer's
     * record keeps how the channel really ended.
     */
    @Override
    public CompletionStage<Void> disconnect(DisconnectReason reason, String message) {
        Objects.requireNonNull(reason, "reason");
        if (!isOpen()) {
            return CompletableFuture.completedFuture(null);
        }
        DisconnectRecord how = new DisconnectRecord(Objects.requireNonNull(reason, "reason"), message, false,
                Instant.now());
        ending.compareAndSet(null, how);
        network.disconnectedLocally(this, how);
        return close(reason, how.message());
    }

    /** The remote sent DISCONNECT: close without answering, remembering its reason. */
    CompletionStage<Void> closeByRemote(DisconnectRecord how) {
        ending.compareAndSet(null, how);
        return close(how.reason(), how.message());
    }

    /** Closes for a reason of the core's own (duplicate, shutdown) without touching the peer's record. */
    CompletionStage<Void> close(DisconnectReason reason, String message) {
        try {
            return transport.close(reason, message);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public String toString() {
        return "channel " + transport.id() + " " + transport.direction() + " " + peerId.shortForm() + "@" + remoteAddress;
    }
}
