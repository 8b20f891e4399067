package org.p2pnet.api.packet;

import java.nio.charset.StandardCharsets;

/**
 * A packet of a type the platform does not model: its JSON metadata as UTF-8 bytes and its
 * raw body. Custom handler bundles receive and send these and decode the metadata themselves.
 *
 * @param type     a valid type name that is not a built-in one
 * @param metadata UTF-8 JSON (may be empty)
 * @param body     raw bytes (may be empty)
 */
public record RawPacket(String type, byte[] metadata, byte[] body) implements BinaryPacket {
    public RawPacket {
        PacketTypes.requireValidName(type);
        if (PacketTypes.BUILT_IN.contains(type)) {
            throw new IllegalArgumentException(type + " is a built-in type; use its record");
        }
        metadata = metadata == null ? new byte[0] : metadata;
        body = body == null ? new byte[0] : body;
    }

    /** A custom packet with JSON metadata text and no body. */
    public static RawPacket json(String type, String json) {
        return new RawPacket(type, json.getBytes(StandardCharsets.UTF_8), null);
    }

    /** The metadata as text. */
    public String metadataText() {
        return new String(metadata, StandardCharsets.UTF_8);
    }
}
