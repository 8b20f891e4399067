package org.p2pnet.bench.idle;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.channel.tcp.internal.IdleClientSupport;

/**
 * Many idle p2pnet peers in one JVM, each with its own key and peer id ({@link PeerKeys}), each
 * holding one channel to the node under test, on one shared Netty event loop group (not one
 * transport per peer). Per channel it does what a p2pnet dialler does and nothing more: connect
 * from its own loopback source address, with TLS a mutual TLS 1.3 handshake presenting its
 * self-signed node certificate (and checking the node's: one self-signed Ed25519 certificate),
 * send its IDENTITY and right behind it one PING, read the node's IDENTITY (its id must be the
 * node's) and the PONG, then stay silent. The node reads the PING only after it accepted the
 * IDENTITY, so the PONG tells this client that the channel is identified on the node and no
 * longer counts among the node's connections in handshake (the node under test answers PING as
 * the handler-keepalive bundle does).
 *
 * <p>Opening is bounded: at most {@code concurrency} handshakes in flight overall and
 * {@code perAddressConcurrency} per source address (a node admits 256 and 16 connections in
 * handshake at once; more are refused with TOO_MANY_CHANNELS), each attempt within
 * {@link #ATTEMPT_TIMEOUT}, the whole within a deadline. A channel the node refuses or that fails
 * before the PONG is tried again, at most {@link #MAX_ATTEMPTS} times in all.
 *
 * <p>Source addresses are 127.0.0.2, 127.0.0.3, ... ({@link #sourceAddresses}), peer {@code i}
 * on address {@code i mod addresses}, so that no address holds more than a node's maximum of
 * channels per IP (1024).
 */
public final class IdleClients implements AutoCloseable {
    static final int MAX_ATTEMPTS = 3;
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(30);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final long RETRY_DELAY_MS = 200;
    /** Channels per source address at most: well under the node's maxChannelsPerIp limit of 1024. */
    static final int CHANNELS_PER_ADDRESS = 500;

    /** What opening all channels came to. */
    public record Opening(int opened, int failed, int retries, long nanos, boolean timedOut, String firstFailures) {
        /** Channels per second over the whole opening, first connect to the last PONG. */
        public double perSecond() {
            return nanos <= 0 ? 0 : opened * 1e9 / nanos;
        }
    }

    private final PeerKeys peers;
    private final int count;
    private final boolean tls;
    private final InetSocketAddress node;
    private final PeerId nodeId;
    private final InetAddress[] sources;
    private final EventLoopGroup group;
    private final ChannelGroup channels;
    private final SSLContext sslContext;
    /** Which peer (index) an SSLEngine in handshake speaks for: the key manager's way to pick the certificate. */
    private final Map<SSLEngine, Integer> engines = new ConcurrentHashMap<>();
    private final AtomicInteger dropped = new AtomicInteger();

    /**
     * @param peers   the identities; the first {@code count} are used (with certificates for TLS)
     * @param threads event loop threads shared by all channels
     */
    public IdleClients(PeerKeys peers, int count, boolean tls, InetSocketAddress node, PeerId nodeId, int threads)
            throws GeneralSecurityException {
        if (count > peers.size()) {
            throw new IllegalArgumentException(count + " channels, " + peers.size() + " peer keys");
        }
        this.peers = peers;
        this.count = count;
        this.tls = tls;
        this.node = node;
        this.nodeId = nodeId;
        this.sources = sourceAddresses(count);
        this.sslContext = tls ? newSslContext() : null;
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        this.channels = new DefaultChannelGroup("idle-clients", GlobalEventExecutor.INSTANCE);
    }

