package org.p2pnet.api.packet;

/** A typed unit exchanged on a channel. */
public interface Packet {
    /** The packet type name (see {@link PacketTypes}). */
    String type();
}
