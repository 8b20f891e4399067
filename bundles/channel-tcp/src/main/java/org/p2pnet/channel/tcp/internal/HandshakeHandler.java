package org.p2pnet.channel.tcp.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.spi.ChannelHost;
import org.p2pnet.api.spi.ChannelSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IDENTITY exchange (docs/PROTOCOL.md, "Channel life"): admission of inbound connections,
 * our IDENTITY sent at once, the peer's IDENTITY expected first and within the handshake
 * timeout, then handed to the host. On success this handler replaces itself with the
 * {@code dispatch} handler.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeHandler.class);

    private final TcpChannel channel;
    private final Duration timeout;
    private ScheduledFuture<?> timer;

    HandshakeHandler(TcpChannel channel, Duration timeout) {
        this.channel = channel;
        this.timeout = timeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel.activated();
        ctx.fireChannelActive();
        String refusal = channel.refusal();
        if (refusal != null) {
            // too many connections in handshake: refused before the host is even asked
            channel.reject(DisconnectReason.TOO_MANY_CHANNELS, refusal, null);
            return;
        }
        ChannelHost host = channel.host();
        if (channel.direction() == ChannelDirection.INBOUND && !admitted(host)) {
            return;
        }
        IdentityPacket identity;
        try {
            identity = host.localIdentity();
        } catch (Throwable e) {
            LOG.warn("The host has no IDENTITY for {}", channel, e);
            channel.closeWith(DisconnectReason.INTERNAL_ERROR, "internal error: no node identity");
            rethrowIfFatal(e);
            return;
        }
        // armed before the write, so that a close the write causes also cancels it
        // with TLS, the TLS handshake runs within the same deadline
        timer = ctx.executor().schedule(() -> ctx.fireExceptionCaught(new RejectedInputException(
                DisconnectReason.HANDSHAKE_TIMEOUT, Tls.handshakePending(ctx.channel())
                        ? "TLS handshake not complete within " + timeout : "no IDENTITY within " + timeout)),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.channel().writeAndFlush(identity).addListener(written -> {
            // a channel already ending, or a failed TLS handshake (the errors handler reports that), fails it too
            if (!written.isSuccess() && ctx.channel().isActive() && !channel.inputStopped()
                    && !Tls.handshakePending(ctx.channel())) {
                // not the peer's fault (an IDENTITY over maxFrameSize, for one): no rejection to count
                LOG.warn("Cannot send our IDENTITY on {}: {}", channel, written.cause().getMessage());
                channel.closeWith(DisconnectReason.INTERNAL_ERROR, "internal error: cannot send IDENTITY");
            }
        });
    }

    private boolean admitted(ChannelHost host) {
        Optional<ChannelException> refusal;
        try {
            refusal = host.admitInbound(channel.remoteAddress());
        } catch (ChannelException e) {
            refusal = Optional.of(e);
        } catch (Throwable e) {
            LOG.warn("The host failed to admit {}; refusing it", channel, e);
            channel.closeWith(DisconnectReason.INTERNAL_ERROR, "internal error: cannot admit the channel");
            rethrowIfFatal(e);
            return false;
        }
        if (refusal == null || refusal.isEmpty()) {
            return true;
        }
        ChannelException reason = refusal.get();
        LOG.debug("Refused {}: {} ({})", channel, reason.reason(), reason.getMessage());
        channel.closeWith(reason.reason(), reason.getMessage());
        return false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (channel.inputStopped() || !(msg instanceof Packet packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        cancelTimer();
        if (packet instanceof IdentityPacket identity) {
            identify(ctx, identity);
        } else if (packet instanceof DisconnectPacket disconnect) {
            // the peer refused us; answering a DISCONNECT is never done
            channel.remoteDisconnected(disconnect, () -> { });
        } else {
            ctx.fireExceptionCaught(new RejectedInputException(DisconnectReason.PROTOCOL_VIOLATION,
                    packet.type() + " before IDENTITY"));
        }
    }

    private void identify(ChannelHandlerContext ctx, IdentityPacket identity) {
        String unbound = Tls.bindingProblem(ctx.pipeline(), identity);
        if (unbound != null) {
            // the peer proved it holds the key of its certificate, and announces another one
            ctx.fireExceptionCaught(new RejectedInputException(DisconnectReason.INVALID_IDENTITY, unbound));
            return;
        }
        ChannelSink sink;
        try {
            sink = channel.host().identified(channel, identity, channel.lastFrameBytes());
        } catch (ChannelException e) {
            LOG.debug("Host refused {} as {}: {} ({})", channel, identity.peerId().shortForm(), e.reason(), e.getMessage());
            channel.closeWith(e.reason(), e.getMessage());
            return;
        } catch (Throwable e) {
            // an Error too (an assertion, a linkage problem): the channel must not stay half-open,
            // with the handshake over on the wire and nobody to deliver to
            LOG.warn("The host failed on the IDENTITY of {}", channel, e);
            channel.closeWith(DisconnectReason.INTERNAL_ERROR, "internal error: cannot register the channel");
            rethrowIfFatal(e);
            return;
        }
        if (sink == null) {
            LOG.warn("The host returned no sink for {}", channel);
            channel.closeWith(DisconnectReason.INTERNAL_ERROR, "internal error: cannot register the channel");
            return;
        }
        ctx.pipeline().replace(this, TcpChannelInitializer.DISPATCH, new DispatchHandler(channel, sink));
        channel.identified(sink);
    }

    /**
     * A VirtualMachineError (out of memory, stack overflow) is not ours to swallow: it goes on,
     * after the channel was closed. The errors handler then ignores it for this channel, which
     * is already ending.
     */
    private static void rethrowIfFatal(Throwable e) {
        if (e instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    /**
     * A failed TLS handshake: the SslHandler closes the channel right after this event, before
     * its exception would reach the errors handler, so the rejection is reported from here (the
     * exception that follows is then ignored). A connection that is already gone is not a rejection.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess() && ctx.channel().isActive()) {
            ctx.fireExceptionCaught(done.cause());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
