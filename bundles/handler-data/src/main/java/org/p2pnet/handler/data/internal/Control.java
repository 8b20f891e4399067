package org.p2pnet.handler.data.internal;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.api.packet.RawPacket;

/**
 * One {@value #PACKET_TYPE} message (README, "Wire protocol"): the metadata JSON of a
 * {@link RawPacket} without body. Reading is strict: one JSON object, known fields only for its
 * kind, every field present and of its JSON type, no duplicates, no trailing data; the first
 * problem is named. Nothing is Java-deserialized.
 *
 * @param kind       what it says
 * @param transferId the transfer, {@code [A-Za-z0-9_-]{1,64}}
 * @param format     offer: FILE, TASK or MISC
 * @param name       offer: the name (checked against the name rules by the receiver, not here)
 * @param size       offer: total bytes
 * @param sha256     offer: lowercase hex SHA-256 of the whole payload
 * @param window     offer: the sender's window in bytes (the receiver acks at least every half window)
 * @param offset     accept, ack: bytes the receiver holds
 * @param reason     refuse, fail, cancel: in words
 */
record Control(Kind kind, String transferId, DataFormat format, String name, long size, String sha256, long window,
               long offset, String reason) {
    /** The packet type. */
    static final String PACKET_TYPE = "DATA_CONTROL";
    static final int VERSION = 1;
    static final int MAX_METADATA_BYTES = 4096;
    static final int MAX_REASON = 500;
    static final Pattern TRANSFER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{64}");

    /** The message kinds, by their wire name (lowercase). */
    enum Kind {
        OFFER(Set.of("transferId", "format", "name", "size", "sha256", "window")),
        ACCEPT(Set.of("transferId", "offset")),
        REFUSE(Set.of("transferId", "reason")),
        ACK(Set.of("transferId", "offset")),
        DONE(Set.of("transferId")),
        FAIL(Set.of("transferId", "reason")),
        CANCEL(Set.of("transferId", "reason"));

        final Set<String> fields;

        Kind(Set<String> fields) {
            this.fields = fields;
        }

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static Control offer(String id, DataFormat format, String name, long size, String sha256, long window) {
        return new Control(Kind.OFFER, id, format, name, size, sha256, window, 0, "");
    }

    static Control at(Kind kind, String id, long offset) {
        return new Control(kind, id, null, "", 0, "", 0, offset, "");
    }

    static Control done(String id) {
        return new Control(Kind.DONE, id, null, "", 0, "", 0, 0, "");
    }

    static Control because(Kind kind, String id, String reason) {
        String r = reason == null ? "" : reason;
        return new Control(kind, id, null, "", 0, "", 0, 0, r.length() > MAX_REASON ? r.substring(0, MAX_REASON) : r);
    }

    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(1)
                            .maxDocumentLength(MAX_METADATA_BYTES)
                            .maxStringLength(2048)
                            .maxNameLength(32)
                            .maxNumberLength(20)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The packet carrying this message. */
    RawPacket packet() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("v", VERSION);
        o.put("type", kind.wire());
        o.put("transferId", transferId);
        switch (kind) {
            case OFFER -> {
                o.put("format", format.name());
                o.put("name", name);
                o.put("size", size);
                o.put("sha256", sha256);
                o.put("window", window);
            }
            case ACCEPT, ACK -> o.put("offset", offset);
            case REFUSE, FAIL, CANCEL -> o.put("reason", reason);
            case DONE -> {
            }
        }
        try {
            return new RawPacket(PACKET_TYPE, MAPPER.writeValueAsBytes(o), null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write a control message: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a message.
     *
     * @throws IllegalArgumentException naming the problem (and the transfer id when it was readable)
     */
    static Control read(byte[] metadata) {
        if (metadata == null || metadata.length == 0) {
            throw new IllegalArgumentException("the metadata is empty");
        }
        if (metadata.length > MAX_METADATA_BYTES) {
            throw new IllegalArgumentException("the metadata has " + metadata.length + " bytes, more than "
                    + MAX_METADATA_BYTES);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(metadata);
        } catch (java.io.IOException notJson) {
            String m = notJson instanceof com.fasterxml.jackson.core.JsonProcessingException jp
                    ? jp.getOriginalMessage() : notJson.getMessage();
            throw new IllegalArgumentException("not JSON: " + printable(m));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the metadata is not a JSON object");
        }
        JsonNode v = root.get("v");
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() != VERSION) {
            throw new IllegalArgumentException("v is missing or not " + VERSION);
        }
        String typeText = text(root, "type", 16);
        Kind kind = null;
        for (Kind k : Kind.values()) {
            if (k.wire().equals(typeText)) {
                kind = k;
            }
        }
        if (kind == null) {
            throw new IllegalArgumentException("type '" + printable(typeText)
                    + "' is not one of offer, accept, refuse, ack, done, fail, cancel");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            String field = it.next().getKey();
            if (!field.equals("v") && !field.equals("type") && !kind.fields.contains(field)) {
                throw new IllegalArgumentException(kind.wire() + " has the unknown field '" + printable(field) + "'");
            }
        }
        String id = text(root, "transferId", 64);
        if (!TRANSFER_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("transferId '" + printable(id) + "' is not 1-64 of A-Z a-z 0-9 _ -");
        }
        return switch (kind) {
            case OFFER -> {
                String f = text(root, "format", 8);
                DataFormat format;
                try {
                    format = DataFormat.valueOf(f);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("offer " + id + ": format '" + printable(f)
                            + "' is not FILE, TASK or MISC");
                }
                String name = text(root, "name", 1024);
                long size = number(root, "size", 0);
                String sha = text(root, "sha256", 64);
                if (!SHA.matcher(sha).matches()) {
                    throw new IllegalArgumentException("offer " + id + ": sha256 is not 64 lowercase hex digits");
                }
                long window = number(root, "window", 1);
                yield new Control(kind, id, format, name, size, sha, window, 0, "");
            }
            case ACCEPT, ACK -> new Control(kind, id, null, "", 0, "", 0, number(root, "offset", 0), "");
            case REFUSE, FAIL, CANCEL -> new Control(kind, id, null, "", 0, "", 0, 0,
                    printable(text(root, "reason", MAX_REASON * 2)));
            case DONE -> done(id);
        };
    }

    private static String text(JsonNode root, String field, int max) {
        JsonNode n = root.get(field);
        if (n == null || !n.isTextual()) {
            throw new IllegalArgumentException(field + " is missing or not a string");
        }
        if (n.textValue().length() > max) {
            throw new IllegalArgumentException(field + " is longer than " + max + " characters");
        }
        return n.textValue();
    }

    private static long number(JsonNode root, String field, long min) {
        JsonNode n = root.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min) {
            throw new IllegalArgumentException(field + " is missing or not an integer >= " + min);
        }
        return n.longValue();
    }

    /** Text from the network for logs and details: control characters replaced, at most 200 characters. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder();
        String t = text == null ? "" : text;
        t.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }

    /** The metadata as text, for tests. */
    String json() {
        return new String(packet().metadata(), StandardCharsets.UTF_8);
    }
}
