package org.p2pnet.discovery.genesis.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.genesis.GenesisWire;

/**
 * Reads the answers of genesis nodes and writes registrations (docs/GENESIS.md). Reading is strict:
 * one JSON object within the limits below, duplicate keys and trailing data refused, every field of
 * its exact JSON type (no coercion of {@code "1"} to 1 or {@code 1.0} to an integer). Unknown fields
 * are ignored, up to {@link #MAX_FIELDS}. Nothing is ever Java-deserialized.
 */
final class AnswerCodec {
    /** Largest answer body read; a larger one is refused as malformed without being read further. */
    static final int MAX_BODY_BYTES = 256 * 1024;
    /** Most fields of the answer object and of each object in it. */
    static final int MAX_FIELDS = 32;
    static final int MAX_NONCE = 64;
    static final int MAX_HOST = 253;
    static final int MAX_ERROR_TEXT = 200;

    private final JsonMapper mapper;

    AnswerCodec() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(3) // answer → peers → peer
                        .maxDocumentLength(MAX_BODY_BYTES)
                        .maxStringLength(4096)
                        .maxNameLength(64)
                        .maxNumberLength(20)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    // ------------------------------------------------------------------ reading

    /**
     * Parses a {@code 200} answer.
     *
     * @param registration whether it answers a registration ({@code observed} is then required)
     * @throws RefusedAnswer MALFORMED or VERSION, naming the field
     */
    GenesisAnswer read(byte[] body, boolean registration) throws RefusedAnswer {
        if (body.length > MAX_BODY_BYTES) {
            throw malformed("the body has " + body.length + " bytes, more than " + MAX_BODY_BYTES);
        }
        if (body.length == 0) {
            throw malformed("the body is empty");
        }
        Fields f = Fields.object(tree(body), "");
        int v = f.integer("v", Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (v != GenesisWire.VERSION) {
            throw new RefusedAnswer(RefusalReason.VERSION, "version " + v + ", this client speaks " + GenesisWire.VERSION);
        }
        String mode = f.text("mode", 1, 16);
        if (!mode.equals("trustless") && !mode.equals("authority")) {
            throw malformed("mode is '" + printable(mode) + "', not trustless or authority");
        }
        long ts = f.timestamp("ts");
        String nonce = f.nullableText("nonce", MAX_NONCE);
        List<GenesisAnswer.Sampled> peers = peers(f.required("peers"));
        Optional<GenesisAnswer.GenesisNode> genesis = genesis(f.nullable("genesis"));
        JsonNode observedNode = registration ? f.required("observed") : f.optional("observed");
        Optional<GenesisAnswer.Endpoint> observed = Optional.empty();
        if (observedNode != null) {
            Fields o = Fields.object(observedNode, "observed");
            observed = Optional.of(new GenesisAnswer.Endpoint(o.text("host", 1, MAX_HOST), o.integer("port", 1, 65535)));
        }
        int ttl = f.integer("ttlSeconds", 0, Integer.MAX_VALUE);
        return new GenesisAnswer(mode, ts, nonce, peers, genesis, observed, ttl);
    }

    private JsonNode tree(byte[] body) throws RefusedAnswer {
        try {
            return mapper.readTree(body);
        } catch (IOException notJson) {
            throw malformed("not JSON: " + firstLine(notJson.getMessage()));
        }
    }

    private List<GenesisAnswer.Sampled> peers(JsonNode node) throws RefusedAnswer {
        if (!node.isArray()) {
            throw malformed("peers is not an array");
        }
        if (node.size() > GenesisWire.MAX_COUNT) {
            throw malformed("peers has " + node.size() + " entries, more than " + GenesisWire.MAX_COUNT);
        }
        List<GenesisAnswer.Sampled> peers = new ArrayList<>(node.size());
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            Fields p = Fields.object(it.next(), "peers[" + peers.size() + "]");
            peers.add(new GenesisAnswer.Sampled(p.text("id", 1, PeerId.LENGTH), p.text("host", 1, MAX_HOST),
                    p.integer("port", 1, 65535)));
        }
        return peers;
    }

    private Optional<GenesisAnswer.GenesisNode> genesis(JsonNode node) throws RefusedAnswer {
        if (node == null) {
            return Optional.empty();
        }
        Fields g = Fields.object(node, "genesis");
        String id = g.text("id", PeerId.LENGTH, PeerId.LENGTH);
        PeerId peerId;
        try {
            peerId = PeerId.parse(id);
        } catch (IllegalArgumentException e) {
            throw malformed("genesis.id: " + e.getMessage());
        }
        return Optional.of(new GenesisAnswer.GenesisNode(peerId, g.integer("port", 1, 65535)));
    }

    /** Reads the fields of one object; the first problem throws, naming the field with its path. */
    private static final class Fields {
        private final JsonNode node;
        private final String path;

        private Fields(JsonNode node, String path) {
            this.node = node;
            this.path = path;
        }

