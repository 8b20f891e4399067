package org.p2pnet.channel.tcp.internal;

import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.spi.ChannelHost;
import org.p2pnet.api.spi.ChannelSink;
import org.p2pnet.api.spi.TransportChannel;
import org.p2pnet.api.spi.TransportSettings;

/** A core stand-in: an Ed25519 identity, scripted admission and identification, recorded rejections. */
final class FakeHost implements ChannelHost {
    static final String NETWORK = "test-net";

    record Rejection(InetSocketAddress remote, DisconnectReason reason, String detail) {
    }

    record Identified(TransportChannel channel, IdentityPacket identity, RecordingSink sink) {
    }

    final KeyPair keys;
    final IdentityPacket identity;
    final List<Rejection> rejections = new CopyOnWriteArrayList<>();
    final BlockingQueue<Identified> identified = new LinkedBlockingQueue<>();
    volatile TransportSettings settings;
    volatile Function<InetSocketAddress, Optional<ChannelException>> admission = remote -> Optional.empty();
    /** The key pair handed to the transport for TLS: {@link #keys} unless a test makes a liar of this host. */
    volatile KeyPair nodeKeys;
    /** When set, identified() throws it. */
    volatile ChannelException refuseIdentity;
    /** Runs inside identified(), before it returns the sink. */
    volatile Consumer<TransportChannel> duringIdentified = channel -> { };

    FakeHost(TransportSettings settings) {
        this.settings = settings;
        this.keys = newKeyPair();
        this.identity = identityOf(keys);
        this.nodeKeys = keys;
    }

    static TransportSettings settings(int maxFrameSize) {
        return settings(maxFrameSize, 0);
    }

    /** Settings listening on loopback at {@code port} (0: any free port). */
    static TransportSettings settings(int maxFrameSize, int port) {
        return new TransportSettings("127.0.0.1", port, maxFrameSize, Duration.ofSeconds(5), Duration.ZERO,
                32 * 1024, 64 * 1024, 256 * 1024);
    }

    static KeyPair newKeyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static IdentityPacket identityOf(KeyPair keys) {
        byte[] x509 = keys.getPublic().getEncoded();
        return new IdentityPacket(PeerId.of(keys.getPublic()), Base64.getEncoder().encodeToString(x509), "Ed25519",
                0, NETWORK, 1, "p2pnet-test/1");
    }

    @Override
    public TransportSettings settings() {
        return settings;
    }

    @Override
    public IdentityPacket localIdentity() {
        return identity;
    }

    @Override
    public KeyPair nodeKeyPair() {
        return nodeKeys;
    }

    @Override
    public Optional<ChannelException> admitInbound(InetSocketAddress remote) {
        return admission.apply(remote);
    }

    @Override
    public ChannelSink identified(TransportChannel channel, IdentityPacket peer) {
        return identified(channel, peer, -1);
    }

    /** Records the IDENTITY's frame size in the sink ({@link RecordingSink#identityFrameBytes}). */
    @Override
    public ChannelSink identified(TransportChannel channel, IdentityPacket peer, int frameBytes) {
        ChannelException refusal = refuseIdentity;
        if (refusal != null) {
            throw refusal;
        }
        duringIdentified.accept(channel);
        RecordingSink sink = new RecordingSink(channel);
        sink.identityFrameBytes = frameBytes;
        identified.add(new Identified(channel, peer, sink));
        return sink;
    }

    @Override
    public void rejected(InetSocketAddress remote, DisconnectReason reason, String detail) {
        rejections.add(new Rejection(remote, reason, detail));
    }

    Identified awaitIdentified() throws InterruptedException {
        Identified next = identified.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("no channel was identified within 10 s");
        }
        return next;
    }
}
