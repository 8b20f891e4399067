package org.p2pnet.channel.tcp.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

import org.p2pnet.api.PeerId;

/**
 * The node's TLS certificate: a self-signed X.509 v3 certificate for its Ed25519 node key,
 * subject and issuer {@code CN=<peer id>}, no extensions, made in memory at each transport start
 * (docs/PROTOCOL.md, "TLS"). There is no CA: a peer trusts the key, not the certificate, so the
 * certificate is only the container TLS needs for the key. Written as DER with the JDK alone
 * (RFC 5280 section 4.1), signed with the JDK's Ed25519, read back by the JDK's X.509 parser.
 */
final class NodeCertificate {
    static final Duration VALIDITY = Duration.ofDays(3650);
    /** notBefore is set back this much, for peers whose clock is a little behind (dates are not checked by p2pnet). */
    static final Duration BACKDATE = Duration.ofHours(1);

    /** The DER of an Ed25519 SubjectPublicKeyInfo before its 32 key bytes (RFC 8410). */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final int ED25519_SPKI_LENGTH = ED25519_SPKI_PREFIX.length + 32;
    /** AlgorithmIdentifier { id-Ed25519 1.3.101.112 } without parameters (RFC 8410). */
    private static final byte[] ED25519_ALGORITHM = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};
    /** OID 2.5.4.3, commonName. */
    private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private NodeCertificate() {
    }

    /** True for a canonical X.509 Ed25519 public key. */
    static boolean isEd25519(PublicKey key) {
        byte[] encoded = key == null ? null : key.getEncoded();
        return encoded != null && encoded.length == ED25519_SPKI_LENGTH
                && Arrays.equals(encoded, 0, ED25519_SPKI_PREFIX.length, ED25519_SPKI_PREFIX, 0, ED25519_SPKI_PREFIX.length);
    }

    /**
     * A self-signed certificate for {@code keys}, valid from {@code now - BACKDATE} for {@link #VALIDITY}.
     *
     * @throws GeneralSecurityException when the key pair is not Ed25519, or signing fails
     */
    static X509Certificate selfSigned(KeyPair keys, Instant now) throws GeneralSecurityException {
        if (!isEd25519(keys.getPublic())) {
            throw new GeneralSecurityException("the node key is " + keys.getPublic().getAlgorithm() + ", not Ed25519");
        }
        byte[] name = name(PeerId.of(keys.getPublic()).value());
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        serial[0] &= 0x7f; // positive
        serial[0] |= 0x01; // and no leading zero octet (DER minimal form)
        byte[] tbs = der(0x30,
                der(0xa0, der(0x02, new byte[] {2})), // version v3
                der(0x02, serial),
                ED25519_ALGORITHM,
                name,
                der(0x30, time(now.minus(BACKDATE)), time(now.minus(BACKDATE).plus(VALIDITY))),
                name,
                keys.getPublic().getEncoded());
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(keys.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bitString = new byte[signature.length + 1]; // no unused bits
        System.arraycopy(signature, 0, bitString, 1, signature.length);
        byte[] certificate = der(0x30, tbs, ED25519_ALGORITHM, der(0x03, bitString));
        X509Certificate parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(certificate));
        parsed.verify(keys.getPublic());
        if (!Arrays.equals(parsed.getPublicKey().getEncoded(), keys.getPublic().getEncoded())) {
            throw new CertificateException("the certificate does not carry the node key");
        }
        return parsed;
    }

    private static byte[] name(String commonName) {
        byte[] attribute = der(0x30, COMMON_NAME, der(0x0c, commonName.getBytes(StandardCharsets.UTF_8)));
        return der(0x30, der(0x31, attribute));
    }

    /** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 section 4.1.2.5). */
    private static byte[] time(Instant instant) {
        ZonedDateTime utc = instant.atZone(ZoneOffset.UTC).withNano(0);
        return utc.getYear() < 2050
                ? der(0x17, UTC_TIME.format(utc).getBytes(StandardCharsets.US_ASCII))
                : der(0x18, GENERALIZED_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] der(int tag, byte[]... contents) {
        int length = 0;
        for (byte[] c : contents) {
            length += c.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else {
            out.write(0x82); // a certificate for a 32-byte key stays far below 64 KiB
            out.write(length >>> 8);
            out.write(length);
        }
        for (byte[] c : contents) {
            out.writeBytes(c);
        }
        return out.toByteArray();
    }
}
