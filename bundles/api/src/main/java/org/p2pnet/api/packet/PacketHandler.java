package org.p2pnet.api.packet;

import org.osgi.annotation.versioning.ConsumerType;
import org.p2pnet.api.PeerChannel;

/**
 * Whiteboard SPI (P2PNet's PacketHandleProtocol delegates): register a service of this type
 * with the service property {@value #TYPE_PROPERTY} naming the packet type it handles. Per type
 * the core delivers to the highest-ranked handler ({@code service.ranking}), so a bundle with a
 * higher ranking replaces a default handler at runtime. While no handler is registered for a
 * type, the core holds its packets in a bounded buffer for a bounded time.
 *
 * <p>Handlers are called on a network thread, in arrival order per channel: hand long work to
 * an executor of your own.
 */
@ConsumerType
public interface PacketHandler {
    /** Service property: the packet type handled. */
    String TYPE_PROPERTY = "p2pnet.packet.type";

    /**
     * Handles one packet. Built-in types arrive as their records; other types as {@link RawPacket}.
     * An exception is counted as a failed delivery and logged; the channel stays open.
     */
    void handle(PeerChannel channel, Packet packet) throws Exception;
}
