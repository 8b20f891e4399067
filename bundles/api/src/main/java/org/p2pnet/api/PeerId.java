package org.p2pnet.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A peer's identity: the lowercase hex SHA-256 of its public key's X.509 (SubjectPublicKeyInfo)
 * encoding. Because it is derived from a key, an id cannot be claimed without holding that key.
 */
public final class PeerId implements Comparable<PeerId> {
    /** Length of the hex text form. */
    public static final int LENGTH = 64;

    private final String hex;

    private PeerId(String hex) {
        this.hex = hex;
    }

    /** Derives the id of a public key. */
    public static PeerId of(PublicKey key) {
        Objects.requireNonNull(key, "key");
        return fromEncodedKey(key.getEncoded());
    }

    /** Derives the id from an X.509-encoded public key. */
    public static PeerId fromEncodedKey(byte[] x509) {
        Objects.requireNonNull(x509, "x509");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(x509);
            return new PeerId(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Parses the text form.
     *
     * @throws IllegalArgumentException naming what is wrong when {@code text} is not 64 hex digits
     */
    public static PeerId parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("peer id is missing");
        }
        if (text.length() != LENGTH) {
            throw new IllegalArgumentException("peer id must be " + LENGTH + " hex digits, got " + text.length() + " characters");
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = text.charAt(i);
            boolean hexDigit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hexDigit) {
                throw new IllegalArgumentException("peer id has a non-hex character at position " + i);
            }
        }
        return new PeerId(text.toLowerCase(java.util.Locale.ROOT));
    }

    /** True when this id is derived from that X.509-encoded key. */
    public boolean matchesKey(byte[] x509) {
        return x509 != null && fromEncodedKey(x509).equals(this);
    }

    /** The 64-digit hex form. */
    public String value() {
        return hex;
    }

    /** The first 12 hex digits, for tables and logs. */
    public String shortForm() {
        return hex.substring(0, 12);
    }

    @Override
    public int compareTo(PeerId o) {
        return hex.compareTo(o.hex);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId other && other.hex.equals(hex);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }

    @Override
    public String toString() {
        return hex;
    }
}
