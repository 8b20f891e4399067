package org.p2pnet.channel.tcp.internal;

import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.spi.ChannelHost;
import org.p2pnet.api.spi.ChannelSink;
import org.p2pnet.api.spi.TransportChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TCP connection as the core sees it, and the state its handlers share: how it ends (first
 * cause wins), whether input is still read, the write budget and the counters.
 *
 * <p>Everything that changes the ending state runs on the channel's event loop; the public
 * methods may be called from any thread.
 */
final class TcpChannel implements TransportChannel {
    private static final Logger LOG = LoggerFactory.getLogger(TcpChannel.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** How long a DISCONNECT may take to flush before the connection is closed anyway. */
    static final Duration CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(1);
    /**
     * After a SHUTDOWN DISCONNECT: how long the channel keeps reading, so that what the peer sent
     * before it heard the DISCONNECT is still delivered, before it closes without waiting for the
     * peer to close first.
     */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);
    /** Marks a handshake slot given back (or never needed). */
    private static final Runnable SLOT_RELEASED = () -> { };

    private final Channel channel;
    private final String id;
    private final InetSocketAddress remote;
    private final ChannelDirection direction;
    private final ChannelHost host;
    private final PacketCodec codec;
    private final long writeBufferLimit;
    private final CompletableFuture<TransportChannel> handshake = new CompletableFuture<>();

    private final AtomicLong packetsIn = new AtomicLong();
    private final AtomicLong packetsOut = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    /**
     * Frame bytes (length prefix included) accepted for writing and not yet written or failed:
     * reserved by send() before the frame is handed to the event loop, and by the writeLimit
     * handler for the frames the channel writes itself (IDENTITY, DISCONNECT).
     */
    private final AtomicLong pendingWriteBytes = new AtomicLong();
    /** Flush tasks queued on the event loop and not yet run ({@link #writeCoalesced}). */
    private final AtomicInteger pendingFlushes = new AtomicInteger();
    private final Runnable flushTask = this::flushIfLast;
    /** Gives back this channel's place among the connections in handshake; taken once, at identification or close. */
    private final AtomicReference<Runnable> handshakeSlot = new AtomicReference<>();

    private volatile ChannelSink sink;
    /**
     * Size of the frame decoded last (event loop only): the packet being passed down the pipeline
     * right now, since decoding and delivery run in one pass on the event loop.
     */
    private int lastFrameBytes;
    /** Our IDENTITY, written before the channel was identified: reported to the sink once it is (event loop only). */
    private Packet unreportedSent;
    private int unreportedSentBytes;
    /** No more sends: a DISCONNECT is on its way, one arrived, or the connection is gone. */
    private volatile boolean closing;

    // event loop only
    /** Set before the channel becomes active when it must be refused at once (too many in handshake). */
    private String refusal;
    private boolean activated;
    private boolean inputStopped;
    private DisconnectPacket remoteDisconnect;
    private DisconnectReason localReason;
    private String localMessage;
    private String lostDetail;
    private DisconnectRecord closedRecord;
    private boolean closedReported;
    /** Completed by the event loop when the channel turns writable (or closes); null when nobody waits. */
    private final AtomicReference<CompletableFuture<Void>> writableWaiter = new AtomicReference<>();

