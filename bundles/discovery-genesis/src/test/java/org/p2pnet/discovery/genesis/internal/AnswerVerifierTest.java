package org.p2pnet.discovery.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pnet.api.genesis.GenesisWire;
import org.p2pnet.testing.KeySigner;

/** The checks of {@link AnswerVerifier} one by one, on answers built here. */
class AnswerVerifierTest {
    private static final String NONCE = "nonce-of-this-request-1";

    private final KeySigner authority = new KeySigner();
    private final AnswerCodec codec = new AnswerCodec();

    @TempDir
    Path dir;

    private static byte[] body(String nonce, long ts) {
        return ("{\"v\":1,\"mode\":\"authority\",\"ts\":" + ts + ",\"nonce\":" + (nonce == null ? "null" : "\"" + nonce
                + "\"") + ",\"genesis\":null,\"ttlSeconds\":600,\"peers\":[]}").getBytes(StandardCharsets.UTF_8);
    }

    private static HttpHeaders headers(Map<String, String> values) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        values.forEach((k, v) -> map.put(k, List.of(v)));
        return HttpHeaders.of(map, (k, v) -> true);
    }

    private static HttpHeaders signedBy(KeySigner signer, byte[] body) {
        return headers(FakeGenesis.signed(signer, body).headers());
    }

    private AnswerVerifier verifier(Map<String, Object> config) {
        ClientSettings settings = Configs.fast(config);
        AuthorityLock lock = settings.firstLocking() ? AuthorityLock.load(dir.resolve(AuthorityLock.FILE_NAME)) : null;
        return new AnswerVerifier(settings, lock, codec);
    }

    private AnswerVerifier pinned() {
        return verifier(Map.of("mode", "authority", "authorityKeys", authority.keyId()));
    }

    private static RefusalReason refused(AnswerVerifier verifier, HttpHeaders headers, byte[] body) {
        return assertThrows(RefusedAnswer.class,
                () -> verifier.check(headers, body, NONCE, System.currentTimeMillis(), false)).reason();
    }

    @Test
    void aPinnedSignedFreshAnswerEchoingTheNonceIsTaken() throws Exception {
        byte[] body = body(NONCE, System.currentTimeMillis());
        AnswerVerifier.Accepted accepted = pinned().check(signedBy(authority, body), body, NONCE,
                System.currentTimeMillis(), false);
        assertEquals(Optional.of(authority.keyId()), accepted.keyId());
        assertFalse(accepted.newlyLocked());
    }

    @Test
    void incompleteOrGarbledSignatureHeadersAreBadSignatures() {
        byte[] body = body(NONCE, System.currentTimeMillis());
        Map<String, String> good = FakeGenesis.signed(authority, body).headers();
        AnswerVerifier trustless = verifier(Map.of());

        assertEquals(RefusalReason.BAD_SIGNATURE, refused(trustless,
                headers(Map.of(GenesisWire.SIGNATURE_HEADER, good.get(GenesisWire.SIGNATURE_HEADER))), body));
        assertEquals(RefusalReason.BAD_SIGNATURE, refused(trustless,
                headers(Map.of(GenesisWire.AUTHORITY_KEY_HEADER, good.get(GenesisWire.AUTHORITY_KEY_HEADER))), body));
        assertEquals(RefusalReason.BAD_SIGNATURE, refused(trustless, headers(Map.of(
                GenesisWire.AUTHORITY_KEY_HEADER, "not base64!", GenesisWire.SIGNATURE_HEADER, "AAAA")), body));
        assertEquals(RefusalReason.BAD_SIGNATURE, refused(trustless, headers(Map.of(
                GenesisWire.AUTHORITY_KEY_HEADER, "AAAA", GenesisWire.SIGNATURE_HEADER, "AAAA")), body));
        Map<String, List<String>> repeated = new LinkedHashMap<>();
        good.forEach((k, v) -> repeated.put(k, List.of(v, v)));
        assertEquals(RefusalReason.BAD_SIGNATURE, refused(trustless, HttpHeaders.of(repeated, (k, v) -> true), body));
    }

    @Test
    void aSignatureOverAnotherBodyOrWithoutTheDomainTagDoesNotVerify() {
        byte[] body = body(NONCE, System.currentTimeMillis());
        byte[] other = body("another-nonce-123456", System.currentTimeMillis());
        assertEquals(RefusalReason.BAD_SIGNATURE, refused(pinned(), signedBy(authority, other), body));

        Map<String, String> untagged = new LinkedHashMap<>(FakeGenesis.signed(authority, body).headers());
        untagged.put(GenesisWire.SIGNATURE_HEADER, java.util.Base64.getEncoder().encodeToString(authority.sign(body)));
        assertEquals(RefusalReason.BAD_SIGNATURE, refused(pinned(), headers(untagged), body));
    }

    @Test
    void authorityModeRefusesUnsignedUntrustedWrongNonceAndStale() {
        long now = System.currentTimeMillis();
        AnswerVerifier verifier = pinned();
        byte[] fresh = body(NONCE, now);

        assertEquals(RefusalReason.UNSIGNED, refused(verifier, headers(Map.of()), fresh));
        assertEquals(RefusalReason.UNTRUSTED_KEY, refused(verifier, signedBy(new KeySigner(), fresh), fresh));
        byte[] noNonce = body(null, now);
        assertEquals(RefusalReason.NONCE, refused(verifier, signedBy(authority, noNonce), noNonce));
        byte[] otherNonce = body("nonce-of-another-request", now);
        assertEquals(RefusalReason.NONCE, refused(verifier, signedBy(authority, otherNonce), otherNonce));
        byte[] old = body(NONCE, now - AnswerVerifier.WINDOW.toMillis() - 60_000);
        assertEquals(RefusalReason.STALE, refused(verifier, signedBy(authority, old), old));
        byte[] future = body(NONCE, now + AnswerVerifier.WINDOW.toMillis() + 60_000);
        assertEquals(RefusalReason.STALE, refused(verifier, signedBy(authority, future), future));
        byte[] notJson = "{".getBytes(StandardCharsets.UTF_8);
        assertEquals(RefusalReason.MALFORMED, refused(verifier, signedBy(authority, notJson), notJson));
    }

    @Test
    void trustlessModeTakesUnsignedAnswersWithAnyNonceUnlessMustBeAuthority() throws Exception {
        byte[] body = body("whatever-was-echoed", 1);
        assertEquals(Optional.empty(), verifier(Map.of()).check(headers(Map.of()), body, NONCE,
                System.currentTimeMillis(), false).keyId());
        assertEquals(RefusalReason.UNSIGNED, refused(verifier(Map.of("mustBeAuthority", true)), headers(Map.of()), body));
        assertEquals(Optional.of(authority.keyId()), verifier(Map.of("mustBeAuthority", true))
                .check(signedBy(authority, body), body, NONCE, System.currentTimeMillis(), false).keyId());
    }

    @Test
    void firstLockingLocksOnlyAFullyAcceptableAnswer() throws Exception {
        AnswerVerifier verifier = verifier(Map.of("mode", "authority", "firstSingleLockingAuthority", true));
        KeySigner impostor = new KeySigner();
        byte[] stale = body(NONCE, 1);
        assertEquals(RefusalReason.STALE, refused(verifier, signedBy(impostor, stale), stale));
        byte[] wrongNonce = body("nonce-of-another-request", System.currentTimeMillis());
        assertEquals(RefusalReason.NONCE, refused(verifier, signedBy(impostor, wrongNonce), wrongNonce));

        byte[] body = body(NONCE, System.currentTimeMillis());
        assertTrue(verifier.check(signedBy(authority, body), body, NONCE, System.currentTimeMillis(), false)
                .newlyLocked());
        assertFalse(verifier.check(signedBy(authority, body), body, NONCE, System.currentTimeMillis(), false)
                .newlyLocked());
        assertEquals(RefusalReason.UNTRUSTED_KEY, refused(verifier, signedBy(impostor, body), body));
    }
}
