package org.p2pnet.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.genesis.GenesisWire;
import org.p2pnet.testing.KeySigner;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the body of {@code POST /peers} through {@link GenesisProtocol#register} (parser, then the
 * checks against the node's state). The contract: an answer with status 200, or a {@link Rejection}
 * with a code and a message; nothing else is thrown. An echoed nonce is always well-formed, and a
 * registration only succeeds for a body whose signature covers what was registered. The saved
 * inputs in {@code RegistrationFuzzTestInputs/} include bodies signed by a throwaway key at
 * {@link Harness#START}, so that mutations keeping the signed content reach the registry.
 */
class RegistrationFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GenesisSettings SETTINGS = Configs.settings(Map.of("rateLimitPerSecond", 0));
    private static final GenesisProtocol PROTOCOL = protocol();
    private static final ClientAddress CLIENT = new ClientAddress("192.0.2.50", 40000);

    private static GenesisProtocol protocol() {
        KeySigner genesisKey = new KeySigner();
        return new GenesisProtocol(SETTINGS, Harness.NETWORK,
                new FakeNetwork(genesisKey, Harness.NETWORK, Harness.GENESIS_PORT), genesisKey,
                new Registry(SETTINGS.maxRegistrations(), SETTINGS.ttlMillis(), false), null,
                Clock.fixed(Instant.ofEpochMilli(Harness.START), ZoneOffset.UTC), () -> 0L);
    }

    @FuzzTest(maxDuration = "2m")
    void registrationBody(byte[] body) throws Exception {
        Exchange exchange = new Exchange();
        exchange.remoteAddr = CLIENT.host();
        exchange.client = CLIENT;
        Answer answer;
        try {
            answer = PROTOCOL.register(body, body.length, CLIENT, exchange);
        } catch (Rejection refused) {
            assertNotNull(refused.code(), "a refusal has a code");
            assertNotNull(refused.getMessage(), "a refusal has a message");
            assertFalse(refused.getMessage().isBlank(), "a refusal has a message");
            assertTrue(exchange.nonce == null || Nonces.valid(exchange.nonce), "only a well-formed nonce is echoed");
            return;
        }
        assertEquals(200, answer.status());
        assertNotNull(answer.body());
        assertTrue(exchange.nonce == null || Nonces.valid(exchange.nonce));
        // registered only what the body's signature covers, from a key that the id names, in the window
        JsonNode root = JSON.readTree(body);
        byte[] key = Base64.getDecoder().decode(root.get("key").textValue());
        String id = root.get("id").textValue();
        assertTrue(PeerId.parse(id).matchesKey(key));
        long ts = root.get("ts").longValue();
        assertTrue(Math.abs(ts - Harness.START) <= SETTINGS.timestampWindowMillis());
        JsonNode count = root.get("count");
        JsonNode nonce = root.get("nonce");
        byte[] canonical = GenesisWire.registrationCanonicalBytes(GenesisWire.VERSION, root.get("net").textValue(),
                id, key, root.get("port").intValue(), ts,
                count == null || count.isNull() ? RegistrationParser.WIRE_DEFAULT_COUNT : count.intValue(),
                nonce == null || nonce.isNull() ? null : nonce.textValue());
        assertTrue(NodeSigner.verify(key, canonical, Base64.getDecoder().decode(root.get("sig").textValue())));
        JsonNode answered = JSON.readTree(answer.body());
        assertTrue(answered.isObject(), "the answer is a JSON object");
    }
}
