package org.p2pnet.channel.tcp.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import javax.net.ssl.SSLException;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.NettyRuntime;
import io.netty.util.concurrent.EventExecutor;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.spi.ChannelHost;
import org.p2pnet.api.spi.TransportChannel;
import org.p2pnet.api.spi.TransportSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open period of the transport, from open() to close(): the two event loop groups, the
 * listener, and every channel opened meanwhile. Lifecycle methods are called under the
 * transport's lock; dial() and the channels run concurrently with them.
 */
final class TcpEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(TcpEndpoint.class);

    static final String ACCEPT_THREAD_PREFIX = "p2pnet-tcp-accept";
    static final String IO_THREAD_PREFIX = "p2pnet-tcp-io";
    /** A p2p node holds tens of channels, not thousands: a few I/O threads are plenty. */
    static final int MAX_IO_THREADS = 4;

    static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);
    /** Bound on waiting for a closed listener's port to be really free (see bindOnceReleased). */
    static final Duration PORT_RELEASE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration PORT_RELEASE_POLL = Duration.ofMillis(5);
    /** Bound on waiting for the channels to send DISCONNECT SHUTDOWN and close. */
    static final Duration CHANNELS_CLOSE_TIMEOUT = TcpChannel.DRAIN_TIMEOUT.plusSeconds(1);
    /** Bound on the event loops' graceful shutdown, and on waiting for it. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private final ChannelHost host;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final Set<TcpChannel> channels = ConcurrentHashMap.newKeySet();
    private final HandshakeLimiter handshakes = new HandshakeLimiter();
    private volatile ChannelContext context;
    private volatile Channel listener;
    private volatile boolean closed;

    private TcpEndpoint(ChannelHost host, ChannelContext context) {
        this.host = host;
        this.context = context;
        this.acceptGroup = new MultiThreadIoEventLoopGroup(1, new NamedThreadFactory(ACCEPT_THREAD_PREFIX),
                NioIoHandler.newFactory());
        this.ioGroup = new MultiThreadIoEventLoopGroup(Math.min(MAX_IO_THREADS, NettyRuntime.availableProcessors()),
                new NamedThreadFactory(IO_THREAD_PREFIX), NioIoHandler.newFactory());
    }

    /** Starts the event loops and binds the listener; on failure releases everything it started. */
    static TcpEndpoint open(ChannelHost host, boolean tls) throws IOException {
        Objects.requireNonNull(host, "host");
        ChannelContext context = ChannelContext.of(host, host.settings(), tls ? tlsFor(host) : null);
        TcpEndpoint endpoint = new TcpEndpoint(host, context);
        try {
            endpoint.listener = endpoint.bind(context.settings());
        } catch (IOException | RuntimeException e) {
            endpoint.close();
            throw e;
        }
        LOG.info("TCP transport listening on {}{}", endpoint.boundAddress(),
                tls ? " with TLS 1.3, certificate " + context.tls().certificate().getSubjectX500Principal().getName() : "");
        return endpoint;
    }

    /** TLS with the host's node key; before any thread is started, so a failure leaves nothing behind. */
    private static Tls tlsFor(ChannelHost host) throws IOException {
        try {
            return Tls.forNode(host.nodeKeyPair());
        } catch (GeneralSecurityException | SSLException | RuntimeException e) {
            throw new IOException("tls=true, but TLS cannot be set up with the node key: " + e, e);
        }
    }

    /** The certificate this endpoint presents, null without TLS (tests, diagnostics). */
    X509Certificate tlsCertificate() {
        Tls tls = context.tls();
        return tls == null ? null : tls.certificate();
    }

    /** The listener's address; null after a failed move lost it (see {@link #reconfigure}). */
    InetSocketAddress boundAddress() {
        Channel current = listener;
        return current == null ? null : (InetSocketAddress) current.localAddress();
    }

    /**
     * Takes the host's current settings for new channels; when the listen address or port
     * changed, moves the listener. Open channels are kept. A new port is bound before the old
     * listener is closed; the same (non-zero) port on another address cannot be bound while the
     * old listener holds it, so the old one is closed first. When the new address cannot be
     * bound, nothing changes: the previous listener keeps (or gets back) its address, the
     * previous settings stay in force, and the IOException names both addresses.
     */
    InetSocketAddress reconfigure() throws IOException {
        ChannelContext current = context;
        ChannelContext next = current.with(host.settings());
        TransportSettings was = current.settings();
        TransportSettings now = next.settings();
        Channel previous = listener;
        if (previous == null) {
            // an earlier move lost the listener altogether: listen again
            listener = bind(now);
            context = next;
            LOG.info("TCP transport listening on {}", boundAddress());
            return boundAddress();
        }
        if (was.bindAddress().equals(now.bindAddress()) && was.port() == now.port()) {
            context = next;
            return boundAddress();
        }
        InetSocketAddress old = (InetSocketAddress) previous.localAddress();
        String to = where(now);
        InetSocketAddress target;
        try {
            target = resolve(now);
        } catch (IOException e) {
            throw moveFailed(old, to, e, "still listening on " + hostPort(old));
        }
        if (target.getPort() != 0 && target.equals(old)) {
            // the listener already has that address (the port was 0, and is now the one it got)
            context = next;
            return boundAddress();
        }
        Channel fresh = target.getPort() != 0 && target.getPort() == old.getPort()
                ? moveOnSamePort(previous, old, to, target)
                : bindBeforeClosing(old, to, target);
        context = next;
        listener = fresh;
        if (previous.isOpen()) {
            previous.close().awaitUninterruptibly(BIND_TIMEOUT.toMillis());
        }
        LOG.info("TCP transport moved its listener from {} to {}", hostPort(old), fresh.localAddress());
        return boundAddress();
    }

    private Channel bindBeforeClosing(InetSocketAddress old, String to, InetSocketAddress target) throws IOException {
        try {
            return bind(to, target);
        } catch (IOException e) {
            throw moveFailed(old, to, e, "still listening on " + hostPort(old));
        }
    }

    /**
     * The old listener holds the port, and Linux refuses a second listener on it even on another
     * address: close the old one, bind the new one, and on failure bind the old address again.
     */
    private Channel moveOnSamePort(Channel previous, InetSocketAddress old, String to, InetSocketAddress target)
            throws IOException {
        if (!previous.close().awaitUninterruptibly(BIND_TIMEOUT.toMillis())) {
            throw new IOException("cannot move the listener from " + hostPort(old) + " to " + to
                    + ": the old listener did not close within " + BIND_TIMEOUT);
        }
        try {
            return bindOnceReleased(to, target);
        } catch (IOException e) {
            try {
                listener = bindOnceReleased(hostPort(old), old);
            } catch (IOException again) {
                listener = null;
                LOG.warn("TCP transport lost its listener: cannot bind {} ({}), nor {} again ({})", to,
                        e.getMessage(), hostPort(old), again.getMessage());
                IOException failure = moveFailed(old, to, e, "binding " + hostPort(old) + " again failed too ("
                        + again.getMessage() + "): not listening");
                failure.addSuppressed(again);
                throw failure;
            }
            throw moveFailed(old, to, e, "still listening on " + hostPort(old));
        }
    }

    /**
     * Binds an address on the port the old listener just gave up. Its close future completes
     * before the socket is really closed: NIO closes a registered channel only when the
     * selector deregisters it, on the accept loop's next select. Until then the port is still
     * "in use", so a BindException is retried for up to {@link #PORT_RELEASE_TIMEOUT}.
     */
    private Channel bindOnceReleased(String where, InetSocketAddress address) throws IOException {
        long deadline = System.nanoTime() + PORT_RELEASE_TIMEOUT.toNanos();
        for (;;) {
            try {
                return bind(where, address);
            } catch (IOException e) {
                if (!(e.getCause() instanceof BindException) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                LockSupport.parkNanos(PORT_RELEASE_POLL.toNanos());
            }
        }
    }

    private static IOException moveFailed(InetSocketAddress old, String to, IOException cause, String outcome) {
        return new IOException("cannot move the listener from " + hostPort(old) + " to " + to + ": "
                + cause.getMessage() + "; " + outcome, cause);
    }

    private static String where(TransportSettings settings) {
        return settings.bindAddress().indexOf(':') >= 0 ? "[" + settings.bindAddress() + "]:" + settings.port()
                : settings.bindAddress() + ":" + settings.port();
    }

    private static String hostPort(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
    }

    private Channel bind(TransportSettings settings) throws IOException {
        return bind(where(settings), resolve(settings));
    }

    private static InetSocketAddress resolve(TransportSettings settings) throws IOException {
        try {
            return new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port());
        } catch (UnknownHostException e) {
            throw new IOException("cannot listen on " + where(settings) + ": unknown address " + settings.bindAddress(), e);
        }
    }

    private Channel bind(String where, InetSocketAddress address) throws IOException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new TcpChannelInitializer(() -> context, ChannelDirection.INBOUND, null, this::trackInbound));
        ChannelFuture bound = bootstrap.bind(address);
        if (!bound.awaitUninterruptibly(BIND_TIMEOUT.toMillis())) {
            bound.channel().close();
            throw new IOException("cannot listen on " + where + ": bind did not complete within " + BIND_TIMEOUT);
        }
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            throw new IOException("cannot listen on " + where + ": " + cause.getMessage(), cause);
        }
        return bound.channel();
    }

    /**
     * Connects and runs the handshake. A host name is resolved on the calling thread, so that
     * no event loop ever waits for DNS; an IP literal needs no lookup.
     */
    CompletionStage<TransportChannel> dial(PeerAddress address) {
        Objects.requireNonNull(address, "address");
        if (closed) {
            return CompletableFuture.failedFuture(notOpen());
        }
        InetSocketAddress target;
        try {
            target = new InetSocketAddress(InetAddress.getByName(address.host()), address.port());
        } catch (UnknownHostException e) {
            return CompletableFuture.failedFuture(
                    new ChannelException(DisconnectReason.CONNECTION_LOST, "cannot resolve host " + address.host(), e));
        }
        ChannelContext ctx = context;
        CompletableFuture<TransportChannel> result = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(ioGroup)
                .channel(NioSocketChannel.class)
                .resolver(NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, ctx.settings().handshakeTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new TcpChannelInitializer(() -> ctx, ChannelDirection.OUTBOUND, target, channel -> {
                    track(channel);
                    channel.handshake().whenComplete((identified, failure) -> {
                        if (failure == null) {
                            result.complete(identified);
                        } else {
                            result.completeExceptionally(failure);
                        }
                    });
                }));
        ChannelFuture connect;
        try {
            connect = bootstrap.connect(target);
        } catch (RejectedExecutionException | IllegalStateException e) {
            return CompletableFuture.failedFuture(notOpen());
        }
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(connectFailure(address, f.cause(), ctx.settings().handshakeTimeout()));
            }
        });
        return result;
    }

    private ChannelException connectFailure(PeerAddress address, Throwable cause, Duration timeout) {
        if (closed) {
            return new ChannelException(DisconnectReason.SHUTDOWN, "tcp transport closed while connecting to " + address);
        }
        if (cause instanceof ConnectTimeoutException) {
            return new ChannelException(DisconnectReason.CONNECTION_LOST,
                    "connecting to " + address + " timed out after " + timeout, cause);
        }
        if (cause instanceof ConnectException && String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT)
                .contains("refused")) {
            return new ChannelException(DisconnectReason.CONNECTION_LOST, "connection refused by " + address, cause);
        }
        return new ChannelException(DisconnectReason.CONNECTION_LOST,
                "cannot connect to " + address + ": " + cause.getMessage(), cause);
    }

    private static ChannelException notOpen() {
        return new ChannelException(DisconnectReason.SHUTDOWN, "tcp transport is not open");
    }

    /**
     * An accepted connection: it takes a place among the connections in handshake, given back
     * once when it is identified or closes; when none is left (overall or for its IP address) it
     * is refused as soon as it is active, with DISCONNECT TOO_MANY_CHANNELS and one counted
     * rejection, before the host is asked anything.
     */
    private void trackInbound(TcpChannel channel) {
        InetAddress address = channel.remoteAddress().getAddress();
        if (address == null) {
            address = InetAddress.getLoopbackAddress();
        }
        InetAddress from = address;
        String refusal = handshakes.tryAcquire(from);
        if (refusal == null) {
            channel.holdHandshakeSlot(() -> {
                if (!handshakes.release(from)) {
                    LOG.warn("{} gave back a handshake place it did not hold", channel);
                }
            });
        } else {
            channel.refuseWhenActive(refusal);
        }
        track(channel);
    }

    /** Inbound connections accepted and not yet identified nor closed. */
    int handshakesInProgress() {
        return handshakes.inHandshake();
    }

    private void track(TcpChannel channel) {
        channels.add(channel);
        channel.channel().closeFuture().addListener(f -> channels.remove(channel));
        if (closed) {
            // opened while close() ran: it may have missed this one
            channel.close(DisconnectReason.SHUTDOWN, "tcp transport is closing");
        }
    }

    /**
     * Closes the listener, every channel with SHUTDOWN (DISCONNECT sent, bounded wait), then the
     * event loops (bounded wait). When called on one of its own event loops it cannot wait, and
     * only starts the shutdown.
     */
    void close() {
        closed = true;
        boolean mayWait = !inOwnEventLoop();
        Channel server = listener;
        if (server != null) {
            ChannelFuture closing = server.close();
            if (mayWait) {
                closing.awaitUninterruptibly(BIND_TIMEOUT.toMillis());
            }
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (TcpChannel channel : channels) {
            closing.add(channel.close(DisconnectReason.SHUTDOWN, "tcp transport is closing").toCompletableFuture());
        }
        if (mayWait && !closing.isEmpty()) {
            try {
                CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                        .get(CHANNELS_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warn("{} channels did not close within {}; the event loops close them", channels.size(),
                        CHANNELS_CLOSE_TIMEOUT);
            } catch (ExecutionException e) {
                LOG.debug("A channel failed to close cleanly", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        shutdown(acceptGroup, mayWait);
        shutdown(ioGroup, mayWait);
        LOG.info("TCP transport closed");
    }

    private static void shutdown(EventLoopGroup group, boolean mayWait) {
        group.shutdownGracefully(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (mayWait && !group.terminationFuture().awaitUninterruptibly(SHUTDOWN_TIMEOUT.plusSeconds(1).toMillis())) {
            LOG.warn("Event loops did not terminate within {}", SHUTDOWN_TIMEOUT.plusSeconds(1));
        }
    }

    private boolean inOwnEventLoop() {
        for (EventLoopGroup group : List.of(acceptGroup, ioGroup)) {
            for (EventExecutor executor : group) {
                if (executor.inEventLoop()) {
                    return true;
                }
            }
        }
        return false;
    }
}
