package org.p2pnet.examples.handler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.RawPacket;

/**
 * The KV packet's metadata, both ways: strict parsing of requests and replies, and the replies this
 * node sends. JSON is read as a tree with Jackson, bounded before parsing; nothing is Java-deserialized.
 *
 * <pre>
 * request  {"op":"put","key":K,"value":V}      answered {"op":"stored","key":K}
 * request  {"op":"get","key":K}                answered {"op":"value","key":K,"value":V} or {"op":"missing","key":K}
 * reply    {"op":"stored"|"value"|"missing"|"error", ...}   never answered (two nodes never ping-pong)
 * any bad request                              answered {"op":"error","reason":REJECTION,"message":TEXT}
 * </pre>
 */
final class KvWire {
    /**
     * Metadata larger than this is rejected unread. Room for the largest valid put even when every
     * character is written as a six-byte JSON escape.
     */
    static final int MAX_METADATA_BYTES = 32_768;
    /** Longest key, in characters. */
    static final int MAX_KEY_CHARS = 128;
    /** Largest value, in UTF-8 bytes. */
    static final int MAX_VALUE_BYTES = 4096;

    static final String PUT = "put";
    static final String GET = "get";
    static final String STORED = "stored";
    static final String VALUE = "value";
    static final String MISSING = "missing";
    static final String ERROR = "error";
    private static final Set<String> REPLIES = Set.of(STORED, VALUE, MISSING, ERROR);

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    private KvWire() {
    }

    /** A valid KV packet: a request to serve ({@code put}, {@code get}) or a reply from another node's handler. */
    record Request(String op, String key, String value) {
        boolean isReply() {
            return REPLIES.contains(op);
        }
    }

    /** A KV packet that fails the checks: the kind and a message for the sender. */
    static final class RejectedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Rejection rejection;

        RejectedException(Rejection rejection, String message) {
            super(message, null, false, false);
            this.rejection = rejection;
        }

        Rejection rejection() {
            return rejection;
        }
    }

    /**
     * Parses a KV packet strictly.
     *
     * @throws RejectedException naming what is wrong
     */
    static Request parse(Packet packet) throws RejectedException {
        if (!(packet instanceof RawPacket raw)) {
            throw new RejectedException(Rejection.NOT_RAW, "not a raw custom packet");
        }
        if (raw.body().length > 0) {
            throw new RejectedException(Rejection.HAS_BODY, "a KV packet carries no body, got " + raw.body().length + " bytes");
        }
        if (raw.metadata().length > MAX_METADATA_BYTES) {
            throw new RejectedException(Rejection.TOO_LARGE,
                    "metadata is " + raw.metadata().length + " bytes, at most " + MAX_METADATA_BYTES + " are read");
        }
        JsonNode root;
        try {
            root = raw.metadata().length == 0 ? null : MAPPER.readTree(raw.metadata());
        } catch (IOException e) {
            throw new RejectedException(Rejection.NOT_JSON, "metadata is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new RejectedException(Rejection.NOT_JSON, "metadata is not one JSON object");
        }
        JsonNode op = root.get("op");
        if (op == null || !op.isTextual()) {
            throw new RejectedException(Rejection.BAD_OP, "\"op\" is missing or not a string");
        }
        return switch (op.textValue()) {
            case PUT -> new Request(PUT, key(root, Set.of("op", "key", "value")), value(root));
            case GET -> new Request(GET, key(root, Set.of("op", "key")), null);
            case STORED, VALUE, MISSING, ERROR -> new Request(op.textValue(), null, null);
            default -> throw new RejectedException(Rejection.BAD_OP,
                    "\"op\" must be \"put\" or \"get\", got \"" + abbreviate(op.textValue()) + "\"");
        };
    }

    private static String key(JsonNode root, Set<String> allowed) throws RejectedException {
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new RejectedException(Rejection.UNKNOWN_FIELD,
                        "unknown field \"" + abbreviate(name) + "\" for op \"" + root.get("op").textValue() + "\"");
            }
        }
        JsonNode key = root.get("key");
        if (key == null || !key.isTextual()) {
            throw new RejectedException(Rejection.MISSING_KEY, "\"key\" is missing or not a string");
        }
        String k = key.textValue();
        if (k.isEmpty()) {
            throw new RejectedException(Rejection.BAD_KEY, "\"key\" is empty");
        }
        if (k.length() > MAX_KEY_CHARS) {
            throw new RejectedException(Rejection.BAD_KEY,
                    "\"key\" is " + k.length() + " characters, at most " + MAX_KEY_CHARS + " are allowed");
        }
        for (int i = 0; i < k.length(); i++) {
            if (Character.isISOControl(k.charAt(i))) {
                throw new RejectedException(Rejection.BAD_KEY, "\"key\" has a control character at position " + i);
            }
        }
        return k;
    }

    private static String value(JsonNode root) throws RejectedException {
        JsonNode value = root.get("value");
        if (value == null || !value.isTextual()) {
            throw new RejectedException(Rejection.MISSING_VALUE, "a put needs \"value\", a string");
        }
        int bytes = utf8Length(value.textValue());
        if (bytes > MAX_VALUE_BYTES) {
            throw new RejectedException(Rejection.VALUE_TOO_LARGE,
                    "\"value\" is " + bytes + " bytes in UTF-8, at most " + MAX_VALUE_BYTES + " are allowed");
        }
        return value.textValue();
    }

    /** UTF-8 length of a string, without encoding it. */
    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** Peer-supplied text quoted in a message: at most 32 characters, printable. */
    private static String abbreviate(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 32; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return s.length() > 32 ? b + "..." : b.toString();
    }

    static RawPacket stored(String key) {
        return reply(STORED, key, null);
    }

    static RawPacket value(String key, String value) {
        return reply(VALUE, key, value);
    }

    static RawPacket missing(String key) {
        return reply(MISSING, key, null);
    }

    static RawPacket error(Rejection reason, String message) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("op", ERROR);
        n.put("reason", reason.name());
        n.put("message", message);
        return packet(n);
    }

    private static RawPacket reply(String op, String key, String value) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("op", op);
        n.put("key", key);
        if (value != null) {
            n.put("value", value);
        }
        return packet(n);
    }

    private static RawPacket packet(ObjectNode metadata) {
        return new RawPacket(KeyValueHandler.TYPE, metadata.toString().getBytes(StandardCharsets.UTF_8), null);
    }
}
