package org.p2pnet.api.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ConsumerType;
import org.p2pnet.api.PeerAddress;

/**
 * A channel transport (channel-tcp provides one). The core binds to it dynamically and drives
 * it: {@link #open} when both are up, {@link #reconfigure} when settings change, {@link #close}
 * when the core goes away. When the transport's bundle stops, it closes everything it opened.
 */
@ConsumerType
public interface ChannelTransport {
    /** Service property naming the transport, for example {@code tcp}. */
    String NAME_PROPERTY = "p2pnet.transport";

    /** The transport's name. */
    String name();

    /**
     * Starts serving the host: listens on the configured address and port.
     *
     * @return the address actually bound
     * @throws IOException when the listener cannot be bound (the message says which address)
     */
    InetSocketAddress open(ChannelHost host) throws IOException;

    /**
     * Applies changed settings; rebinds the listener when the address or port changed. Open
     * channels are kept.
     *
     * @return the address bound now
     */
    InetSocketAddress reconfigure() throws IOException;

    /**
     * The address the listener is bound to now. After a {@link #reconfigure} that failed, this says
     * whether the transport kept its previous listener. The default says nothing (null), and the core
     * then shows the node as not listening until a reconfiguration succeeds.
     *
     * @return the listener's address, or null when there is none (or the transport does not say)
     * @since 1.3
     */
    default InetSocketAddress listening() {
        return null;
    }

    /**
     * Dials a peer and performs the handshake. Completes when the host has accepted the
     * channel ({@link ChannelHost#identified}), or fails with a
     * {@link org.p2pnet.api.ChannelException} naming the reason.
     */
    CompletionStage<TransportChannel> dial(PeerAddress address);

    /** Closes the listener and every channel with reason SHUTDOWN, and releases all threads. */
    void close();
}
