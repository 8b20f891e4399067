package org.p2pnet.channel.tcp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.spi.ChannelHost;
import org.p2pnet.api.spi.ChannelTransport;
import org.p2pnet.api.spi.TransportChannel;

/**
 * The TCP channel transport on Netty NIO. The core drives it: {@link #open} starts the event
 * loops and the listener, {@link #close} ends every channel with SHUTDOWN and stops every thread;
 * it may be opened again afterwards. Its settings are the core's (PID {@code org.p2pnet.core}),
 * read through {@link ChannelHost#settings()}, so this component has no configuration of its own.
 */
@Component(service = ChannelTransport.class, property = ChannelTransport.NAME_PROPERTY + "=" + TcpTransport.NAME)
public final class TcpTransport implements ChannelTransport {
    static final String NAME = "tcp";

    private final Object lifecycle = new Object();
    /** Null while not open. Written under {@link #lifecycle}; read without it by dial(). */
    private volatile TcpEndpoint endpoint;

    @Activate
    public TcpTransport() {
        // nothing starts before open(): a transport nobody uses holds no thread and no port
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Opens for this host; a transport that is already open is closed first. */
    @Override
    public InetSocketAddress open(ChannelHost host) throws IOException {
        synchronized (lifecycle) {
            TcpEndpoint previous = endpoint;
            if (previous != null) {
                endpoint = null;
                previous.close();
            }
            TcpEndpoint opened = TcpEndpoint.open(host);
            endpoint = opened;
            return opened.boundAddress();
        }
    }

    @Override
    public InetSocketAddress reconfigure() throws IOException {
        synchronized (lifecycle) {
            TcpEndpoint current = endpoint;
            if (current == null) {
                throw new IOException("tcp transport is not open");
            }
            return current.reconfigure();
        }
    }

    @Override
    public CompletionStage<TransportChannel> dial(PeerAddress address) {
        TcpEndpoint current = endpoint;
        if (current == null) {
            return CompletableFuture.failedFuture(
                    new ChannelException(DisconnectReason.SHUTDOWN, "tcp transport is not open"));
        }
        return current.dial(address);
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            TcpEndpoint current = endpoint;
            endpoint = null;
            if (current != null) {
                current.close();
            }
        }
    }

    /** The bundle stops or the component is disabled: release every thread and port. */
    @Deactivate
    void deactivate() {
        close();
    }

    /** The endpoint while open, for tests. */
    TcpEndpoint endpoint() {
        return endpoint;
    }
}
