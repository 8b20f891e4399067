package org.p2pnet.trust.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;

/**
 * The default trust protocol's packets ({@code TRUST}, JSON metadata, empty body) and its
 * transcript. Parsing is strict and bounded: at most {@value #MAX_METADATA_BYTES} bytes, an object
 * with exactly the fields of its step, {@code v} = 1, base64 fields of their exact decoded sizes.
 *
 * <pre>
 * {"v":1,"step":"challenge","nonce":"&lt;32 bytes, base64&gt;"}
 * {"v":1,"step":"response","nonce":"…","sig":"&lt;Ed25519, 64 bytes&gt;","mac":"&lt;HMAC-SHA256, 32 bytes, only with a secret&gt;"}
 * </pre>
 */
final class TrustWire {
    static final int VERSION = 1;
    static final int NONCE_BYTES = 32;
    static final int SIGNATURE_BYTES = 64;
    static final int MAC_BYTES = 32;
    static final int MAX_METADATA_BYTES = 1024;
    static final String DOMAIN = "p2pnet-trust-v1";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();
    private static final Set<String> CHALLENGE_FIELDS = Set.of("v", "step", "nonce");
    private static final Set<String> RESPONSE_FIELDS = Set.of("v", "step", "nonce", "sig", "mac");

    /** Which message. */
    enum Step { CHALLENGE, RESPONSE }

    /**
     * One parsed message.
     *
     * @param mac null when the response carries none
     */
    record Message(Step step, byte[] nonce, byte[] sig, byte[] mac) {
        String nonceText() {
            return Base64.getEncoder().encodeToString(nonce);
        }
    }

    /** Thrown for metadata that is not a valid message, naming the problem. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    private TrustWire() {
    }

    static RawPacket challenge(byte[] nonce) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("v", VERSION);
        n.put("step", "challenge");
        n.put("nonce", Base64.getEncoder().encodeToString(nonce));
        return new RawPacket(PacketTypes.TRUST, n.toString().getBytes(StandardCharsets.UTF_8), null);
    }

    /** @param mac null for none */
    static RawPacket response(byte[] nonce, byte[] sig, byte[] mac) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("v", VERSION);
        n.put("step", "response");
        n.put("nonce", Base64.getEncoder().encodeToString(nonce));
        n.put("sig", Base64.getEncoder().encodeToString(sig));
        if (mac != null) {
            n.put("mac", Base64.getEncoder().encodeToString(mac));
        }
        return new RawPacket(PacketTypes.TRUST, n.toString().getBytes(StandardCharsets.UTF_8), null);
    }

    /** Parses a packet's metadata strictly. */
    static Message parse(RawPacket packet) throws MalformedException {
        if (packet.body().length != 0) {
            throw new MalformedException("a TRUST packet has no body, this one has " + packet.body().length + " bytes");
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
        JsonNode v = root.get("v");
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() != VERSION) {
            throw new MalformedException("\"v\" is not " + VERSION);
        }
        JsonNode stepNode = root.get("step");
        Step step;
        if (stepNode != null && stepNode.isTextual() && stepNode.textValue().equals("challenge")) {
            step = Step.CHALLENGE;
        } else if (stepNode != null && stepNode.isTextual() && stepNode.textValue().equals("response")) {
            step = Step.RESPONSE;
        } else {
            throw new MalformedException("\"step\" is not \"challenge\" or \"response\"");
        }
        Set<String> allowed = step == Step.CHALLENGE ? CHALLENGE_FIELDS : RESPONSE_FIELDS;
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new MalformedException("unknown field in a " + stepNode.textValue());
            }
        }
        byte[] nonce = base64(root, "nonce", NONCE_BYTES, true);
        if (step == Step.CHALLENGE) {
            return new Message(step, nonce, null, null);
        }
        return new Message(step, nonce, base64(root, "sig", SIGNATURE_BYTES, true), base64(root, "mac", MAC_BYTES, false));
    }

    private static byte[] base64(JsonNode root, String field, int size, boolean required) throws MalformedException {
        JsonNode n = root.get(field);
        if (n == null) {
            if (required) {
                throw new MalformedException("\"" + field + "\" is missing");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new MalformedException("\"" + field + "\" is not a string");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(n.textValue());
        } catch (IllegalArgumentException e) {
            throw new MalformedException("\"" + field + "\" is not base64");
        }
        if (bytes.length != size) {
            throw new MalformedException("\"" + field + "\" has " + bytes.length + " bytes, not " + size);
        }
        return bytes;
    }

    /**
     * What the responder signs and MACs: length-prefixed (4-byte big-endian) fields
     * {@value #DOMAIN}, network name, challenger id, responder id (hex, UTF-8), nonce bytes.
     */
    static byte[] transcript(String networkName, PeerId challenger, PeerId responder, byte[] nonce) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        field(out, DOMAIN.getBytes(StandardCharsets.UTF_8));
        field(out, networkName.getBytes(StandardCharsets.UTF_8));
        field(out, challenger.value().getBytes(StandardCharsets.UTF_8));
        field(out, responder.value().getBytes(StandardCharsets.UTF_8));
        field(out, nonce);
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    /** HMAC-SHA256 of the transcript keyed with the secret's UTF-8 bytes. */
    static byte[] mac(String secret, byte[] transcript) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(transcript);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
