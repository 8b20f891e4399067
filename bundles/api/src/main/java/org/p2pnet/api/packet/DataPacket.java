package org.p2pnet.api.packet;

/**
 * A chunk of a file, task or other data (P2PNet's DataTransmissionPacket). The chunk's bytes
 * travel as the frame's raw body.
 *
 * @param transferId identifies the transfer this chunk belongs to (at most 64 characters)
 * @param format     FILE, TASK or MISC
 * @param name       file name or payload label (at most 255 characters; the receiver sanitizes it)
 * @param offset     where this chunk starts in the whole payload
 * @param totalSize  the whole payload's size in bytes
 * @param sha256     hex SHA-256 of the whole payload (may be empty until the last chunk)
 * @param last       true on the final chunk
 * @param body       the chunk's bytes
 */
public record DataPacket(String transferId, DataFormat format, String name, long offset, long totalSize,
                         String sha256, boolean last, byte[] body) implements BinaryPacket {
    public DataPacket {
        transferId = Checks.text("transferId", transferId, 64, true);
        if (format == null) {
            throw new IllegalArgumentException("format is missing or not FILE, TASK or MISC");
        }
        name = Checks.text("name", name, 255, false);
        Checks.nonNegative("offset", offset);
        Checks.nonNegative("totalSize", totalSize);
        sha256 = Checks.text("sha256", sha256, 64, false);
        body = body == null ? new byte[0] : body;
        // offset and totalSize are both non-negative here, so this comparison cannot overflow
        if (offset > totalSize - body.length) {
            throw new IllegalArgumentException("chunk of " + body.length + " bytes at offset " + offset
                    + " ends past totalSize " + totalSize);
        }
    }

    /** The same metadata with another body. */
    public DataPacket withBody(byte[] newBody) {
        return new DataPacket(transferId, format, name, offset, totalSize, sha256, last, newBody);
    }

    @Override
    public String type() {
        return PacketTypes.DATA;
    }
}
