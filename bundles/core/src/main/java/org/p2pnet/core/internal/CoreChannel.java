package org.p2pnet.core.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>Trust: every received packet is routed through {@link #route}. While the channel waits in
 * the inbound queue (<em>queued</em>: not registered, nothing dispatched) its packets are buffered
 * ({@value #MAX_QUEUED_PACKETS} at most). While the trust protocol runs (<em>pending</em>), packets
 * above the channel's level are held ({@value #MAX_HELD_PACKETS} packets and
 * {@value #MAX_HELD_BYTES} bytes at most). Held packets are re-checked in arrival order when
 * pending ends ({@link #drain}); packets that arrive meanwhile queue behind them, so the channel's
 * order is kept. Past the bounds packets are dropped and counted as untrusted.
 */
final class CoreChannel implements PeerChannel, ChannelSink {
    /** Packets held per channel while its trust protocol runs (or while the held ones are released). */
    static final int MAX_HELD_PACKETS = 256;
    /** Bytes (estimated by {@link PacketSizes}) held per channel. */
    static final long MAX_HELD_BYTES = 4L * 1024 * 1024;
    /** Packets buffered per channel while it waits in the inbound queue. */
    static final int MAX_QUEUED_PACKETS = 64;

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
    /**
     * Set when the core forgot this channel because its transport went away, until the transport
     * reports the close: packets it delivers meanwhile (a draining transport) are still handled.
     */
    private volatile boolean deliverAfterClose;
    /** How this side chose to end the channel (or heard the remote end it), before the transport reports the close. */
    private final AtomicReference<DisconnectRecord> ending = new AtomicReference<>();
    private volatile long lastActivityMillis;
    /** When a packet was last received (or the channel opened), by the core's clock. */
    private volatile long lastReceivedMillis;
    private volatile TrustLevel trustLevel = TrustLevel.DEFAULT;
    /** The address connect() dialled to open this channel, when it is an outbound one we dialled. */
    private volatile PeerAddress dialled;
    /** X.509 encoding of the peer's key, from its IDENTITY. */
    private final byte[] peerPublicKey;
    private final LongAdder untrustedDrops = new LongAdder();
    /** Set once the channel is closed for sending too many packets above its level. */
    private final AtomicBoolean closedUntrusted = new AtomicBoolean();
    /** Increases with each trust protocol run and each operator decision: a run applies only while current. */
    private final AtomicLong trustRun = new AtomicLong();
    /** The channel was admitted while no inbound policy was installed: a policy that binds re-admits it. */
    private final AtomicBoolean admittedFailClosed = new AtomicBoolean();
    private final AtomicBoolean awaitingProtocol = new AtomicBoolean();
    /** How the channel closed, once it did. */
    private volatile DisconnectRecord closedHow;

    /** Guards the held packets and the queued / pending / draining states. */
    private final Object trustLock = new Object();
    private final ArrayDeque<Packet> held = new ArrayDeque<>();
    private long heldBytes;
    private volatile boolean queued;
    private volatile boolean pending;
    private boolean draining;

    /** For tests: a channel whose peer key is unknown. */
    CoreChannel(PeerNetworkImpl network, TransportBinding binding, TransportChannel transport, PeerId peerId,
                int advertisedListenPort, Instant openedAt) {
        this(network, binding, transport, peerId, advertisedListenPort, openedAt, new byte[0]);
    }

    CoreChannel(PeerNetworkImpl network, TransportBinding binding, TransportChannel transport, PeerId peerId,
                int advertisedListenPort, Instant openedAt, byte[] peerPublicKey) {
        this.network = network;
        this.peerPublicKey = peerPublicKey.clone();
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
        this.lastReceivedMillis = lastActivityMillis;
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

    /** Sets the trust level as set (admission, trust protocol, operator); enforcement and trimming read it. */
    void trustLevel(TrustLevel level) {
        trustLevel = Objects.requireNonNull(level, "level");
    }

    // --- trust state ---

    /** Remembers that the channel was admitted while the core failed closed. */
    void admittedFailClosed(boolean value) {
        admittedFailClosed.set(value);
    }

    /** @return true (once) when the channel was admitted while the core failed closed */
    boolean takeAdmittedFailClosed() {
        return admittedFailClosed.getAndSet(false);
    }

    /** Remembers that the policy asked for a trust protocol run when none was installed. */
    void awaitProtocol() {
        awaitingProtocol.set(true);
    }

    /** @return true (once) when a trust protocol run is still owed to this channel */
    boolean takeAwaitingProtocol() {
        return awaitingProtocol.getAndSet(false);
    }

    /** Counts one packet dropped for its trust level. @return the channel's count so far */
    long countUntrustedDrop() {
        untrustedDrops.increment();
        return untrustedDrops.sum();
    }

    /** @return true (once) when the channel is to be closed for its untrusted packets */
    boolean claimUntrustedClose() {
        return closedUntrusted.compareAndSet(false, true);
    }

    /** Starts a trust protocol run (or an operator decision that ends one). @return its token */
    long nextTrustRun() {
        return trustRun.incrementAndGet();
    }

    /** True while {@code token} is the latest run and the channel is open. */
    boolean isCurrentTrustRun(long token) {
        return trustRun.get() == token && !closed.get();
    }

    /** Packets above the level are held from now on, until {@link #endPending}. */
    void startPending() {
        synchronized (trustLock) {
            pending = true;
        }
    }

    /** Puts the channel in the inbound queue: its packets are buffered, nothing is dispatched. */
    void enterQueue() {
        synchronized (trustLock) {
            queued = true;
        }
    }

    boolean isQueued() {
        return queued;
    }

    /**
     * Takes the channel out of the inbound queue: packets received from now on wait behind the
     * buffered ones until {@link #drain} releases them.
     *
     * @param trustPending true when the trust protocol is to run: packets above the level stay held
     */
    void leaveQueue(boolean trustPending) {
        synchronized (trustLock) {
            queued = false;
            pending = trustPending;
            draining = true;
        }
    }

    /** How many packets are held or buffered now. */
    int heldCount() {
        synchronized (trustLock) {
            return held.size();
        }
    }

    /**
     * Routes a packet received from the network: buffered while queued, held while it waits for
     * the trust protocol or behind held packets being released, else checked and dispatched.
     */
    void route(Packet packet) {
        boolean overflow;
        synchronized (trustLock) {
            int bound = 0;
            if (queued) {
                bound = MAX_QUEUED_PACKETS;
            } else if (draining || (pending && !network.permits(this, packet))) {
                bound = MAX_HELD_PACKETS;
            }
            if (bound > 0 && hold(packet, bound)) {
                return;
            }
            overflow = bound > 0;
        }
        if (overflow) {
            network.dropHeldOverflow(this, packet);
        } else {
            network.enforce(this, packet);
        }
    }

    /** Under {@link #trustLock}. @return false when the bounds leave no room */
    private boolean hold(Packet packet, int maxPackets) {
        long size = PacketSizes.estimate(packet);
        if (held.size() >= maxPackets || heldBytes + size > MAX_HELD_BYTES) {
            return false;
        }
        held.addLast(packet);
        heldBytes += size;
        return true;
    }

    /**
     * Ends the pending state (the trust protocol ended, or an operator decided) and releases the
     * held packets in arrival order, on the calling thread, before any newer packet.
     */
    void endPending() {
        synchronized (trustLock) {
            if (!pending) {
                return;
            }
            pending = false;
            if (draining || held.isEmpty()) {
                // a release under way takes the kept packets up again
                return;
            }
            draining = true;
        }
        drain();
    }

    /**
     * Releases held packets in order, through enforcement. While still pending, the packets
     * above the level stay held (in order); those within it are dispatched. Packets that arrive
     * during the release queue behind. Called only by the thread that set {@code draining}.
     */
    void drain() {
        List<Packet> kept = new ArrayList<>();
        for (;;) {
            Packet next;
            synchronized (trustLock) {
                if (!pending && !kept.isEmpty()) {
                    // pending ended meanwhile: the kept packets are older than anything still held
                    for (int i = kept.size() - 1; i >= 0; i--) {
                        held.addFirst(kept.get(i));
                    }
                    kept.clear();
                }
                next = held.pollFirst();
                if (next == null) {
                    held.addAll(kept);
                    draining = false;
                    return;
                }
                if (pending && !network.permits(this, next)) {
                    kept.add(next);
                    continue;
                }
                heldBytes -= PacketSizes.estimate(next);
            }
            if (closed.get()) {
                discardHeld();
                synchronized (trustLock) {
                    draining = false;
                }
                return;
            }
            network.enforce(this, next);
        }
    }

    /** Forgets held packets (the channel is closing). */
    void discardHeld() {
        synchronized (trustLock) {
            held.clear();
            heldBytes = 0;
            pending = false;
        }
    }

    /** How the channel closed, or null while it has not. */
    DisconnectRecord closedHow() {
        return closedHow;
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
        received(packet, 0);
    }

    /** Counted on the wire first (the node's per-type counters), then handled as before. */
    @Override
    public void received(Packet packet, int frameBytes) {
        network.packetCounters().received(packet.type(), frameBytes);
        if (closed.get() && !deliverAfterClose) {
            return;
        }
        packetsIn.increment();
        long now = network.clock().millis();
        lastActivityMillis = now;
        lastReceivedMillis = now;
        network.received(this, packet);
    }

    /** The transport wrote a packet: counted in the node's per-type counters only. */
    @Override
    public void sent(Packet packet, int frameBytes) {
        network.packetCounters().sent(packet.type(), frameBytes);
    }

    @Override
    public void closed(DisconnectRecord how) {
        deliverAfterClose = false;
        markClosed(Objects.requireNonNullElseGet(how,
                () -> new DisconnectRecord(DisconnectReason.CONNECTION_LOST, "", false, Instant.now())));
    }

    /**
     * Ends the core's bookkeeping of this channel exactly once, whoever notices first: the
     * transport, or the core when the transport went away. A reason this side chose (or heard
     * from the remote) before the close wins over the one reported.
     */
    /**
     * The transport went away without reporting this channel closed: closed for the core (no
     * sends, DISCONNECTED posted, a new channel with the peer is no duplicate), but packets the
     * transport still delivers until it reports the close are handled, not dropped.
     */
    void transportGone(DisconnectRecord how) {
        deliverAfterClose = true;
        markClosed(how);
    }

    void markClosed(DisconnectRecord how) {
        if (closed.compareAndSet(false, true)) {
            DisconnectRecord intent = ending.get();
            DisconnectRecord effective = intent != null ? intent : how;
            closedHow = effective;
            discardHeld();
            network.channelClosed(this, effective);
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
    public boolean trustPending() {
        return pending;
    }

    @Override
    public long untrustedDrops() {
        return untrustedDrops.sum();
    }

    @Override
    public byte[] peerPublicKey() {
        return peerPublicKey.clone();
    }

    @Override
    public Instant openedAt() {
        return openedAt;
    }

    @Override
    public Instant lastActivity() {
        return Instant.ofEpochMilli(lastActivityMillis);
    }

    /** When a packet was last received on this channel (its opening when none was). */
    Instant lastReceived() {
        return Instant.ofEpochMilli(lastReceivedMillis);
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
    public CompletionStage<Void> whenWritable() {
        return transport.whenWritable();
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
        lastActivityMillis = network.clock().millis();
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
