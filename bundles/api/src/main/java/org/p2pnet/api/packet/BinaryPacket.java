package org.p2pnet.api.packet;

/**
 * A packet with a raw binary body carried after its JSON metadata in the frame (never base64).
 * The {@code body} is not part of the metadata JSON.
 */
public interface BinaryPacket extends Packet {
    /** The raw body; empty, never null. Callers must not modify it. */
    byte[] body();
}
