package org.p2pnet.api.packet;

import java.util.List;

/**
 * A list of peers the sender knows (P2PNet's CollectionSharePacket; peer exchange).
 *
 * @param peers at most {@value #MAX_PEERS} entries
 */
public record PeerGroupPacket(List<Entry> peers) implements Packet {
    public static final int MAX_PEERS = 1000;

    public PeerGroupPacket {
        if (peers == null) {
            throw new IllegalArgumentException("peers is missing");
        }
        if (peers.size() > MAX_PEERS) {
            throw new IllegalArgumentException("peers has " + peers.size() + " entries, more than " + MAX_PEERS);
        }
        for (Entry e : peers) {
            if (e == null) {
                throw new IllegalArgumentException("peers contains a null entry");
            }
        }
        peers = List.copyOf(peers);
    }

    /**
     * One peer.
     *
     * @param peerId its id, as text (checked by the receiver when it dials)
     * @param host   its host
     * @param port   its TCP listen port
     */
    public record Entry(String peerId, String host, int port) {
        public Entry {
            peerId = Checks.text("peerId", peerId, 64, false);
            new org.p2pnet.api.PeerAddress(host, port);
        }
    }

    @Override
    public String type() {
        return PacketTypes.PEER_GROUP;
    }
}
