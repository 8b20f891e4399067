package org.p2pnet.discovery.genesis.internal;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.genesis.GenesisWire;

/**
 * Decides whether a {@code 200} answer is taken (docs/GENESIS.md, "Modes and signatures"), in this
 * order: a present signature must verify (whatever the mode); an unsigned answer is refused in
 * authority mode or with mustBeAuthority; in authority mode the key must be pinned, or the locked
 * one, or — with first-locking and nothing locked yet — it is locked once every other check passed;
 * the body must parse strictly; in authority mode the echoed nonce must be the one sent and
 * {@code ts} within {@link #WINDOW} of our clock. Used on the client's timer thread only.
 */
final class AnswerVerifier {
    /** How far an authority answer's {@code ts} may be from our clock. */
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** Base64 of a 44-byte X.509 Ed25519 key is 60 characters; of a 64-byte signature 88. */
    static final int MAX_HEADER_TEXT = 128;

    /** An answer taken, with the authority key id that signed it (if signed) and whether it was locked just now. */
    record Accepted(GenesisAnswer answer, Optional<String> keyId, boolean newlyLocked) {
    }

    private final ClientSettings settings;
    private final AuthorityLock lock;
    private final AnswerCodec codec;

    /** @param lock the first-locking state; null unless firstLocking is on */
    AnswerVerifier(ClientSettings settings, AuthorityLock lock, AnswerCodec codec) {
        this.settings = settings;
        this.lock = lock;
        this.codec = codec;
    }

    Accepted check(HttpHeaders headers, byte[] body, String sentNonce, long nowMillis, boolean registration)
            throws RefusedAnswer {
        Optional<String> keyId = verifiedSigner(headers, body);
        if (keyId.isEmpty() && settings.signatureRequired()) {
            throw new RefusedAnswer(RefusalReason.UNSIGNED, "no " + GenesisWire.SIGNATURE_HEADER + " header, while "
                    + (settings.authority() ? "mode = authority" : "mustBeAuthority = true"));
        }
        if (settings.authority()) {
            requireAccepted(keyId.orElseThrow());
        }
        GenesisAnswer answer = codec.read(body, registration);
        boolean newlyLocked = false;
        if (settings.authority()) {
            if (!sentNonce.equals(answer.nonce())) {
                throw new RefusedAnswer(RefusalReason.NONCE, answer.nonce() == null ? "the answer echoes no nonce"
                        : "the answer echoes nonce '" + AnswerCodec.printable(answer.nonce()) + "', not the one sent");
            }
            long skew = answer.timestamp() - nowMillis;
            if (Math.abs(skew) > WINDOW.toMillis()) {
                throw new RefusedAnswer(RefusalReason.STALE, "ts is " + skew + " ms from our clock, the window is "
                        + WINDOW.toMillis() + " ms");
            }
            newlyLocked = lockIfFirst(keyId.orElseThrow());
        }
        return new Accepted(answer, keyId, newlyLocked);
    }

    /** The id of the key whose signature verifies over the body; empty when the answer is unsigned. */
    private static Optional<String> verifiedSigner(HttpHeaders headers, byte[] body) throws RefusedAnswer {
        byte[] key = header(headers, GenesisWire.AUTHORITY_KEY_HEADER);
        byte[] signature = header(headers, GenesisWire.SIGNATURE_HEADER);
        if (key == null && signature == null) {
            return Optional.empty();
        }
        if (key == null || signature == null) {
            throw new RefusedAnswer(RefusalReason.BAD_SIGNATURE, (key == null ? GenesisWire.SIGNATURE_HEADER
                    : GenesisWire.AUTHORITY_KEY_HEADER) + " without " + (key == null ? GenesisWire.AUTHORITY_KEY_HEADER
                    : GenesisWire.SIGNATURE_HEADER));
        }
        String keyId = PeerId.fromEncodedKey(key).value();
        if (!NodeSigner.verify(key, GenesisWire.signedResponseBytes(body), signature)) {
            throw new RefusedAnswer(RefusalReason.BAD_SIGNATURE, "the signature by key " + keyId + " does not verify"
                    + " over the body");
        }
        return Optional.of(keyId);
    }

    /** The decoded base64 value of a header, null when absent; refused when repeated, too long or not base64. */
    private static byte[] header(HttpHeaders headers, String name) throws RefusedAnswer {
        List<String> values = headers.allValues(name);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new RefusedAnswer(RefusalReason.BAD_SIGNATURE, name + " is repeated");
        }
        String text = values.get(0).trim();
        if (text.isEmpty() || text.length() > MAX_HEADER_TEXT) {
            throw new RefusedAnswer(RefusalReason.BAD_SIGNATURE, name + " must be 1-" + MAX_HEADER_TEXT
                    + " characters, got " + text.length());
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException notBase64) {
            throw new RefusedAnswer(RefusalReason.BAD_SIGNATURE, name + " is not base64");
        }
    }

    private void requireAccepted(String keyId) throws RefusedAnswer {
        if (!settings.authorityKeys().isEmpty()) {
            if (!settings.authorityKeys().contains(keyId)) {
                throw new RefusedAnswer(RefusalReason.UNTRUSTED_KEY, "key " + keyId + " is not among the pinned"
                        + " authorityKeys");
            }
            return;
        }
        Optional<String> locked = lock.lockedKeyId();
        if (locked.isPresent() && !locked.get().equals(keyId)) {
            throw new RefusedAnswer(RefusalReason.UNTRUSTED_KEY, "key " + keyId + " is not the locked authority key "
                    + locked.get() + " (firstSingleLockingAuthority, " + lock.file() + ")");
        }
    }

    private boolean lockIfFirst(String keyId) throws RefusedAnswer {
        if (lock == null || lock.lockedKeyId().isPresent()) {
            return false;
        }
        try {
            lock.lock(keyId);
            return true;
        } catch (IOException e) {
            throw new RefusedAnswer(RefusalReason.LOCK_FAILED, "cannot keep the first authority key " + keyId
                    + " in " + lock.file() + ": " + e.getMessage());
        }
    }
}
