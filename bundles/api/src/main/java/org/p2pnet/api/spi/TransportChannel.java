package org.p2pnet.api.spi;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.osgi.annotation.versioning.ConsumerType;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.Packet;

/** One connection as a transport exposes it to the core. Implemented by transports. */
@ConsumerType
public interface TransportChannel {
    /** A transport-unique id of this connection. */
    String id();

    InetSocketAddress remoteAddress();

    ChannelDirection direction();

    /** Encodes and writes a packet; completes when written, fails when closed or over the write limit. */
    CompletionStage<Void> send(Packet packet);

    /**
     * Sends a DISCONNECT with this reason (unless the connection is already gone), then closes.
     * The sink's {@link ChannelSink#closed} is called once with this reason.
     */
    CompletionStage<Void> close(DisconnectReason reason, String message);

    boolean isOpen();

    boolean isWritable();

    /**
     * Completes once {@link #isWritable()} turned true (at once when it is true now), or
     * exceptionally with a {@link org.p2pnet.api.ChannelException} when the channel closes first.
     * Transports should override this with a notification; the default, for a transport that
     * cannot tell, completes at once when writable or closed and otherwise after a 10 ms pause, so
     * a caller that waits on it in a loop polls rather than spins.
     *
     * @since 1.2
     */
    default CompletionStage<Void> whenWritable() {
        if (isWritable() || !isOpen()) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS));
    }

    ChannelStats stats();

    /** Convenience for an empty stats value. */
    static ChannelStats noStats() {
        return new ChannelStats(0, 0, 0, 0);
    }
}
