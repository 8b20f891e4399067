package org.p2pnet.core.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.spi.ChannelHost;
import org.p2pnet.api.spi.ChannelSink;
import org.p2pnet.api.spi.ChannelTransport;
import org.p2pnet.api.spi.TransportChannel;

/** A channel transport without sockets: tests drive connections by hand. */
final class FakeTransport implements ChannelTransport {
    private static final AtomicInteger EPHEMERAL = new AtomicInteger(50_000);

    final String name;
    volatile ChannelHost host;
    volatile IOException openFailure;
    volatile IOException reconfigureFailure;
    /** Whether {@link #listening} says where the listener is (a transport of SPI 1.2 does not). */
    volatile boolean saysWhereItListens = true;
    /** Whether a failed reconfigure loses the listener (channel-tcp's rare case: the old address taken too). */
    volatile boolean reconfigureFailureLosesListener;
    /** The listener's address: set by open and by a reconfigure that succeeded. */
    volatile InetSocketAddress listener;
    final AtomicInteger opens = new AtomicInteger();
    /** Calls of open, failed ones included. */
    final AtomicInteger openAttempts = new AtomicInteger();
    final AtomicInteger reconfigures = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    final List<FakeChannel> channels = new CopyOnWriteArrayList<>();
    final List<PeerAddress> dialled = new CopyOnWriteArrayList<>();
    /** How a dial to an address goes; absent addresses refuse the connection. */
    final Map<PeerAddress, Function<PeerAddress, CompletionStage<TransportChannel>>> answers = new ConcurrentHashMap<>();

    FakeTransport(String name) {
        this.name = name;
    }

    static InetSocketAddress socket(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }

    static InetSocketAddress ephemeral(String ip) {
        return new InetSocketAddress(ip, EPHEMERAL.incrementAndGet());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public InetSocketAddress open(ChannelHost h) throws IOException {
        openAttempts.incrementAndGet();
        if (openFailure != null) {
            throw openFailure;
        }
        host = h;
        opens.incrementAndGet();
        listener = new InetSocketAddress(h.settings().bindAddress(), h.settings().port());
        return listener;
    }

    @Override
    public InetSocketAddress reconfigure() throws IOException {
        reconfigures.incrementAndGet();
        IOException failure = reconfigureFailure;
        if (failure != null) {
            if (reconfigureFailureLosesListener) {
                listener = null;
            }
            throw failure;
        }
        listener = new InetSocketAddress(host.settings().bindAddress(), host.settings().port());
        return listener;
    }

    @Override
    public InetSocketAddress listening() {
        return saysWhereItListens ? listener : null;
    }

    @Override
    public CompletionStage<TransportChannel> dial(PeerAddress address) {
        dialled.add(address);
        var answer = answers.get(address);
        if (answer == null) {
            return CompletableFuture.failedFuture(new IOException("Connection refused: " + address));
        }
        return answer.apply(address);
    }

    @Override
    public void close() {
        closes.incrementAndGet();
        for (FakeChannel c : channels) {
            c.close(DisconnectReason.SHUTDOWN, "transport closed");
        }
    }

    /** Answers dials to {@code address} with a peer sending {@code identity}, as a real transport would. */
    void answer(PeerAddress address, IdentityPacket identity) {
        answers.put(address, a -> {
            FakeChannel c = new FakeChannel(socket(a.host(), a.port()), ChannelDirection.OUTBOUND);
            try {
                identify(c, identity);
                return CompletableFuture.completedFuture(c);
            } catch (ChannelException e) {
                return CompletableFuture.failedFuture(e);
            }
        });
    }

    /** A remote peer connects to this node and sends its IDENTITY. @throws ChannelException when refused */
    FakeChannel inbound(InetSocketAddress from, IdentityPacket identity) {
        Optional<ChannelException> refusal = host.admitInbound(from);
        if (refusal.isPresent()) {
            throw refusal.get();
        }
        return identify(new FakeChannel(from, ChannelDirection.INBOUND), identity);
    }

    /** This node dialled and received {@code identity}. @throws ChannelException when refused */
    FakeChannel outbound(InetSocketAddress to, IdentityPacket identity) {
        return identify(new FakeChannel(to, ChannelDirection.OUTBOUND), identity);
    }

    /** Hands the peer's IDENTITY to the host; on refusal the channel is closed and the exception rethrown. */
    FakeChannel identify(FakeChannel c, IdentityPacket identity) {
        return identify(c, identity, -1);
    }

    /**
     * As {@link #identify(FakeChannel, IdentityPacket)}; with {@code frameBytes} 0 or more, as a
     * transport that reports sizes: the IDENTITY's frame size goes with it.
     */
    FakeChannel identify(FakeChannel c, IdentityPacket identity, int frameBytes) {
        ChannelSink sink;
        try {
            sink = frameBytes < 0 ? host.identified(c, identity) : host.identified(c, identity, frameBytes);
        } catch (ChannelException e) {
            c.refused(e);
            throw e;
        }
        channels.add(c);
        c.identifiedWith(sink);
        return c;
    }
}
