package org.p2pnet.discovery.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.genesis.GenesisWire;
import org.p2pnet.testing.KeySigner;

class AnswerCodecTest {
    private static final String GENESIS_ID = "ab".repeat(32);
    private static final String PEER_ID = "cd".repeat(32);
    private static final String GOOD = "{\"v\":1,\"mode\":\"authority\",\"ts\":1795000000123,\"nonce\":\"k3J9abcdefghijklmnop\","
            + "\"observed\":{\"host\":\"203.0.113.7\",\"port\":51234},"
            + "\"genesis\":{\"id\":\"" + GENESIS_ID + "\",\"port\":7700},\"ttlSeconds\":600,"
            + "\"peers\":[{\"id\":\"" + PEER_ID + "\",\"host\":\"198.51.100.4\",\"port\":7700}]}";

    private final AnswerCodec codec = new AnswerCodec();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheAnswerOfTheProtocolDocument() throws Exception {
        GenesisAnswer answer = codec.read(bytes(GOOD), true);

        assertEquals("authority", answer.mode());
        assertEquals(1795000000123L, answer.timestamp());
        assertEquals("k3J9abcdefghijklmnop", answer.nonce());
        assertEquals(1, answer.peers().size());
        assertEquals(new GenesisAnswer.Sampled(PEER_ID, "198.51.100.4", 7700), answer.peers().get(0));
        assertEquals(Optional.of(new GenesisAnswer.GenesisNode(PeerId.parse(GENESIS_ID), 7700)), answer.genesis());
        assertEquals(Optional.of(new GenesisAnswer.Endpoint("203.0.113.7", 51234)), answer.observed());
        assertEquals(600, answer.ttlSeconds());
    }

    @Test
    void aSampleAnswerNeedsNoObservedAndMayHaveNoGenesisAndNoNonce() throws Exception {
        String text = "{\"v\":1,\"mode\":\"trustless\",\"ts\":5,\"nonce\":null,\"genesis\":null,\"ttlSeconds\":600,"
                + "\"peers\":[],\"future\":{\"field\":[1]}}";

        GenesisAnswer answer = codec.read(bytes(text), false);

        assertEquals(null, answer.nonce());
        assertEquals(Optional.empty(), answer.genesis());
        assertEquals(Optional.empty(), answer.observed());
        assertTrue(answer.peers().isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "empty body||the body is empty",
        "an array|[]|the answer is not a JSON object",
        "trailing data|{\"v\":1} {}|not JSON",
        "duplicate key|{\"v\":1,\"v\":1}|not JSON: Duplicate field 'v'",
        "v missing|{\"mode\":\"trustless\"}|v is missing",
        "v as text|{\"v\":\"1\"}|v is not an integer",
        "v as a float|{\"v\":1.0}|v is not an integer",
        "mode unknown|{\"v\":1,\"mode\":\"relaxed\"}|mode is 'relaxed', not trustless or authority",
        "ts negative|{\"v\":1,\"mode\":\"trustless\",\"ts\":-1}|ts must be a positive integer",
        "nonce absent|{\"v\":1,\"mode\":\"trustless\",\"ts\":1}|nonce is missing (null is allowed, absence is not)",
        "nonce a number|{\"v\":1,\"mode\":\"trustless\",\"ts\":1,\"nonce\":5}|nonce is not a string",
        "peers an object|{\"v\":1,\"mode\":\"trustless\",\"ts\":1,\"nonce\":null,\"peers\":{}}|peers is not an array",
        "peer port text|{\"v\":1,\"mode\":\"trustless\",\"ts\":1,\"nonce\":null,\"peers\":[{\"id\":\"x\",\"host\":\"h\",\"port\":\"1\"}]}|peers[0].port is not an integer",
        "peer port 0|{\"v\":1,\"mode\":\"trustless\",\"ts\":1,\"nonce\":null,\"peers\":[{\"id\":\"x\",\"host\":\"h\",\"port\":0}]}|peers[0].port must be 1-65535, got 0",
        "peer host missing|{\"v\":1,\"mode\":\"trustless\",\"ts\":1,\"nonce\":null,\"peers\":[{\"id\":\"x\",\"port\":1}]}|peers[0].host is missing",
        "peer not an object|{\"v\":1,\"mode\":\"trustless\",\"ts\":1,\"nonce\":null,\"peers\":[7]}|peers[0] is not a JSON object",
        "genesis absent|{\"v\":1,\"mode\":\"trustless\",\"ts\":1,\"nonce\":null,\"peers\":[]}|genesis is missing (null is allowed, absence is not)",
        "genesis id short|{\"v\":1,\"mode\":\"trustless\",\"ts\":1,\"nonce\":null,\"peers\":[],\"genesis\":{\"id\":\"ab\",\"port\":1}}|genesis.id must be 64-64 characters, got 2",
        "ttl missing|{\"v\":1,\"mode\":\"trustless\",\"ts\":1,\"nonce\":null,\"peers\":[],\"genesis\":null}|ttlSeconds is missing",
        "too deep|{\"v\":1,\"x\":[[[1]]]}|not JSON",
    })
    void malformedAnswersAreRefusedNamingTheProblem(String what, String text, String expected) {
        RefusedAnswer refused = assertThrows(RefusedAnswer.class, () -> codec.read(bytes(text == null ? "" : text), false));
        assertEquals(RefusalReason.MALFORMED, refused.reason());
        assertTrue(refused.detail().contains(expected), what + ": " + refused.detail());
    }