        /** The fields of an object: the answer itself (name "") or one nested in it. */
        static Fields object(JsonNode value, String name) throws RefusedAnswer {
            String what = name.isEmpty() ? "the answer" : name;
            if (value == null || !value.isObject()) {
                throw malformed(what + " is not a JSON object");
            }
            if (value.size() > MAX_FIELDS) {
                throw malformed(what + " has more than " + MAX_FIELDS + " fields");
            }
            return new Fields(value, name.isEmpty() ? "" : name + ".");
        }

        JsonNode required(String name) throws RefusedAnswer {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                throw malformed(path + name + " is missing");
            }
            return value;
        }

        /** Present, and either null (returned as null) or a value. */
        JsonNode nullable(String name) throws RefusedAnswer {
            JsonNode value = node.get(name);
            if (value == null) {
                throw malformed(path + name + " is missing (null is allowed, absence is not)");
            }
            return value.isNull() ? null : value;
        }

        /** May be absent or null (both returned as null). */
        JsonNode optional(String name) {
            JsonNode value = node.get(name);
            return value == null || value.isNull() ? null : value;
        }

        String text(String name, int min, int max) throws RefusedAnswer {
            return checkText(name, required(name), min, max);
        }

        String nullableText(String name, int max) throws RefusedAnswer {
            JsonNode value = nullable(name);
            return value == null ? null : checkText(name, value, 1, max);
        }

        private String checkText(String name, JsonNode value, int min, int max) throws RefusedAnswer {
            if (!value.isTextual()) {
                throw malformed(path + name + " is not a string");
            }
            String text = value.textValue();
            if (text.length() < min || text.length() > max) {
                throw malformed(path + name + " must be " + min + "-" + max + " characters, got " + text.length());
            }
            return text;
        }

        int integer(String name, int min, int max) throws RefusedAnswer {
            JsonNode value = required(name);
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw malformed(path + name + " is not an integer");
            }
            if (value.intValue() < min || value.intValue() > max) {
                throw malformed(path + name + " must be " + min + "-" + max + ", got " + value.intValue());
            }
            return value.intValue();
        }

        long timestamp(String name) throws RefusedAnswer {
            JsonNode value = required(name);
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() <= 0) {
                throw malformed(path + name + " must be a positive integer (epoch milliseconds)");
            }
            return value.longValue();
        }
    }

    /**
     * The code and message of an error answer, for status and the log ({@code ": rate_limited (…)"}),
     * or "" when the body is not one. Lenient: an error body only explains a failure.
     */
    String describeError(byte[] body) {
        JsonNode root = lenientTree(body);
        if (root == null) {
            return "";
        }
        JsonNode error = root.get("error");
        JsonNode message = root.get("message");
        if (error == null || !error.isTextual()) {
            return "";
        }
        String text = ": " + printable(error.textValue());
        if (message != null && message.isTextual()) {
            text += " (" + printable(message.textValue()) + ")";
        }
        return text;
    }

    /** The {@code retryAfterSeconds} of a {@code 429} body, when it has a non-negative integer one. */
    OptionalLong retryAfterSeconds(byte[] body) {
        JsonNode root = lenientTree(body);
        JsonNode value = root == null ? null : root.get("retryAfterSeconds");
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(value.longValue());
    }

    private JsonNode lenientTree(byte[] body) {
        if (body == null || body.length == 0 || body.length > MAX_BODY_BYTES) {
            return null;
        }
        try {
            JsonNode root = mapper.readTree(body);
            return root != null && root.isObject() ? root : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    // ------------------------------------------------------------------ writing

    /** A registration (the body of {@code POST /peers}), fields in the order of docs/GENESIS.md, sig last. */
    record Registration(String network, PeerId peerId, byte[] publicKey, int port, long timestamp, int count,
                        String nonce) {
        /** What the node signs: {@link GenesisWire#registrationCanonicalBytes}. */
        byte[] canonicalBytes() {
            return GenesisWire.registrationCanonicalBytes(GenesisWire.VERSION, network, peerId.value(), publicKey, port,
                    timestamp, count, nonce);
        }
    }

    byte[] write(Registration r, byte[] signature) {
        ObjectNode node = mapper.createObjectNode();
        node.put("v", GenesisWire.VERSION);
        node.put("net", r.network());
        node.put("id", r.peerId().value());
        node.put("key", Base64.getEncoder().encodeToString(r.publicKey()));
        node.put("port", r.port());
        node.put("ts", r.timestamp());
        node.put("count", r.count());
        node.put("nonce", r.nonce());
        node.put("sig", Base64.getEncoder().encodeToString(signature));
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a registration: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static RefusedAnswer malformed(String detail) {
        return new RefusedAnswer(RefusalReason.MALFORMED, detail);
    }

    /** For status and log lines: a string from the network without control characters, at most 200 characters. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder();
        text.codePoints().limit(MAX_ERROR_TEXT).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int end = message.indexOf('\n');
        return printable(end < 0 ? message : message.substring(0, end));
    }
}
