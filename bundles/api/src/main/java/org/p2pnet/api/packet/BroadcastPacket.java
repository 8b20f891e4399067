package org.p2pnet.api.packet;

import org.p2pnet.api.PeerId;

/**
 * A network-wide broadcast in the p2p_network format, relayed peer to peer.
 *
 * @param id       hex SHA-256 identifying the broadcast (64 characters)
 * @param title    at most 256 characters
 * @param message  at most {@value #MAX_MESSAGE_LENGTH} characters
 * @param time     origin clock, epoch milliseconds
 * @param origin   the id of the node that first sent it
 * @param hopLimit hops left (0–64); a relay decrements it and stops at 0
 */
public record BroadcastPacket(String id, String title, String message, long time, PeerId origin, int hopLimit)
        implements Packet {
    public static final int MAX_MESSAGE_LENGTH = 65_536;
    public static final int MAX_HOPS = 64;

    public BroadcastPacket {
        id = Checks.text("id", id, 64, true);
        if (id.length() != 64) {
            throw new IllegalArgumentException("id must be a 64-digit hex SHA-256");
        }
        title = Checks.text("title", title, 256, false);
        message = Checks.text("message", message, MAX_MESSAGE_LENGTH, true);
        if (origin == null) {
            throw new IllegalArgumentException("origin is missing");
        }
        if (hopLimit < 0 || hopLimit > MAX_HOPS) {
            throw new IllegalArgumentException("hopLimit must be 0-" + MAX_HOPS + ", got " + hopLimit);
        }
    }

    @Override
    public String type() {
        return PacketTypes.BROADCAST;
    }
}
