package org.p2pnet.genesis.internal;

import java.io.IOException;
import java.util.Base64;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.genesis.GenesisWire;

/**
 * Reads the body of {@code POST /peers} strictly: one JSON object (duplicate keys, trailing data,
 * nesting deeper than 2 and more than {@link #MAX_FIELDS} fields refused), every field of its JSON
 * type without coercion ({@code "7700"} is not a port, {@code 1.0} not an integer) and within its
 * limits. Unknown fields are ignored (they are not signed). Only the shape is checked here; what
 * needs the genesis node's state (network, key, signature, clock) is checked by the caller.
 * Nothing is Java-deserialized: the body becomes a Jackson tree, then plain values.
 */
final class RegistrationParser {
    static final int MAX_FIELDS = 16;
    static final int MAX_NETWORK_NAME = 128;
    /** Base64 of a 44-byte X.509 Ed25519 key is 60 characters; leave room, but not much. */
    static final int MAX_KEY_TEXT = 128;
    /** Base64 of a 64-byte Ed25519 signature is 88 characters. */
    static final int MAX_SIGNATURE_TEXT = 128;
    /** The protocol's default {@code count} (docs/GENESIS.md): what the signature covers when the field is absent. */
    static final int WIRE_DEFAULT_COUNT = 8;

    /**
     * A registration as sent, its shape checked.
     *
     * @param count the {@code count} field, or null when absent
     * @param nonce the {@code nonce} field, or null when absent
     */
    record Registration(String net, String id, byte[] key, int port, long ts, Integer count, String nonce, byte[] sig) {
        /** The bytes {@code sig} must sign (GenesisWire's canonical form). */
        byte[] canonicalBytes() {
            return GenesisWire.registrationCanonicalBytes(GenesisWire.VERSION, net, id, key, port, ts,
                    count == null ? WIRE_DEFAULT_COUNT : count, nonce);
        }
    }

    private final JsonMapper mapper;

    RegistrationParser(int maxBodyBytes) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(2)
                        .maxDocumentLength(maxBodyBytes)
                        .maxStringLength(maxBodyBytes)
                        .maxNameLength(64)
                        .maxNumberLength(24)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /**
     * @param exchange receives the nonce as soon as it is read and well-formed, so that a later
     *                 refusal still echoes it
     * @throws Rejection MALFORMED, VERSION or BAD_COUNT, naming the field
     */
    Registration parse(byte[] body, int length, Exchange exchange) throws Rejection {
        JsonNode root;
        try {
            root = mapper.readTree(body, 0, length);
        } catch (IOException notJson) {
            throw malformed("not JSON: " + firstLine(notJson instanceof JsonProcessingException jackson
                    ? jackson.getOriginalMessage() : notJson.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw malformed("the body is not one JSON object");
        }
        if (root.size() > MAX_FIELDS) {
            throw malformed("more than " + MAX_FIELDS + " fields");
        }
        JsonNode v = root.get("v");
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw malformed("v is missing or not an integer");
        }
        if (v.intValue() != GenesisWire.VERSION) {
            throw new Rejection(ErrorCode.VERSION, "v is " + v.intValue() + ", this genesis node speaks "
                    + GenesisWire.VERSION);
        }
        // the nonce first, so that every later refusal can echo it
        String nonce = null;
        JsonNode nonceNode = root.get("nonce");
        if (nonceNode != null && !nonceNode.isNull()) {
            if (!nonceNode.isTextual() || !Nonces.valid(nonceNode.textValue())) {
                throw malformed("nonce " + Nonces.RULE);
            }
            nonce = nonceNode.textValue();
            exchange.nonce = nonce;
        }
        String net = text(root, "net", 1, MAX_NETWORK_NAME);
        String id = text(root, "id", PeerId.LENGTH, PeerId.LENGTH);
        if (!isLowerHex(id)) {
            throw malformed("id is not 64 lowercase hex digits");
        }
        byte[] key = base64(root, "key", MAX_KEY_TEXT);
        int port = integer(root, "port", 1, 65535);
        JsonNode ts = required(root, "ts");
        if (!ts.isIntegralNumber() || !ts.canConvertToLong()) {
            throw malformed("ts must be an integer (epoch milliseconds)");
        }
        byte[] sig = base64(root, "sig", MAX_SIGNATURE_TEXT);
        Integer count = null;
        JsonNode countNode = root.get("count");
        if (countNode != null && !countNode.isNull()) {
            if (!countNode.isIntegralNumber() || !countNode.canConvertToInt()
                    || countNode.intValue() < 0 || countNode.intValue() > GenesisWire.MAX_COUNT) {
                throw new Rejection(ErrorCode.BAD_COUNT, "count must be an integer 0-" + GenesisWire.MAX_COUNT);
            }
            count = countNode.intValue();
        }
        return new Registration(net, id, key, port, ts.longValue(), count, nonce, sig);
    }

    private static JsonNode required(JsonNode root, String name) throws Rejection {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            throw malformed(name + " is missing");
        }
        return node;
    }

    private static String text(JsonNode root, String name, int min, int max) throws Rejection {
        JsonNode node = required(root, name);
        if (!node.isTextual()) {
            throw malformed(name + " is not a string");
        }
        String value = node.textValue();
        if (value.length() < min || value.length() > max) {
            throw malformed(name + " must be " + (min == max ? min : min + "-" + max) + " characters, got "
                    + value.length());
        }
        return value;
    }

    private static int integer(JsonNode root, String name, int min, int max) throws Rejection {
        JsonNode node = required(root, name);
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            throw malformed(name + " must be an integer " + min + "-" + max);
        }
        return node.intValue();
    }

    private static byte[] base64(JsonNode root, String name, int maxText) throws Rejection {
        String text = text(root, name, 4, maxText);
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException notBase64) {
            throw malformed(name + " is not base64");
        }
    }

    static boolean isLowerHex(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static Rejection malformed(String message) {
        return new Rejection(ErrorCode.MALFORMED, message);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return Printable.of(end < 0 ? message : message.substring(0, end));
    }
}