    /** The loopback source addresses for {@code count} channels: 127.0.0.2 onwards, at least 4, {@link #CHANNELS_PER_ADDRESS} each at most. */
    static InetAddress[] sourceAddresses(int count) {
        int n = Math.max(4, (count + CHANNELS_PER_ADDRESS - 1) / CHANNELS_PER_ADDRESS);
        if (n > 250) {
            throw new IllegalArgumentException(count + " channels need more than 250 loopback addresses");
        }
        InetAddress[] addresses = new InetAddress[n];
        for (int i = 0; i < n; i++) {
            try {
                addresses[i] = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i)});
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return addresses;
    }

    public int sourceAddressCount() {
        return sources.length;
    }

    /** Client channels open now. */
    public int open() {
        return channels.size();
    }

    /** Channels that closed after their handshake had completed (the node ended them). */
    public int dropped() {
        return dropped.get();
    }

    /**
     * Opens the {@code count} channels; returns when every one is open or has failed
     * {@link #MAX_ATTEMPTS} times, or at {@code deadline}.
     *
     * @param progress told the number of open channels at every multiple of {@code progressEvery}
     */
    public Opening openAll(int concurrency, int perAddressConcurrency, Duration deadline, int progressEvery,
                           IntConsumer progress) throws InterruptedException {
        Semaphore inFlight = new Semaphore(concurrency);
        Semaphore[] perAddress = new Semaphore[sources.length];
        for (int i = 0; i < perAddress.length; i++) {
            perAddress[i] = new Semaphore(perAddressConcurrency);
        }
        BlockingQueue<int[]> work = new LinkedBlockingQueue<>(); // {peer index, attempt}
        for (int i = 0; i < count; i++) {
            work.add(new int[] {i, 1});
        }
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        AtomicLong lastOpened = new AtomicLong();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis());
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        boolean timedOut = false;
        while (opened.get() + failed.get() < count) {
            if (System.nanoTime() > end) {
                timedOut = true;
                break;
            }
            int[] next = work.poll(100, TimeUnit.MILLISECONDS);
            if (next == null) {
                continue;
            }
            int index = next[0];
            int attempt = next[1];
            Semaphore address = perAddress[index % sources.length];
            if (!acquire(inFlight, end)) {
                timedOut = true;
                break;
            }
            if (!acquire(address, end)) {
                inFlight.release();
                timedOut = true;
                break;
            }
            attempt(bootstrap, index).whenComplete((ok, error) -> {
                address.release();
                inFlight.release();
                if (error == null) {
                    int n = opened.incrementAndGet();
                    lastOpened.set(System.nanoTime());
                    if (n % progressEvery == 0) {
                        progress.accept(n);
                    }
                } else if (attempt < MAX_ATTEMPTS) {
                    retries.incrementAndGet();
                    group.schedule(() -> work.add(new int[] {index, attempt + 1}), RETRY_DELAY_MS, TimeUnit.MILLISECONDS);
                } else {
                    failed.incrementAndGet();
                    if (failures.size() < 5) {
                        failures.add("peer " + index + ": " + error.getMessage());
                    }
                }
            });
        }
        long nanos = (opened.get() > 0 ? lastOpened.get() : System.nanoTime()) - start;
        return new Opening(opened.get(), failed.get(), retries.get(), nanos, timedOut, String.join("; ", failures));
    }

    private static boolean acquire(Semaphore semaphore, long deadline) throws InterruptedException {
        return semaphore.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** One channel for peer {@code index}: completes when the node's IDENTITY and PONG arrived, fails with why not. */
    private CompletableFuture<Void> attempt(Bootstrap base, int index) {
        PeerKeys.Peer peer = peers.get(index);
        CompletableFuture<Void> done = new CompletableFuture<>();
        Bootstrap bootstrap = base.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (tls) {
                    SSLEngine engine = sslContext.createSSLEngine();
                    engine.setUseClientMode(true);
                    engine.setEnabledProtocols(new String[] {IdleClientSupport.tlsProtocol()});
                    engines.put(engine, index);
                    SslHandler ssl = new SslHandler(engine);
                    ssl.setHandshakeTimeoutMillis(ATTEMPT_TIMEOUT.toMillis());
                    ssl.handshakeFuture().addListener(f -> engines.remove(engine));
                    ch.closeFuture().addListener(f -> engines.remove(engine));
                    ch.pipeline().addLast(ssl);
                }
                int prefix = IdleClientSupport.lengthFieldSize();
                ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(IdleClientSupport.maxPreIdentityFrameSize() + prefix,
                        0, prefix, 0, prefix));
                ch.pipeline().addLast(new IdlePeerHandler(peer, done));
            }
        });
        ChannelFuture connect = bootstrap.connect(node, new InetSocketAddress(sources[index % sources.length], 0));
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                done.completeExceptionally(new IOException("connect failed: " + f.cause(), f.cause()));
            }
        });
        return done;
    }

    /** The pipeline's last handler: IDENTITY and PING out, the node's IDENTITY and PONG in, then silence. */
    private final class IdlePeerHandler extends ChannelInboundHandlerAdapter {
        private final PeerKeys.Peer peer;
        private final CompletableFuture<Void> done;
        private final RawPacket ping;
        private boolean identified;
        private boolean ponged;
        private DisconnectPacket disconnect;
        private ScheduledFuture<?> timer;

        IdlePeerHandler(PeerKeys.Peer peer, CompletableFuture<Void> done) {
            this.peer = peer;
            this.done = done;
            this.ping = RawPacket.json(PacketTypes.PING, String.format(Locale.ROOT,
                    "{\"nonce\":\"%016x\",\"sentAt\":%d}", peer.id.hashCode() & 0xffffffffL, System.currentTimeMillis()));
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            timer = ctx.executor().schedule(() -> fail(ctx, "no IDENTITY and PONG within " + ATTEMPT_TIMEOUT),
                    ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            // with TLS the SslHandler holds both until its handshake is done; the node reads the PING
            // only once it accepted our IDENTITY, so its PONG says the channel is identified there
            ctx.write(IdleClientSupport.encodeFrame(peer.identity, ctx.alloc()));
            ctx.writeAndFlush(IdleClientSupport.encodeFrame(ping, ctx.alloc())).addListener(f -> {
                if (!f.isSuccess()) {
                    fail(ctx, "cannot send IDENTITY and PING: " + f.cause());
                }
            });
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Packet packet;
            ByteBuf frame = (ByteBuf) msg;
            try {
                packet = IdleClientSupport.decodeFrame(frame);
            } catch (RuntimeException e) {
                fail(ctx, "undecodable frame from the node: " + e.getMessage());
                return;
            } finally {
                frame.release();
            }
            if (packet instanceof IdentityPacket identity) {
                if (!identity.peerId().equals(nodeId)) {
                    fail(ctx, "the node announced " + identity.peerId().shortForm() + ", expected " + nodeId.shortForm());
                    return;
                }
                identified = true;
                maybeDone(ctx);
            } else if (packet instanceof RawPacket raw && raw.type().equals(PacketTypes.PONG)) {
                ponged = true;
                maybeDone(ctx);
            } else if (packet instanceof DisconnectPacket d) {
                disconnect = d; // the node closes the connection next
            }
            // anything else is ignored: an idle peer reads and drops
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent tlsDone && !tlsDone.isSuccess()) {
                fail(ctx, "TLS handshake failed: " + tlsDone.cause());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancelTimer();
            if (done.isDone()) {
                dropped.incrementAndGet();
            } else {
                done.completeExceptionally(new IOException(disconnect != null
                        ? "the node sent DISCONNECT " + disconnect.reason() + " (" + disconnect.message() + ")"
                        : "the node closed the connection before the IDENTITY exchange completed"));
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            fail(ctx, String.valueOf(cause));
        }

        private void maybeDone(ChannelHandlerContext ctx) {
            if (identified && ponged && !done.isDone()) {
                cancelTimer();
                channels.add(ctx.channel());
                done.complete(null);
            }
        }

        private void fail(ChannelHandlerContext ctx, String why) {
            cancelTimer();
            if (!done.isDone()) {
                done.completeExceptionally(new IOException(why));
            }
            ctx.close();
        }

        private void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }

    /** Closes every channel, then the event loops; bounded. */
    @Override
    public void close() {
        try {
            channels.close().awaitUninterruptibly(30, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(15, TimeUnit.SECONDS);
        }
    }

    // ---- TLS: one SSLContext for all peers, the certificate chosen by engine

    private SSLContext newSslContext() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {new PerPeerKeyManager()}, new TrustManager[] {new NodeTrustManager()}, null);
        context.getClientSessionContext().setSessionCacheSize(1); // no resumption anyway: no peer host is given
        return context;
    }

    /** Presents, on each engine, the certificate and key of the peer that engine speaks for. */
    private final class PerPeerKeyManager extends X509ExtendedKeyManager {
        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            Integer index = engines.get(engine);
            if (index == null || keyTypes == null) {
                return null;
            }
            for (String type : keyTypes) {
                if ("EdDSA".equalsIgnoreCase(type) || "Ed25519".equalsIgnoreCase(type)) {
                    return index.toString();
                }
            }
            return null;
        }

        /** The alias is the peer's index. */
        private PeerKeys.Peer byAlias(String alias) {
            try {
                int index = Integer.parseInt(alias);
                return index >= 0 && index < count ? peers.get(index) : null;
            } catch (NumberFormatException | NullPointerException e) {
                return null;
            }
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            PeerKeys.Peer peer = byAlias(alias);
            return peer == null ? null : new X509Certificate[] {peer.certificate};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            PeerKeys.Peer peer = byAlias(alias);
            return peer == null ? null : peer.keys.getPrivate();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    /** Accepts the node's certificate as a p2pnet peer does: exactly one, self-signed, an Ed25519 key. */
    private static final class NodeTrustManager extends X509ExtendedTrustManager {
        private static void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length != 1) {
                throw new CertificateException("expected one self-signed Ed25519 certificate");
            }
            PublicKey key = chain[0].getPublicKey();
            if (!IdleClientSupport.isEd25519(key)) {
                throw new CertificateException("not an Ed25519 key");
            }
            try {
                chain[0].verify(key);
            } catch (GeneralSecurityException e) {
                throw new CertificateException("not self-signed: " + e.getMessage(), e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
