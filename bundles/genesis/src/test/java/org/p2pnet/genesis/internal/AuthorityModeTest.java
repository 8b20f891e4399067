package org.p2pnet.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.api.genesis.GenesisWire;
import org.p2pnet.testing.KeySigner;

/** Authority mode: every JSON answer, refusals included, is signed with the node key over the exact body. */
class AuthorityModeTest {
    private final Harness h = new Harness(Map.of("mode", "authority", "rateLimitPerSecond", 1, "rateLimitBurst", 100,
            "maxBodyBytes", 1024));

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void everyJsonAnswerIsSignedAndVerifies() {
        KeySigner node = new KeySigner();
        byte[] registration = Harness.json(Harness.registration(node, Harness.NETWORK, 7000, h.time.millis(), 8,
                Harness.NONCE));
        FakeHttp.Request badType = FakeHttp.Request.post(registration);
        badType.contentType = "text/plain";
        FakeHttp.Request delete = FakeHttp.Request.get("/peers", null);
        delete.method = "DELETE";
        List<FakeHttp.Request> requests = List.of(
                FakeHttp.Request.post(registration),
                FakeHttp.Request.get("/peers", "count=3&nonce=" + Harness.NONCE),
                FakeHttp.Request.get("/whoami", "nonce=" + Harness.NONCE),
                FakeHttp.Request.get("/peers", "count=99"),
                FakeHttp.Request.post("{\"v\":2}".getBytes()),
                FakeHttp.Request.get("/elsewhere", null),
                delete,
                badType,
                FakeHttp.Request.post(new byte[2000]));
        int[] statuses = {200, 200, 200, 400, 400, 404, 405, 415, 413};
        for (int i = 0; i < requests.size(); i++) {
            FakeHttp.Response response = h.call(requests.get(i));
            assertEquals(statuses[i], response.status, response.text());
            assertEquals("authority", response.json().get("mode").textValue());
            assertSignedByGenesis(response);
        }
    }

    @Test
    void rateLimitedAnswersAreSignedToo() {
        Harness limited = new Harness(Map.of("mode", "authority", "rateLimitPerSecond", 1, "rateLimitBurst", 1));
        try {
            assertEquals(200, limited.call(FakeHttp.Request.get("/peers", null)).status);
            FakeHttp.Response response = limited.call(FakeHttp.Request.get("/peers", "nonce=" + Harness.NONCE));
            assertEquals(429, response.status);
            assertEquals("1", response.headers.get("Retry-After"));
            byte[] key = Base64.getDecoder().decode(response.headers.get(GenesisWire.AUTHORITY_KEY_HEADER));
            assertTrue(NodeSigner.verify(key, GenesisWire.signedResponseBytes(response.bytes()),
                    Base64.getDecoder().decode(response.headers.get(GenesisWire.SIGNATURE_HEADER))));
        } finally {
            limited.close();
        }
    }

    @Test
    void aChangedBodyByteFailsVerification() {
        FakeHttp.Response response = h.call(FakeHttp.Request.get("/whoami", "nonce=" + Harness.NONCE));
        byte[] key = Base64.getDecoder().decode(response.headers.get(GenesisWire.AUTHORITY_KEY_HEADER));
        byte[] signature = Base64.getDecoder().decode(response.headers.get(GenesisWire.SIGNATURE_HEADER));
        byte[] body = response.bytes();
        assertTrue(NodeSigner.verify(key, GenesisWire.signedResponseBytes(body), signature));
        for (int i = 0; i < body.length; i++) {
            byte[] tampered = body.clone();
            tampered[i] ^= 0x01;
            assertFalse(NodeSigner.verify(key, GenesisWire.signedResponseBytes(tampered), signature), "byte " + i);
        }
        // the signature is over the domain-tagged bytes, not the bare body
        assertFalse(NodeSigner.verify(key, body, signature));
        // and by this key only
        assertFalse(NodeSigner.verify(new KeySigner().publicKey(), GenesisWire.signedResponseBytes(body), signature));
    }

    @Test
    void healthAndDashboardAreUnsignedAndStatusNamesTheAuthority() {
        FakeHttp.Response health = h.call(FakeHttp.Request.get("/health", null));
        assertEquals("{\"v\":1,\"ok\":true}", health.text());
        assertNull(health.headers.get(GenesisWire.SIGNATURE_HEADER));
        FakeHttp.Response page = h.call(FakeHttp.Request.get("/", null));
        assertNull(page.headers.get(GenesisWire.SIGNATURE_HEADER));
        assertTrue(page.text().contains(h.genesisKey.peerId().value()));

        assertEquals(GenesisMode.AUTHORITY, h.service.status().mode());
        assertEquals(h.genesisKey.peerId().value(), h.service.status().authorityKeyId());
        assertArrayEquals(h.genesisKey.publicKey(), Base64.getDecoder().decode(h.service.status().authorityPublicKey()));
    }

    /** Checks the headers and the signature of a signed answer, and that the key is the genesis node's. */
    private void assertSignedByGenesis(FakeHttp.Response response) {
        String keyHeader = response.headers.get(GenesisWire.AUTHORITY_KEY_HEADER);
        String signatureHeader = response.headers.get(GenesisWire.SIGNATURE_HEADER);
        assertTrue(keyHeader != null && signatureHeader != null, "signed: " + response.text());
        byte[] key = Base64.getDecoder().decode(keyHeader);
        assertEquals(h.genesisKey.peerId(), PeerId.fromEncodedKey(key), "the authority key id is the node id");
        assertTrue(NodeSigner.verify(key, GenesisWire.signedResponseBytes(response.bytes()),
                Base64.getDecoder().decode(signatureHeader)), response.text());
    }
}
