package org.p2pnet.channel.tcp.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.spi.ChannelHost;
import org.p2pnet.api.spi.ChannelTransport;
import org.p2pnet.api.spi.TransportChannel;

/**
 * The TCP channel transport on Netty NIO. The core drives it: {@link #open} starts the event
 * loops and the listener, {@link #close} ends every channel with SHUTDOWN and stops every thread;
 * it may be opened again afterwards. Its network settings are the core's (PID {@code org.p2pnet.core}),
 * read through {@link ChannelHost#settings()}; its own PID {@value #PID} holds only {@code tls}.
 * A change of that configuration restarts the component (there is no modified method): the core
 * then opens the new instance, and every channel starts again under the new setting.
 */
@Component(service = ChannelTransport.class, property = ChannelTransport.NAME_PROPERTY + "=" + TcpTransport.NAME,
        configurationPid = TcpTransport.PID)
@Designate(ocd = TcpTransport.Config.class)
public final class TcpTransport implements ChannelTransport {
    static final String NAME = "tcp";
    public static final String PID = "org.p2pnet.channel.tcp";

    @ObjectClassDefinition(name = "p2pnet TCP channels",
            description = "The TCP transport's own settings; addresses, limits and timeouts are the core's (org.p2pnet.core).")
    public @interface Config {
        @AttributeDefinition(name = "TLS",
                description = "Run every channel inside TLS 1.3 with mutual authentication by the node keys "
                        + "(docs/PROTOCOL.md, TLS). Nodes with and without TLS cannot talk to each other.")
        boolean tls() default true;
    }

    private final boolean tls;

    private final Object lifecycle = new Object();
    /** Null while not open. Written under {@link #lifecycle}; read without it by dial(). */
    private volatile TcpEndpoint endpoint;

    /** A plaintext transport (tests, embedding). */
    public TcpTransport() {
        this(false);
    }

    @Activate
    public TcpTransport(Config config) {
        this(config.tls());
    }

    TcpTransport(boolean tls) {
        // nothing starts before open(): a transport nobody uses holds no thread and no port
        this.tls = tls;
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
            TcpEndpoint opened = TcpEndpoint.open(host, tls);
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

    /** The listener's address now: after a failed move, the one it kept (null when it lost it). */
    @Override
    public InetSocketAddress listening() {
        TcpEndpoint current = endpoint;
        return current == null ? null : current.boundAddress();
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
