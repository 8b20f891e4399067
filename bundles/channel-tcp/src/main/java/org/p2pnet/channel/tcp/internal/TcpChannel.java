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
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
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



    private final Channel channel;
    private final String id;
    private final InetSocketAddress remote;
    private final ChannelDirection direction;
    private final ChannelHost host;
    private final long writeBufferLimit;
    private final CompletableFuture<TransportChannel> handshake = new CompletableFuture<>();

    private final AtomicLong packetsIn = new AtomicLong();
    private final AtomicLong packetsOut = new AtomicLong();
    private final AtomicLong bytesIn = new AtomicLong();
    private final AtomicLong bytesOut = new AtomicLong();
    /** Frame bytes accepted by the writeLimit handler and not yet written or failed. */
    private final AtomicLong pendingWriteBytes = new AtomicLong();

    private volatile ChannelSink sink;
    /** No more sends: a DISCONNECT is on its way, one arrived, or the connection is gone. */
    private volatile boolean closing;

    // event loop only
    private boolean activated;
    private boolean inputStopped;
    private DisconnectPacket remoteDisconnect;
    private DisconnectReason localReason;
    private String localMessage;
    private String lostDetail;
    private DisconnectRecord closedRecord;
    private boolean closedReported;

    TcpChannel(Channel channel, ChannelDirection direction, InetSocketAddress remote, ChannelHost host,
               long writeBufferLimit) {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.direction = Objects.requireNonNull(direction, "direction");
        this.remote = Objects.requireNonNull(remote, "remote");
        this.host = Objects.requireNonNull(host, "host");
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

    @Override
    public CompletionStage<Void> send(Packet packet) {
        Objects.requireNonNull(packet, "packet");
        if (closing || !channel.isActive()) {
            return CompletableFuture.failedFuture(closedException());
        }
        long pending = pendingWriteBytes.get();
        if (pending > writeBufferLimit) {
            // refuse before queueing anything: a peer that does not read must not grow our memory
            return CompletableFuture.failedFuture(writeLimitExceeded(pending));
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        ChannelPromise promise = channel.newPromise();
        promise.addListener(f -> {
            if (f.isSuccess()) {
                result.complete(null);
            } else {
                result.completeExceptionally(sendFailure(f.cause()));
            }
        });
        channel.writeAndFlush(packet, promise);
        return result;
    }

    @Override
    public CompletionStage<Void> close(DisconnectReason reason, String message) {
        Objects.requireNonNull(reason, "reason");
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.closeFuture().addListener(f -> closed.complete(null));
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            closeWith(reason, message);
        } else {
            try {
                loop.execute(() -> closeWith(reason, message));
            } catch (RejectedExecutionException loopGone) {
                // the event loop is shutting down, and closes every channel it still has
                channel.close();
            }
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

    /** The connection is up and the handshake starts. */
    void activated() {
        activated = true;
    }

    void packetReceived(int frameBytes) {
        packetsIn.incrementAndGet();
        bytesIn.addAndGet(frameBytes);
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
        long pending = pendingWriteBytes.get();
        if (pending > 0 && pending + frameBytes > writeBufferLimit) {
            return false;
        }
        pendingWriteBytes.addAndGet(frameBytes);
        return true;
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
     */
    void closeWith(DisconnectReason reason, String message) {
        if (closing) {
            return;
        }
        closing = true;
        localReason = reason;
        localMessage = message == null ? "" : message;
        stopInput();
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        ChannelFuture written = channel.writeAndFlush(new DisconnectPacket(reason, localMessage));
        if (written.isDone()) {
            channel.close();
            return;
        }
        ScheduledFuture<?> fallback = channel.eventLoop().schedule(() -> {
            LOG.debug("{}: DISCONNECT not flushed within {}, closing anyway", this, CLOSE_FLUSH_TIMEOUT);
            channel.close();
        }, CLOSE_FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        written.addListener(f -> {
            fallback.cancel(false);
            channel.close();
        });
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
