package org.p2pnet.api.spi;

import org.osgi.annotation.versioning.ProviderType;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.packet.Packet;

/**
 * Where a transport delivers an identified channel's packets. Provided by the core.
 *
 * <p><b>Wire sizes.</b> A transport that knows the size of each frame reports it through
 * {@link #received(Packet, int)} and {@link #sent(Packet, int)} (and the size of the peer's
 * handshake IDENTITY through {@link ChannelHost#identified(TransportChannel, org.p2pnet.api.packet.IdentityPacket, int)}):
 * the core keeps per-type packet and byte counters from them ({@code PeerNetwork.packetStats()}).
 * {@code frameBytes} is the frame as it travels, its length prefix included, before any
 * encryption (TLS). The defaults keep a transport that does not report working: its packets
 * are delivered as before, counted in without bytes, and not counted out.
 */
@ProviderType
public interface ChannelSink {
    /** A packet arrived (never IDENTITY during the handshake; everything after it, in order). */
    void received(Packet packet);

    /**
     * A packet arrived in a frame of {@code frameBytes} bytes: as {@link #received(Packet)}, and
     * counted with its size. A transport that reports sizes calls this one instead of
     * {@link #received(Packet)}, for every packet.
     *
     * @since 1.2
     */
    default void received(Packet packet, int frameBytes) {
        received(packet);
    }

    /**
     * A packet was written in a frame of {@code frameBytes} bytes: called once per packet whose
     * write succeeded, whoever asked for it (the core's sends, and the DISCONNECT and the
     * handshake IDENTITY the transport writes itself; an IDENTITY written before the channel was
     * identified is reported once it is). Never for a failed write. Only counted: nothing is
     * delivered. May be called on any thread, also after {@link #closed}.
     *
     * @since 1.2
     */
    default void sent(Packet packet, int frameBytes) {
    }

    /** The channel closed; called exactly once. */
    void closed(DisconnectRecord how);
}
