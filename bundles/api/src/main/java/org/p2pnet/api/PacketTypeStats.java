package org.p2pnet.api;

import java.util.Objects;

/**
 * Wire counters of one packet type, node-wide, since the core started: what {@code p2p:packets}
 * and {@code org.p2pnet:type=Packets} show. Bytes are wire bytes: each frame with its 4-byte
 * length prefix, before TLS.
 *
 * @param packetType the packet type name, or {@code (other)} for the types past the core's cap on
 *                   distinct types (see {@link PeerNetwork#packetStats()})
 * @param packetsIn  packets of the type the transport handed to the core, before any trust check
 * @param packetsOut packets of the type the transport reported written
 * @param bytesIn    their frame bytes, as the transport reported them (0 from a transport that does not)
 * @param bytesOut   the frame bytes of the packets written
 * @since 1.3
 */
public record PacketTypeStats(String packetType, long packetsIn, long packetsOut, long bytesIn, long bytesOut) {

    /** The row under which the core counts the packet types past its cap on distinct types. */
    public static final String OTHER = "(other)";

    /** @throws IllegalArgumentException when a count is negative; NullPointerException when the type is null */
    public PacketTypeStats {
        Objects.requireNonNull(packetType, "packetType");
        if (packetsIn < 0 || packetsOut < 0 || bytesIn < 0 || bytesOut < 0) {
            throw new IllegalArgumentException("counts of " + packetType + " must not be negative, got in "
                    + packetsIn + " / " + bytesIn + " bytes, out " + packetsOut + " / " + bytesOut + " bytes");
        }
    }
}
