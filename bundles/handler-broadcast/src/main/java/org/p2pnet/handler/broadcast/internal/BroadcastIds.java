package org.p2pnet.handler.broadcast.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.BroadcastPacket;

/**
 * The id of a broadcast: the lowercase hex SHA-256 over five length-prefixed fields, in this order:
 * <ol>
 *   <li>the domain tag {@value #DOMAIN} (UTF-8),</li>
 *   <li>the origin peer id, its 64 lowercase hex digits (UTF-8),</li>
 *   <li>the time, epoch milliseconds, as 8 bytes big-endian (two's complement),</li>
 *   <li>the title (UTF-8; empty when there is none),</li>
 *   <li>the message (UTF-8).</li>
 * </ol>
 * Each field is preceded by its length in bytes as 4 bytes big-endian, so no two different
 * field lists hash the same input. The hop limit is not covered (relays change it). The id binds
 * the content, not the sender: there is no signature, so the origin is a claim.
 */
final class BroadcastIds {
    /** The domain tag, first field of the hashed input. */
    static final String DOMAIN = "p2pnet-broadcast-v1";

    private static final byte[] DOMAIN_BYTES = DOMAIN.getBytes(StandardCharsets.UTF_8);

    private BroadcastIds() {
    }

    /** The id of a broadcast with this content. */
    static String idOf(PeerId origin, long time, String title, String message) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        field(sha256, DOMAIN_BYTES);
        field(sha256, origin.value().getBytes(StandardCharsets.UTF_8));
        field(sha256, ByteBuffer.allocate(Long.BYTES).putLong(time).array());
        field(sha256, (title == null ? "" : title).getBytes(StandardCharsets.UTF_8));
        field(sha256, message.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** True when the packet's id is the id of its content (compared case-insensitively). */
    static boolean matches(BroadcastPacket packet) {
        return idOf(packet.origin(), packet.time(), packet.title(), packet.message()).equalsIgnoreCase(packet.id());
    }

    private static void field(MessageDigest digest, byte[] bytes) {
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }
}