    @Test
    void aRegistrationAnswerWithoutObservedIsMalformed() {
        String text = GOOD.replace("\"observed\":{\"host\":\"203.0.113.7\",\"port\":51234},", "");
        RefusedAnswer refused = assertThrows(RefusedAnswer.class, () -> codec.read(bytes(text), true));
        assertEquals("observed is missing", refused.detail());
    }

    @Test
    void anotherVersionIsItsOwnReason() {
        RefusedAnswer refused = assertThrows(RefusedAnswer.class, () -> codec.read(bytes("{\"v\":2}"), false));
        assertEquals(RefusalReason.VERSION, refused.reason());
    }

    @Test
    void moreThan64PeersIsMalformed() {
        String peer = "{\"id\":\"" + PEER_ID + "\",\"host\":\"h\",\"port\":1}";
        String text = "{\"v\":1,\"mode\":\"trustless\",\"ts\":1,\"nonce\":null,\"peers\":["
                + String.join(",", java.util.Collections.nCopies(65, peer)) + "]}";
        RefusedAnswer refused = assertThrows(RefusedAnswer.class, () -> codec.read(bytes(text), false));
        assertEquals("peers has 65 entries, more than 64", refused.detail());
    }

    @Test
    void aBodyOverTheCapIsRefusedBeforeParsing() {
        byte[] big = new byte[AnswerCodec.MAX_BODY_BYTES + 1];
        RefusedAnswer refused = assertThrows(RefusedAnswer.class, () -> codec.read(big, false));
        assertTrue(refused.detail().startsWith("the body has " + big.length + " bytes"), refused.detail());
    }

    @Test
    void writesASignedRegistrationThatVerifiesOverTheCanonicalBytes() throws Exception {
        KeySigner signer = new KeySigner();
        AnswerCodec.Registration r = new AnswerCodec.Registration("p2pnet", signer.peerId(), signer.publicKey(), 7700,
                1795000000000L, 8, "nonce-nonce-nonce-1");
        byte[] body = codec.write(r, signer.sign(r.canonicalBytes()));

        JsonNode json = FakeGenesis.MAPPER.readTree(body);
        assertEquals(java.util.List.of("v", "net", "id", "key", "port", "ts", "count", "nonce", "sig"),
                fieldNames(json));
        byte[] canonical = GenesisWire.registrationCanonicalBytes(1, "p2pnet", signer.keyId(),
                Base64.getDecoder().decode(json.get("key").textValue()), 7700, 1795000000000L, 8, "nonce-nonce-nonce-1");
        assertArrayEquals(r.canonicalBytes(), canonical);
        assertTrue(NodeSigner.verify(signer.publicKey(), canonical, Base64.getDecoder().decode(json.get("sig").textValue())));
        assertTrue(FakeGenesis.check(json).verified());
    }

    private static java.util.List<String> fieldNames(JsonNode json) {
        java.util.List<String> names = new java.util.ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void errorBodiesAreDescribedLenientlyAndRetryAfterIsRead() {
        assertEquals(": rate_limited (slow down)",
                codec.describeError(bytes("{\"error\":\"rate_limited\",\"message\":\"slow down\",\"retryAfterSeconds\":3}")));
        assertEquals(OptionalLong.of(3), codec.retryAfterSeconds(bytes("{\"error\":\"rate_limited\",\"retryAfterSeconds\":3}")));
        assertEquals("", codec.describeError(bytes("<html>")));
        assertEquals(": x? (y)", codec.describeError(bytes("{\"error\":\"x\\u0007\",\"message\":\"y\"}")));
        assertEquals(OptionalLong.empty(), codec.retryAfterSeconds(bytes("{\"retryAfterSeconds\":-1}")));
    }
}
