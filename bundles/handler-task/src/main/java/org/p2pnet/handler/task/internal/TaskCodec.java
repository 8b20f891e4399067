package org.p2pnet.handler.task.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.task.NetworkTask;
import org.p2pnet.api.task.NetworkTaskType;
import org.p2pnet.api.task.SignedTask;

/**
 * Reads and writes the metadata of {@code NETWORK_TASK} packets (README, "Wire form"). Reading is
 * strict: one JSON object within the limits below; unknown, missing and duplicate fields, trailing
 * data and values of the wrong JSON type (no coercion of {@code "1"} to 1 or {@code 1.0} to an
 * integer) are refused, naming the field; the records' own checks then apply. Nothing is ever
 * Java-deserialized and no type information is read from the input.
 */
final class TaskCodec {
    /** The envelope version this bundle speaks. */
    static final int VERSION = 1;
    /**
     * Largest metadata read. Two arguments of {@link NetworkTask#MAX_ARGUMENT_LENGTH} characters,
     * each escaped as {@code \\uXXXX}, stay well below it.
     */
    static final int MAX_METADATA_BYTES = 64 * 1024;
    /** Base64 of a 44-byte X.509 Ed25519 key is 60 characters, of a 64-byte signature 88. */
    static final int MAX_KEY_TEXT = 128;

    private static final Set<String> ENVELOPE_FIELDS = Set.of("v", "task", "signerKey", "signature");
    private static final Set<String> TASK_FIELDS =
            Set.of("type", "target", "arguments", "network", "nonce", "issuedAt", "expiresAt");
    /** Most arguments read (every type takes at most two: more is refused by NetworkTask anyway). */
    private static final int MAX_ARGUMENTS = 8;

    private final JsonMapper mapper;

