package org.p2pnet.discovery.lan.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerId;

/**
 * Writes and checks LAN discovery datagrams: one small JSON object signed with the node key.
 * Checks run in the order of {@link DropReason}; the first that fails decides the verdict.
 * Nothing is ever Java-deserialized, and no exception escapes {@link #decode}.
 */
final class AnnouncementCodec {
    /** The only version of the datagram format. */
    static final int VERSION = 1;
    /** Largest datagram accepted or sent: below any LAN MTU, so never fragmented. */
    static final int MAX_DATAGRAM_SIZE = 1200;
    /** Most addresses an announcement carries. */
    static final int MAX_ADDRESSES = 8;
    static final int MAX_NETWORK_NAME = 128;
    static final int MAX_ADDRESS_LENGTH = 64;
    /** Base64 of a 44-byte X.509 Ed25519 key is 60 characters; leave room, but not much. */
    static final int MAX_KEY_TEXT = 128;
    /** Base64 of a 64-byte Ed25519 signature is 88 characters. */
    static final int MAX_SIGNATURE_TEXT = 128;
    static final int MAX_FIELDS = 16;
    /** First field of the signed bytes, so a signature made for anything else never verifies here. */
    static final String DOMAIN_TAG = "p2pnet-lan-announcement";

    private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:][0-9a-fA-F:.]{1,44}(%[A-Za-z0-9_.-]{1,16})?");

    private final JsonMapper mapper;

    AnnouncementCodec() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(2)
                        .maxDocumentLength(MAX_DATAGRAM_SIZE)
                        .maxStringLength(MAX_DATAGRAM_SIZE)
                        .maxNameLength(32)
                        .maxNumberLength(20)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    // ------------------------------------------------------------------ writing

    /**
     * The signed datagram. Addresses are left off from the end until it fits in
     * {@link #MAX_DATAGRAM_SIZE}.
     *
     * @throws IllegalStateException when even without addresses it does not fit (a network name of
     *                               128 characters that all need escaping)
     */
    byte[] encode(Announcement announcement, NodeSigner signer) {
        List<String> addresses = new ArrayList<>(announcement.addresses()
                .subList(0, Math.min(MAX_ADDRESSES, announcement.addresses().size())));
        while (true) {
            Announcement fitted = new Announcement(announcement.version(), announcement.network(),
                    announcement.peerId(), announcement.publicKey(), announcement.port(), addresses,
                    announcement.timestamp(), announcement.reply());
            byte[] signature = signer.sign(canonicalBytes(fitted));
            byte[] datagram = toJson(fitted, Base64.getEncoder().encodeToString(signature));
            if (datagram.length <= MAX_DATAGRAM_SIZE) {
                return datagram;
            }
            if (addresses.isEmpty()) {
                throw new IllegalStateException("a discovery announcement needs " + datagram.length
                        + " bytes, more than " + MAX_DATAGRAM_SIZE + ": the network name is too long to announce");
            }
            addresses.remove(addresses.size() - 1);
        }
    }

    /** The JSON with the fields in their fixed order; sig last. Package-private for tests that tamper. */
    byte[] toJson(Announcement a, String signature) {
        ObjectNode node = mapper.createObjectNode();
        node.put("v", a.version());
        node.put("net", a.network());
        node.put("id", a.peerId().value());
        node.put("key", Base64.getEncoder().encodeToString(a.publicKey()));
        node.put("port", a.port());
        ArrayNode addrs = node.putArray("addrs");
        a.addresses().forEach(addrs::add);
        node.put("ts", a.timestamp());
        node.put("reply", a.reply());
        node.put("sig", signature);
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an announcement: " + e.getMessage(), e);
        }
    }

    /**
     * The bytes the signature covers: each item as a 4-byte big-endian length followed by its
     * bytes, in this order: the UTF-8 of {@link #DOMAIN_TAG}, of the decimal {@code v}, of
     * {@code net}, of {@code id}, the raw X.509 key bytes, the decimal {@code port}, the decimal
     * count of {@code addrs} then each address's UTF-8, the decimal {@code ts}, and {@code true} or
     * {@code false} for {@code reply}. Length prefixes make it unambiguous whatever the strings hold.
     */
    static byte[] canonicalBytes(Announcement a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        item(out, DOMAIN_TAG);
        item(out, Integer.toString(a.version()));
        item(out, a.network());
        item(out, a.peerId().value());
        item(out, a.publicKey());
        item(out, Integer.toString(a.port()));
        item(out, Integer.toString(a.addresses().size()));
        a.addresses().forEach(address -> item(out, address));
        item(out, Long.toString(a.timestamp()));
        item(out, Boolean.toString(a.reply()));
        return out.toByteArray();
    }

    private static void item(ByteArrayOutputStream out, String text) {
        item(out, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void item(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    // ------------------------------------------------------------------ reading

    /** What the receiver knows to check a datagram against. */
    record Expectations(String network, PeerId self, long nowMillis, long windowMillis) {
    }

    /** Checks a datagram in the order of {@link DropReason}. Never throws. */
    Verdict decode(byte[] data, int length, Expectations expected) {
        try {
            return check(data, length, expected);
        } catch (RuntimeException | StackOverflowError unexpected) {
            // every check above is written not to throw; this net keeps a bug from reaching the receiver loop
            return Verdict.dropped(DropReason.MALFORMED, "unexpected " + unexpected.getClass().getSimpleName());
        }
    }

    private Verdict check(byte[] data, int length, Expectations expected) {
        if (length > MAX_DATAGRAM_SIZE) {
            return Verdict.dropped(DropReason.OVERSIZED, length + " bytes, the limit is " + MAX_DATAGRAM_SIZE);
        }
        JsonNode root;
        try {
            root = mapper.readTree(data, 0, length);
        } catch (IOException notJson) {
            return Verdict.dropped(DropReason.MALFORMED, "not JSON: " + firstLine(notJson.getMessage()));
        }
        if (root == null || !root.isObject()) {
            return Verdict.dropped(DropReason.MALFORMED, "not a JSON object");
        }
        if (root.size() > MAX_FIELDS) {
            return Verdict.dropped(DropReason.MALFORMED, "more than " + MAX_FIELDS + " fields");
        }
        JsonNode v = root.get("v");
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            return Verdict.dropped(DropReason.MALFORMED, "v is missing or not an integer");
        }
        if (v.intValue() != VERSION) {
            return Verdict.dropped(DropReason.VERSION, "version " + v.intValue() + ", this node speaks " + VERSION);
        }
        Fields f = new Fields(root);
        String net = f.text("net", 1, MAX_NETWORK_NAME);
        String id = f.text("id", PeerId.LENGTH, PeerId.LENGTH);
        byte[] key = f.base64("key", MAX_KEY_TEXT);
        Integer port = f.integer("port", 1, 65535);
        List<String> addrs = f.addresses("addrs");
        Long ts = f.timestamp("ts");
        Boolean reply = f.bool("reply");
        byte[] sig = f.base64("sig", MAX_SIGNATURE_TEXT);
        if (f.problem == null && !HEX_ID.matcher(id).matches()) {
            f.problem = "id is not 64 lowercase hex digits";
        }
        if (f.problem != null) {
            return Verdict.dropped(DropReason.MALFORMED, f.problem);
        }
        if (!net.equals(expected.network())) {
            return Verdict.dropped(DropReason.OTHER_NETWORK, "network '" + printable(net) + "'");
        }
        PeerId peerId = PeerId.parse(id);
        if (peerId.equals(expected.self())) {
            return Verdict.dropped(DropReason.OWN, "our own announcement");
        }
        if (!peerId.matchesKey(key)) {
            return Verdict.dropped(DropReason.KEY_MISMATCH, "id " + peerId.shortForm() + " is not derived from the key");
        }
        Announcement announcement = new Announcement(VERSION, net, peerId, key, port, addrs, ts, reply);
        if (!NodeSigner.verify(key, canonicalBytes(announcement), sig)) {
            return Verdict.dropped(DropReason.BAD_SIGNATURE, "from " + peerId.shortForm());
        }
        long skew = ts - expected.nowMillis();
        if (Math.abs(skew) > expected.windowMillis()) {
            return Verdict.dropped(DropReason.STALE, "from " + peerId.shortForm() + ": timestamp is " + skew
                    + " ms from our clock, the window is " + expected.windowMillis() + " ms");
        }
        return Verdict.valid(announcement);
    }

    /** Reads fields; the first problem is kept and later reads return null. */
    private static final class Fields {
        private final JsonNode root;
        String problem;

        Fields(JsonNode root) {
            this.root = root;
        }

        private JsonNode field(String name) {
            if (problem != null) {
                return null;
            }
            JsonNode node = root.get(name);
            if (node == null || node.isNull()) {
                problem = name + " is missing";
                return null;
            }
            return node;
        }

        private <T> T fail(String message) {
            if (problem == null) {
                problem = message;
            }
            return null;
        }

        String text(String name, int min, int max) {
            JsonNode node = field(name);
            if (node == null) {
                return null;
            }
            if (!node.isTextual()) {
                return fail(name + " is not a string");
            }
            String value = node.textValue();
            if (value.length() < min || value.length() > max) {
                return fail(name + " must be " + min + "-" + max + " characters, got " + value.length());
            }
            return value;
        }

        Integer integer(String name, int min, int max) {
            JsonNode node = field(name);
            if (node == null) {
                return null;
            }
            if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
                return fail(name + " must be an integer " + min + "-" + max);
            }
            return node.intValue();
        }

        Long timestamp(String name) {
            JsonNode node = field(name);
            if (node == null) {
                return null;
            }
            if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() <= 0) {
                return fail(name + " must be a positive integer (epoch milliseconds)");
            }
            return node.longValue();
        }

        Boolean bool(String name) {
            JsonNode node = field(name);
            if (node == null) {
                return null;
            }
            if (!node.isBoolean()) {
                return fail(name + " is not true or false");
            }
            return node.booleanValue();
        }

        byte[] base64(String name, int maxText) {
            String text = text(name, 4, maxText);
            if (text == null) {
                return null;
            }
            try {
                return Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException notBase64) {
                return fail(name + " is not base64");
            }
        }

        List<String> addresses(String name) {
            JsonNode node = field(name);
            if (node == null) {
                return null;
            }
            if (!node.isArray() || node.size() > MAX_ADDRESSES) {
                return fail(name + " must be an array of at most " + MAX_ADDRESSES + " IP literals");
            }
            List<String> addresses = new ArrayList<>(node.size());
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                JsonNode element = it.next();
                if (!element.isTextual() || !isIpLiteral(element.textValue())) {
                    return fail(name + "[" + addresses.size() + "] is not an IP literal");
                }
                addresses.add(element.textValue());
            }
            return addresses;
        }
    }

    /**
     * True for a dotted-quad IPv4 or an IPv6 literal. Checked by pattern first, so that
     * {@link java.net.InetAddress#getByName} only ever parses a literal and never looks a name up.
     */
    static boolean isIpLiteral(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_ADDRESS_LENGTH) {
            return false;
        }
        if (IPV4.matcher(text).matches()) {
            return true;
        }
        if (text.indexOf(':') < 0 || !IPV6.matcher(text).matches()) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(text) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException | RuntimeException invalid) {
            return false;
        }
    }

    /** For log lines: a peer-chosen string without control characters, at most 64 characters. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder();
        text.codePoints().limit(64).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
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
