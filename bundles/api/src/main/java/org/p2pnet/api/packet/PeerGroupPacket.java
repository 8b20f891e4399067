package org.p2pnet.api.packet;

import java.util.List;

/**
 * Peer exchange (P2PNet's CollectionSharePacket): a list of peers the sender knows, and/or a
 * request for the receiver's.
 *
 * @param peers at most {@value #MAX_PEERS} entries
 * @param want  0: no request; 1-{@value #MAX_WANT}: "send me up to this many of the peers you know"
 */
public record PeerGroupPacket(List<Entry> peers, int want) implements Packet {
    public static final int MAX_PEERS = 1000;
    public static final int MAX_WANT = 64;

    /** Peers offered, no request. */
    public PeerGroupPacket(List<Entry> peers) {
        this(peers, 0);
    }

    /** A request for up to {@code want} peers. */
    public static PeerGroupPacket request(int want) {
        return new PeerGroupPacket(List.of(), want);
    }

    /** Whether this asks the receiver for its peers. */
    public boolean isRequest() {
        return want > 0;
    }

    public PeerGroupPacket {
        if (peers == null) {
            throw new IllegalArgumentException("peers is missing");
        }
        if (want < 0 || want > MAX_WANT) {
            throw new IllegalArgumentException("want must be 0-" + MAX_WANT + ", got " + want);
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