    TaskCodec() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(3) // envelope → task → arguments
                        .maxDocumentLength(MAX_METADATA_BYTES)
                        .maxStringLength(NetworkTask.MAX_ARGUMENT_LENGTH * 2)
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
     * Reads a signed task (its signature is not checked here).
     *
     * @throws TaskRefused MALFORMED, naming the field and the problem
     */
    SignedTask read(byte[] metadata) throws TaskRefused {
        if (metadata == null || metadata.length == 0) {
            throw malformed("the metadata is empty");
        }
        if (metadata.length > MAX_METADATA_BYTES) {
            throw malformed("the metadata has " + metadata.length + " bytes, more than " + MAX_METADATA_BYTES);
        }
        JsonNode root;
        try {
            root = mapper.readTree(metadata);
        } catch (IOException notJson) {
            throw malformed("not JSON: " + firstLine(notJson.getMessage()));
        }
        Fields envelope = Fields.object(root, "", ENVELOPE_FIELDS);
        JsonNode v = envelope.required("v");
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw malformed("v is not an integer");
        }
        if (v.intValue() != VERSION) {
            throw malformed("version " + v.intValue() + " is not " + VERSION);
        }
        NetworkTask task = task(Fields.object(envelope.required("task"), "task", TASK_FIELDS));
        byte[] signerKey = envelope.base64("signerKey");
        byte[] signature = envelope.base64("signature");
        return new SignedTask(task, signerKey, signature);
    }

    private static NetworkTask task(Fields f) throws TaskRefused {
        NetworkTaskType type = type(f.text("type", 1, 64));
        String target = f.text("target", 1, PeerId.LENGTH);
        Map<String, String> arguments = arguments(f.required("arguments"));
        String network = f.text("network", 1, 128);
        String nonce = f.text("nonce", 1, 64);
        long issuedAt = f.timestamp("issuedAt");
        long expiresAt = f.timestamp("expiresAt");
        NetworkTask task;
        try {
            task = new NetworkTask(type, target, arguments, network, nonce, Instant.ofEpochMilli(issuedAt),
                    Instant.ofEpochMilli(expiresAt));
        } catch (IllegalArgumentException | NullPointerException invalid) {
            throw malformed("task: " + printable(String.valueOf(invalid.getMessage())));
        }
        checkPeerArguments(task.arguments());
        return task;
    }

    /** The exact wire name only ({@code BlockIP}): the constant names NetworkTaskType.parse also takes are not wire form. */
    private static NetworkTaskType type(String text) throws TaskRefused {
        for (NetworkTaskType type : NetworkTaskType.values()) {
            if (type.wireName().equals(text)) {
                return type;
            }
        }
        StringBuilder accepted = new StringBuilder();
        for (NetworkTaskType type : NetworkTaskType.values()) {
            accepted.append(accepted.length() == 0 ? "" : ", ").append(type.wireName());
        }
        throw malformed("task.type '" + printable(text) + "' is not a network task type: use one of " + accepted);
    }

    private static Map<String, String> arguments(JsonNode node) throws TaskRefused {
        if (!node.isObject()) {
            throw malformed("task.arguments is not a JSON object");
        }
        if (node.size() > MAX_ARGUMENTS) {
            throw malformed("task.arguments has more than " + MAX_ARGUMENTS + " fields");
        }
        Map<String, String> arguments = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw malformed("task.arguments." + printable(e.getKey()) + " is not a string");
            }
            arguments.put(e.getKey(), e.getValue().textValue());
        }
        return arguments;
    }

    /** Every {@code peer} argument is a full peer id: a prefix could match another peer than the signer meant. */
    static void checkPeerArguments(Map<String, String> arguments) throws TaskRefused {
        String peer = arguments.get("peer");
        if (peer != null) {
            try {
                PeerId.parse(peer);
            } catch (IllegalArgumentException e) {
                throw malformed("task.arguments.peer: " + e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------ writing

    /** The metadata of a signed task, fields in the order of the README. */
    byte[] write(SignedTask signed) {
        NetworkTask task = signed.task();
        ObjectNode root = mapper.createObjectNode();
        root.put("v", VERSION);
        ObjectNode t = root.putObject("task");
        t.put("type", task.type().wireName());
        t.put("target", task.target());
        ObjectNode arguments = t.putObject("arguments");
        task.arguments().forEach(arguments::put);
        t.put("network", task.network());
        t.put("nonce", task.nonce());
        t.put("issuedAt", task.issuedAt().toEpochMilli());
        t.put("expiresAt", task.expiresAt().toEpochMilli());
        root.put("signerKey", Base64.getEncoder().encodeToString(signed.signerKey()));
        root.put("signature", Base64.getEncoder().encodeToString(signed.signature()));
        try {
            return mapper.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a network task: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Reads the fields of one object; the first problem throws, naming the field with its path. */
    private static final class Fields {
        private final JsonNode node;
        private final String path;

        private Fields(JsonNode node, String path) {
            this.node = node;
            this.path = path;
        }

        /** The fields of the envelope (name "") or of an object in it; a field not in {@code allowed} is refused. */
        static Fields object(JsonNode value, String name, Set<String> allowed) throws TaskRefused {
            String what = name.isEmpty() ? "the envelope" : name;
            if (value == null || !value.isObject()) {
                throw malformed(what + " is not a JSON object");
            }
            for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!allowed.contains(field)) {
                    throw malformed(what + " has the unknown field '" + printable(field) + "'");
                }
            }
            return new Fields(value, name.isEmpty() ? "" : name + ".");
        }

        JsonNode required(String name) throws TaskRefused {
            JsonNode value = node.get(name);
            if (value == null || value.isNull()) {
                throw malformed(path + name + " is missing");
            }
            return value;
        }

        String text(String name, int min, int max) throws TaskRefused {
            JsonNode value = required(name);
            if (!value.isTextual()) {
                throw malformed(path + name + " is not a string");
            }
            String text = value.textValue();
            if (text.length() < min || text.length() > max) {
                throw malformed(path + name + " must be " + min + "-" + max + " characters, got " + text.length());
            }
            return text;
        }

        long timestamp(String name) throws TaskRefused {
            JsonNode value = required(name);
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() <= 0) {
                throw malformed(path + name + " must be a positive integer (epoch milliseconds)");
            }
            return value.longValue();
        }

        byte[] base64(String name) throws TaskRefused {
            String text = text(name, 1, MAX_KEY_TEXT);
            try {
                return Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException notBase64) {
                throw malformed(path + name + " is not base64");
            }
        }
    }

    private static TaskRefused malformed(String detail) {
        return new TaskRefused(Refusal.MALFORMED, detail);
    }

    /** For the task log: text from the network without control characters, at most 200 characters. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder();
        text.codePoints().limit(200).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
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
