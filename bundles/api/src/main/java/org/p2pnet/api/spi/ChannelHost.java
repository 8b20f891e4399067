package org.p2pnet.api.spi;

import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.packet.IdentityPacket;

/**
 * What the core offers a transport. A transport gets it in {@link ChannelTransport#open}.
 */
@ProviderType
public interface ChannelHost {
    /** The settings in force now. */
    TransportSettings settings();

    /** The IDENTITY this node sends as the first packet of each channel. */
    IdentityPacket localIdentity();

    /**
     * The node's Ed25519 key pair, whose public key is the one in {@link #localIdentity()}: a
     * transport that proves the node holds its key (TLS, docs/PROTOCOL.md "TLS") signs its
     * handshakes with it. The private key must stay in the process and serve nothing else.
     *
     * @return the node's key pair
     * @throws UnsupportedOperationException when this host cannot provide it (the default); a
     *         transport that needs it then refuses to open
     * @since 1.1
     */
    default KeyPair nodeKeyPair() {
        throw new UnsupportedOperationException("this host provides no node key pair");
    }

    /**
     * Asked when a connection is accepted, before any handshake work.
     *
     * @return empty to go on, or the reason to refuse (the transport then sends a DISCONNECT and closes)
     */
    Optional<ChannelException> admitInbound(InetSocketAddress remote);

    /**
     * The peer's IDENTITY arrived. The core checks it (id derives from key, network, protocol
     * version, self-connection, duplicates, limits) and registers the channel.
     *
     * @return where to deliver the channel's further packets
     * @throws ChannelException with the reason to end the channel (the transport sends it as DISCONNECT)
     */
    ChannelSink identified(TransportChannel channel, IdentityPacket identity) throws ChannelException;

    /**
     * As {@link #identified(TransportChannel, IdentityPacket)}, with the size of the frame the
     * IDENTITY came in (length prefix included, before TLS), for the core's per-type wire counters
     * (see {@link ChannelSink}). A transport that reports sizes calls this one instead.
     *
     * @since 1.2
     */
    default ChannelSink identified(TransportChannel channel, IdentityPacket identity, int frameBytes)
            throws ChannelException {
        return identified(channel, identity);
    }

    /**
     * The transport rejected input before a channel was identified, or ended a channel for bad
     * input (a malformed frame, a handshake timeout, a protocol violation). Counted by reason.
     */
    void rejected(InetSocketAddress remote, DisconnectReason reason, String detail);
}