    TcpChannel(Channel channel, ChannelDirection direction, InetSocketAddress remote, ChannelHost host,
               PacketCodec codec, long writeBufferLimit) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.direction = Objects.requireNonNull(direction, "direction");
        this.remote = Objects.requireNonNull(remote, "remote");
        this.host = Objects.requireNonNull(host, "host");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.writeBufferLimit = writeBufferLimit;
        this.id = "tcp-" + IDS.incrementAndGet();
        channel.closeFuture().addListener(f -> onClosed());
    }

    // ---- TransportChannel

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

    /**
     * Encodes the packet on the calling thread and reserves its exact frame size against
     * writeBufferLimit before handing it to the event loop, so sends from any thread are bounded
     * by the limit even while the event loop is busy; the reservation is given back when the
     * write completes or fails.
     */
    @Override
    public CompletionStage<Void> send(Packet packet) {
        Objects.requireNonNull(packet, "packet");
        if (closing || !channel.isActive()) {
            return CompletableFuture.failedFuture(closedException());
        }
        long pending = pendingWriteBytes.get();
        if (pending > 0 && pending >= writeBufferLimit) {
            // full: refuse before encoding or queueing anything
            return CompletableFuture.failedFuture(writeLimitExceeded(pending));
        }
        ByteBuf frame;
        try {
            frame = codec.encode(packet, channel.alloc());
        } catch (ChannelException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new ChannelException(DisconnectReason.MALFORMED_PACKET,
                    "cannot encode " + packet.type() + ": " + e.getMessage(), e));
        }
        long frameBytes = (long) frame.readableBytes() + PacketCodec.LENGTH_FIELD_SIZE;
        if (!reserveWrite(frameBytes)) {
            frame.release();
            return CompletableFuture.failedFuture(writeLimitExceeded(pendingWriteBytes.get()));
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        // notified on the thread that completes it: a failure caused by a terminated event loop
        // still reaches the caller and gives the reservation back
        ChannelPromise promise = new DefaultChannelPromise(channel, ImmediateEventExecutor.INSTANCE);
        promise.addListener(f -> {
            releaseWrite(frameBytes);
            if (f.isSuccess()) {
                // reported before the caller hears of it, so the counters already show it then
                reportSent(sink, packet, (int) frameBytes);
                result.complete(null);
            } else {
                result.completeExceptionally(sendFailure(f.cause()));
            }
        });
        writeCoalesced(new ReservedFrame(frame), promise);
        return result;
    }

    /**
     * Writes without flushing and makes sure a flush follows: of the sends queued on the event loop
     * together, only the last one's flush does a socket write, so a burst of small packets leaves
     * in a few large writes instead of one system call each. Each send from another thread queues
     * its write (Netty's task, which counts the bytes for writability at once) and then a flush
     * task, in that order on the event loop's queue; {@link #pendingFlushes} counts the flush tasks
     * not yet run, and the one that brings it to zero flushes everything written before it. A
     * send on the event loop itself (a handler answering there) is written and flushed at once.
     */
    private void writeCoalesced(Object message, ChannelPromise promise) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            channel.writeAndFlush(message, promise);
            return;
        }
        channel.write(message, promise);
        pendingFlushes.incrementAndGet();
        try {
            loop.execute(flushTask);
        } catch (RejectedExecutionException loopGone) {
            // the event loop is shutting down: it fails the write's promise and closes the channel itself
            pendingFlushes.decrementAndGet();
        }
    }

    /** The flush task of {@link #writeCoalesced}: only the last queued one flushes. */
    private void flushIfLast() {
        if (pendingFlushes.decrementAndGet() == 0) {
            channel.flush();
        }
    }

    /**
     * Completes once the connection is closed. It completes at once when the channel is already
     * closed, or when its event loop no longer takes tasks: a listener on the close future is
     * notified through the event loop, and never once that loop has terminated.
     */
    @Override
    public CompletionStage<Void> close(DisconnectReason reason, String message) {
        Objects.requireNonNull(reason, "reason");
        ChannelFuture closeFuture = channel.closeFuture();
        if (closeFuture.isDone()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        closeFuture.addListener(f -> closed.complete(null));
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            closeWith(reason, message);
        } else {
            try {
                loop.execute(() -> closeWith(reason, message));
            } catch (RejectedExecutionException loopGone) {
                // the event loop is shutting down, closes every channel it still has, and will not
                // run our listener any more
                channel.close();
                closed.complete(null);
            }
        }
        if (closeFuture.isDone()) {
            // closed after the first check: the listener may have been handed to a loop that is gone
            closed.complete(null);
        }
        return closed;
    }

    @Override
    public boolean isOpen() {
        return !closing && channel.isActive();
    }

    @Override
    public boolean isWritable() {
        return isOpen() && channel.isWritable();
    }

    /**
     * Completes when Netty reports the channel writable again (channelWritabilityChanged, see
     * {@link RejectionHandler}); one future is shared by every waiter of one unwritable spell.
     */
    @Override
    public CompletionStage<Void> whenWritable() {
        if (!isOpen()) {
            return CompletableFuture.failedFuture(closedException());
        }
        if (channel.isWritable()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> waiter = writableWaiter.updateAndGet(
                old -> old == null || old.isDone() ? new CompletableFuture<>() : old);
        // checked again once published: the event loop may have turned writable, or closed, meanwhile
        if (!isOpen()) {
            waiter.completeExceptionally(closedException());
        } else if (channel.isWritable()) {
            waiter.complete(null);
        }
        return waiter;
    }

    /** On the event loop, when Netty's writability changed. */
    void writabilityChanged() {
        if (channel.isWritable()) {
            CompletableFuture<Void> waiter = writableWaiter.getAndSet(null);
            if (waiter != null) {
                waiter.complete(null);
            }
        }
    }

    @Override
    public ChannelStats stats() {
        return new ChannelStats(packetsIn.get(), packetsOut.get(), bytesIn.get(), bytesOut.get());
    }

    @Override
    public String toString() {
        return id + " " + direction.name().toLowerCase(java.util.Locale.ROOT) + " " + remote;
    }

    // ---- shared with the handlers (event loop)

    Channel channel() {
        return channel;
    }

    ChannelHost host() {
        return host;
    }

    /**
     * Completes with this channel once the host accepted its IDENTITY; fails with the reason it
     * ended before that, once it was connected (a failed connect is reported by the dialler).
     */
    CompletableFuture<TransportChannel> handshake() {
        return handshake;
    }

    boolean inputStopped() {
        return inputStopped;
    }

    /** The host accepted the peer's IDENTITY: frames up to maxFrameSize are accepted from now on. */
    boolean isIdentified() {
        return sink != null;
    }

    /**
     * This channel holds a place among the connections in handshake; {@code release} gives it
     * back, exactly once, when the channel is identified or closes, whichever comes first.
     */
    void holdHandshakeSlot(Runnable release) {
        Objects.requireNonNull(release, "release");
        if (!handshakeSlot.compareAndSet(null, release)) {
            // already identified or closed: nothing to hold
            release.run();
        }
    }

    private void releaseHandshakeSlot() {
        Runnable release = handshakeSlot.getAndSet(SLOT_RELEASED);
        if (release != null && release != SLOT_RELEASED) {
            release.run();
        }
    }

    /** Refuse this channel as soon as it is active: DISCONNECT TOO_MANY_CHANNELS, one counted rejection. */
    void refuseWhenActive(String why) {
        refusal = Objects.requireNonNull(why, "why");
    }

    /** Why the channel is to be refused at once, or null. */
    String refusal() {
        return refusal;
    }

    /** The connection is up and the handshake starts. */
    /** The Netty channel underneath (tests). */
    Channel nettyChannel() {
        return channel;
    }

    void activated() {
        activated = true;
    }

    void packetReceived(int frameBytes) {
        packetsIn.incrementAndGet();
        bytesIn.addAndGet(frameBytes);
        lastFrameBytes = frameBytes;
    }

    /** The frame size of the packet being delivered now (event loop; see {@link #lastFrameBytes}). */
    int lastFrameBytes() {
        return lastFrameBytes;
    }

    /**
     * On the event loop: a packet the channel wrote itself (IDENTITY, DISCONNECT) was written.
     * Reported to the sink, or, before identification, once the channel is identified.
     */
    void transportPacketWritten(Packet packet, int frameBytes) {
        ChannelSink target = sink;
        if (target == null) {
            unreportedSent = packet;
            unreportedSentBytes = frameBytes;
        } else {
            reportSent(target, packet, frameBytes);
        }
    }

    private void reportSent(ChannelSink target, Packet packet, int frameBytes) {
        if (target == null) {
            return;
        }
        try {
            target.sent(packet, frameBytes);
        } catch (RuntimeException e) {
            LOG.warn("The sink of {} failed to count a written {} packet", this, packet.type(), e);
        }
    }

    void packetSent(int frameBytes) {
        packetsOut.incrementAndGet();
        bytesOut.addAndGet(frameBytes);
    }

    /**
     * Takes {@code frameBytes} from the write budget. One frame always fits into an empty
     * buffer, so any frame up to maxFrameSize can be sent; beyond that the budget is the limit.
     */
    boolean reserveWrite(long frameBytes) {
        for (;;) {
            long pending = pendingWriteBytes.get();
            if (pending > 0 && pending + frameBytes > writeBufferLimit) {
                return false;
            }
            if (pendingWriteBytes.compareAndSet(pending, pending + frameBytes)) {
                return true;
            }
        }
    }

    void releaseWrite(long frameBytes) {
        pendingWriteBytes.addAndGet(-frameBytes);
    }

    ChannelException writeLimitExceeded(long pending) {
        return new ChannelException(DisconnectReason.WRITE_BUFFER_FULL, "write buffer of " + this + " holds " + pending
                + " bytes, at its limit of " + writeBufferLimit + " bytes: the peer is not reading fast enough");
    }

    long pendingWriteBytes() {
        return pendingWriteBytes.get();
    }

    /** The host accepted the IDENTITY: further packets go to the sink. */
    void identified(ChannelSink identifiedSink) {
        sink = identifiedSink;
        if (unreportedSent != null) {
            reportSent(identifiedSink, unreportedSent, unreportedSentBytes);
            unreportedSent = null;
        }
        releaseHandshakeSlot();
        handshake.complete(this);
        if (closedRecord != null) {
            // the host closed the channel from inside identified()
            reportClosed();
        }
    }

    /**
     * Ends the channel for bad input: one WARN line, one count at the host, a DISCONNECT to the
     * peer, close. Later problems on the same channel are ignored.
     */
    void reject(DisconnectReason reason, String detail, Throwable unexpected) {
        if (inputStopped || closing) {
            LOG.debug("{}: ignoring {} ({}) after the channel was already ended", this, reason, detail);
            return;
        }
        stopInput();
        if (unexpected == null) {
            LOG.warn("Rejected {} channel {} from {}: {} ({})", direction, id, remote, reason, detail);
        } else {
            LOG.warn("Rejected {} channel {} from {}: {} ({})", direction, id, remote, reason, detail, unexpected);
        }
        try {
            host.rejected(remote, reason, detail);
        } catch (RuntimeException e) {
            LOG.warn("The host failed to record a rejection of {}", this, e);
        }
        closeWith(reason, detail);
    }

    /**
     * Ends the channel on our side: DISCONNECT (unless the peer already sent one or the
     * connection is gone), then close once it is flushed, or after {@link #CLOSE_FLUSH_TIMEOUT}.
     * Sends fail from this moment on. For SHUTDOWN (this transport is stopping) of an identified
     * channel the input is drained rather than cut: frames keep being read and delivered until
     * the peer, having read the DISCONNECT, closes the connection, or for at most
     * {@link #DRAIN_TIMEOUT}; so nothing the peer wrote before it heard of the shutdown is lost.
     */
    void closeWith(DisconnectReason reason, String message) {
        if (closing) {
            return;
        }
        closing = true;
        localReason = reason;
        localMessage = message == null ? "" : message;
        boolean drain = reason == DisconnectReason.SHUTDOWN && isIdentified() && !inputStopped;
        if (!drain) {
            stopInput();
        }
        if (!channel.isActive() || Tls.handshakePending(channel)) {
            // before the TLS handshake is done nothing reaches the peer: close at once
            channel.close();
            return;
        }
        ChannelFuture written = channel.writeAndFlush(new DisconnectPacket(reason, localMessage));
        Duration wait = drain ? DRAIN_TIMEOUT : CLOSE_FLUSH_TIMEOUT;
        if (written.isDone() && !drain) {
            channel.close();
            return;
        }
        ScheduledFuture<?> fallback = channel.eventLoop().schedule(() -> {
            LOG.debug("{}: {} within {}, closing anyway", this,
                    drain ? "the peer did not close after the DISCONNECT" : "DISCONNECT not flushed", wait);
            channel.close();
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
        channel.closeFuture().addListener(f -> fallback.cancel(false));
        if (!drain) {
            written.addListener(f -> channel.close());
        } else {
            written.addListener(f -> {
                if (!f.isSuccess()) {
                    channel.close(); // the DISCONNECT could not be written: nobody will answer it
                }
            });
        }
    }

    /**
     * The peer sent DISCONNECT: close without answering. {@code beforeClose} runs once the
     * channel counts as closing, so a close() it triggers cannot send a DISCONNECT back.
     */
    void remoteDisconnected(DisconnectPacket packet, Runnable beforeClose) {
        if (closing) {
            return;
        }
        closing = true;
        remoteDisconnect = packet;
        stopInput();
        LOG.debug("{}: peer disconnected: {} ({})", this, packet.reason(), packet.message());
        beforeClose.run();
        channel.close();
    }

    /** The connection failed under us (reset, broken pipe): nothing can be sent any more. */
    void connectionLost(String detail) {
        if (lostDetail == null) {
            lostDetail = detail;
        }
        closing = true;
        stopInput();
        LOG.debug("{}: connection lost: {}", this, detail);
        channel.close();
    }

    private void stopInput() {
        if (!inputStopped) {
            inputStopped = true;
            channel.config().setAutoRead(false);
        }
    }

    private void onClosed() {
        closing = true;
        inputStopped = true;
        releaseHandshakeSlot();
        CompletableFuture<Void> waiter = writableWaiter.getAndSet(null);
        if (waiter != null) {
            waiter.completeExceptionally(closedException());
        }
        if (remoteDisconnect != null) {
            closedRecord = new DisconnectRecord(remoteDisconnect.reason(), remoteDisconnect.message(), true, Instant.now());
        } else if (localReason != null) {
            closedRecord = new DisconnectRecord(localReason, localMessage, false, Instant.now());
        } else {
            closedRecord = new DisconnectRecord(DisconnectReason.CONNECTION_LOST,
                    lostDetail != null ? lostDetail : "connection closed by peer without DISCONNECT", false, Instant.now());
        }
        LOG.debug("{} closed: {} ({}), by remote: {}", this, closedRecord.reason(), closedRecord.message(),
                closedRecord.byRemote());
        if (activated) {
            // before that, the connect attempt failed, and dial() reports why
            handshake.completeExceptionally(new ChannelException(closedRecord.reason(), closedRecord.message()));
        }
        reportClosed();
    }

    private void reportClosed() {
        ChannelSink target = sink;
        if (target == null || closedReported) {
            return;
        }
        closedReported = true;
        try {
            target.closed(closedRecord);
        } catch (RuntimeException e) {
            LOG.warn("The sink of {} failed on close", this, e);
        }
    }

    private ChannelException closedException() {
        return new ChannelException(DisconnectReason.CONNECTION_LOST, "channel " + this + " is closed");
    }

    private ChannelException sendFailure(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ChannelException ce) {
                return ce;
            }
            if (t instanceof ClosedChannelException || t instanceof RejectedExecutionException) {
                return new ChannelException(DisconnectReason.CONNECTION_LOST,
                        "channel " + this + " closed before the packet was written", cause);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return new ChannelException(DisconnectReason.CONNECTION_LOST,
                "writing to " + this + " failed: " + cause.getMessage(), cause);
    }
}
