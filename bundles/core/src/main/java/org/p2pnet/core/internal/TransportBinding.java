package org.p2pnet.core.internal;

import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.util.Optional;
import java.util.concurrent.Future;

import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.spi.ChannelHost;
import org.p2pnet.api.spi.ChannelSink;
import org.p2pnet.api.spi.ChannelTransport;
import org.p2pnet.api.spi.TransportChannel;
import org.p2pnet.api.spi.TransportSettings;

/**
 * The core's side of one bound transport: the {@link ChannelHost} handed to
 * {@link ChannelTransport#open}. One instance per binding, so that channels remember which
 * transport carries them and a host left over from an earlier binding refuses new work.
 * Not registered as a service.
 */
final class TransportBinding implements ChannelHost {
    private final PeerNetworkImpl network;
    private final ChannelTransport transport;
    private final String name;
    /** The listener's address, null while not listening. */
    private volatile InetSocketAddress bound;
    /** True once {@code open} returned: the transport then serves this host until closed. */
    private volatile boolean opened;
    /** True while {@code open} runs: inbound connections may already arrive. */
    private volatile boolean opening;
    private volatile boolean detached;
    /**
     * Why the transport does not listen where configured (its open or move failed), with when it is
     * tried again; null once it does.
     */
    private volatile String listenProblem;
    /** The next attempt to open or move after a failure; under the core's transport lock. */
    private Future<?> retry;
    /** Delay before the next attempt after a failure (doubles up to the core's maximum). */
    private long retryDelayMillis;

    TransportBinding(PeerNetworkImpl network, ChannelTransport transport) {
        this.network = network;
        this.transport = transport;
        String n;
        try {
            n = transport.name();
        } catch (RuntimeException e) {
            n = transport.getClass().getName();
        }
        this.name = n;
    }

    ChannelTransport transport() {
        return transport;
    }

    String name() {
        return name;
    }

    InetSocketAddress bound() {
        return bound;
    }

    boolean isOpened() {
        return opened;
    }

    boolean isDetached() {
        return detached;
    }

    void opening(boolean value) {
        opening = value;
    }

    boolean isOpening() {
        return opening;
    }

    void opened(InetSocketAddress address) {
        opened = true;
        bound = address;
    }

    void listening(InetSocketAddress address) {
        bound = address;
    }

    /** This binding is no longer the core's transport: refuse anything it still reports. */
    void detach() {
        detached = true;
        bound = null;
        cancelRetry();
    }

    String listenProblem() {
        return listenProblem;
    }

    void listenProblem(String problem) {
        listenProblem = problem;
    }

    /** Under the transport lock: the delay before the next attempt, doubled for the time after. */
    long nextRetryDelay(long firstMillis, long maxMillis) {
        long delay = retryDelayMillis == 0 ? firstMillis : retryDelayMillis;
        retryDelayMillis = Math.min(maxMillis, delay * 2);
        return delay;
    }

    /** Under the transport lock: the pending attempt to open or move again (replacing any earlier one). */
    void retry(Future<?> next) {
        cancelRetry();
        retry = next;
    }

    /** Under the transport lock: no attempt pending, and the next failure waits the first delay again. */
    void resetRetry() {
        cancelRetry();
        retryDelayMillis = 0;
    }

    private void cancelRetry() {
        Future<?> pending = retry;
        retry = null;
        if (pending != null) {
            pending.cancel(false);
        }
    }

    @Override
    public TransportSettings settings() {
        return network.settings().transportSettings();
    }

    @Override
    public IdentityPacket localIdentity() {
        return network.localIdentity();
    }

    /** The node key, for a transport that proves it holds it (TLS). */
    @Override
    public KeyPair nodeKeyPair() {
        return network.nodeKeyPair();
    }

    @Override
    public Optional<ChannelException> admitInbound(InetSocketAddress remote) {
        if (detached) {
            return Optional.of(new ChannelException(DisconnectReason.SHUTDOWN, "this node's transport is stopping"));
        }
        return network.admitInbound(remote);
    }

    @Override
    public ChannelSink identified(TransportChannel channel, IdentityPacket identity) throws ChannelException {
        return identified(channel, identity, 0);
    }

    /** The peer's IDENTITY is counted on the wire (per type) whether or not the core accepts it. */
    @Override
    public ChannelSink identified(TransportChannel channel, IdentityPacket identity, int frameBytes)
            throws ChannelException {
        network.packetCounters().received(PacketTypes.IDENTITY, frameBytes);
        return network.identified(this, channel, identity);
    }

    @Override
    public void rejected(InetSocketAddress remote, DisconnectReason reason, String detail) {
        network.rejected(remote, reason, detail);
    }

    @Override
    public String toString() {
        return "transport " + name;
    }
}
