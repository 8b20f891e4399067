package org.p2pnet.core.internal;

import org.p2pnet.api.packet.BinaryPacket;
import org.p2pnet.api.packet.BroadcastPacket;
import org.p2pnet.api.packet.DataPacket;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PeerGroupPacket;
import org.p2pnet.api.packet.RawPacket;

/**
 * A cheap estimate of the heap a held packet pins, for the hot-swap buffer's byte budget. It
 * counts what a peer controls (bodies, metadata, text fields, peer lists) and a fixed overhead
 * for the objects around them; it never walks JSON or copies anything.
 */
final class PacketSizes {
    /** The buffer entry, the packet object and its headers and references. */
    static final long OVERHEAD = 256;
    /** One PEER_GROUP entry without its strings. */
    static final long ENTRY_OVERHEAD = 96;

    private PacketSizes() {
    }

    static long estimate(Packet packet) {
        long size = OVERHEAD;
        if (packet instanceof BinaryPacket binary) {
            size += binary.body().length;
        }
        if (packet instanceof RawPacket raw) {
            size += raw.metadata().length;
        } else if (packet instanceof MessagePacket m) {
            size += chars(m.id()) + chars(m.text());
        } else if (packet instanceof BroadcastPacket b) {
            size += chars(b.id()) + chars(b.title()) + chars(b.message()) + chars(b.origin().value());
        } else if (packet instanceof PeerGroupPacket g) {
            for (PeerGroupPacket.Entry e : g.peers()) {
                size += ENTRY_OVERHEAD + chars(e.peerId()) + chars(e.host());
            }
        } else if (packet instanceof DataPacket d) {
            size += chars(d.transferId()) + chars(d.name()) + chars(d.sha256());
        } else if (packet instanceof IdentityPacket i) {
            size += chars(i.publicKey()) + chars(i.keyAlgorithm()) + chars(i.networkName()) + chars(i.agent());
        } else if (packet instanceof DisconnectPacket d) {
            size += chars(d.message());
        }
        return size;
    }

    /** A Java string holds at most two bytes per char. */
    private static long chars(String s) {
        return s == null ? 0 : 2L * s.length();
    }
}
