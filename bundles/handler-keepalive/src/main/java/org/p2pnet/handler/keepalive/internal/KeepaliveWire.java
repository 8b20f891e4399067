package org.p2pnet.handler.keepalive.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.p2pnet.api.packet.RawPacket;

/**
 * PING and PONG on the wire: {@link RawPacket}s with JSON metadata and an empty body.
 *
 * <pre>
 * PING {"nonce":"&lt;16-32 hex digits&gt;","sentAt":&lt;sender's clock, epoch ms&gt;}
 * PONG {"nonce":"&lt;the PING's nonce&gt;","sentAt":&lt;answerer's clock, epoch ms&gt;}
 * </pre>
 *
 * <p>Parsing is strict and bounded: at most {@value #MAX_METADATA_BYTES} bytes, a JSON object with
 * exactly these two fields (no duplicates, nothing after it), the nonce 16 to 32 hex digits, sentAt a
 * whole number from 0 to {@link Long#MAX_VALUE}. Nothing is ever Java-deserialized; Jackson reads a tree.
 */
final class KeepaliveWire {
    static final int MAX_METADATA_BYTES = 256;
    static final int MIN_NONCE_DIGITS = 16;
    static final int MAX_NONCE_DIGITS = 32;

    private static final Pattern NONCE = Pattern.compile("[0-9a-fA-F]{" + MIN_NONCE_DIGITS + "," + MAX_NONCE_DIGITS + "}");
    private static final Set<String> FIELDS = Set.of("nonce", "sentAt");
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    /**
     * One parsed PING or PONG.
     *
     * @param nonce  as sent (16-32 hex digits)
     * @param sentAt the sender's clock, epoch milliseconds (not trusted for anything but display)
     */
    record Message(String nonce, long sentAt) {
    }

    /** Thrown for a packet that is not a valid PING or PONG, naming the problem. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    private KeepaliveWire() {
    }

    /** A PING or PONG (by {@code type}) with this nonce and time. */
    static RawPacket packet(String type, String nonce, long sentAt) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("nonce", nonce);
        n.put("sentAt", sentAt);
        return new RawPacket(type, n.toString().getBytes(StandardCharsets.UTF_8), null);
    }

    /** Parses a packet's metadata strictly. */
    static Message parse(RawPacket packet) throws MalformedException {
        if (packet.body().length != 0) {
            throw new MalformedException("a " + packet.type() + " has no body, this one has " + packet.body().length
                    + " bytes");
        }
        byte[] metadata = packet.metadata();
        if (metadata.length > MAX_METADATA_BYTES) {
            throw new MalformedException("metadata of " + metadata.length + " bytes, more than " + MAX_METADATA_BYTES);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(metadata);
        } catch (IOException e) {
            throw new MalformedException("metadata is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new MalformedException("metadata is not a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            if (!FIELDS.contains(names.next())) {
                throw new MalformedException("unknown field (only \"nonce\" and \"sentAt\" are allowed)");
            }
        }
        JsonNode nonce = root.get("nonce");
        if (nonce == null) {
            throw new MalformedException("\"nonce\" is missing");
        }
        if (!nonce.isTextual() || !NONCE.matcher(nonce.textValue()).matches()) {
            throw new MalformedException("\"nonce\" is not " + MIN_NONCE_DIGITS + "-" + MAX_NONCE_DIGITS
                    + " hex digits");
        }
        JsonNode sentAt = root.get("sentAt");
        if (sentAt == null) {
            throw new MalformedException("\"sentAt\" is missing");
        }
        if (!sentAt.isIntegralNumber() || !sentAt.canConvertToLong() || sentAt.longValue() < 0) {
            throw new MalformedException("\"sentAt\" is not a whole number of milliseconds from 0");
        }
        return new Message(nonce.textValue(), sentAt.longValue());
    }
}
