package org.p2pnet.bench.jmh;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.core.internal.SignatureBenchAccess;

/**
 * Ed25519 sign and verify as the node does them, side by side with the two providers it could use.
 *
 * <p>What the node signs: LAN announcements (about 230 bytes of length-prefixed fields: domain
 * tag, network, 64-hex peer id, 44-byte X.509 key, port, addresses, time), trust-protocol
 * transcripts (about 200 bytes), genesis registrations (about 230 bytes), genesis answers (the
 * answer body, a few hundred bytes to a few KiB) and tasks. The message here is {@code size} bytes
 * (default 256), fixed random content; Ed25519's cost hardly depends on it at these sizes.
 *
 * <ul>
 *   <li>sign: the core's {@code FastEd25519} (BouncyCastle underneath, a new {@code Ed25519Signer} per
 *       call, what {@code NodeSigner.sign} runs), against the JDK 17 provider ({@code Signature
 *       "Ed25519"}, one instance re-initialised per call).</li>
 *   <li>verify: {@code NodeSigner.verify} (what the node runs on every signed thing it receives: JDK
 *       provider, parsing the X.509 key each call), the JDK provider with the key parsed once, and
 *       BouncyCastle's {@code Ed25519Signer} with the key parsed once.</li>
 * </ul>
 *
 * Throughput mode, ops/s: one operation is one signature made or checked. Every verify checks a
 * valid signature and fails the run if it does not verify.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SignatureBench {
    /** The default message size in bytes. */
    public static final String MESSAGE_SIZE = "256";

    /** Message size in bytes. */
    @Param(MESSAGE_SIZE)
    public int size;

    private byte[] message;
    private byte[] signature;
    private byte[] x509PublicKey;
    private SignatureBenchAccess fast;
    private KeyPair keys;
    private Signature jdkSigner;
    private Signature jdkVerifier;
    private PublicKey jdkPublicKey;
    private Ed25519PublicKeyParameters bcPublicKey;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SecureRandom seeded = SecureRandom.getInstance("SHA1PRNG");
        seeded.setSeed(9);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, seeded);
        keys = generator.generateKeyPair();
        message = new byte[size];
        new Random(size).nextBytes(message);
        fast = new SignatureBenchAccess(keys.getPrivate());
        signature = fast.sign(message);
        x509PublicKey = keys.getPublic().getEncoded();
        jdkPublicKey = keys.getPublic();
        jdkSigner = Signature.getInstance("Ed25519");
        jdkVerifier = Signature.getInstance("Ed25519");
        bcPublicKey = (Ed25519PublicKeyParameters) PublicKeyFactory.createKey(x509PublicKey);
        // all three agree before anything is timed (Ed25519 is deterministic)
        if (!java.util.Arrays.equals(signature, signJdk()) || !verifyNodeSigner() || !verifyJdk()
                || !verifyBouncyCastle()) {
            throw new IllegalStateException("the Ed25519 implementations disagree");
        }
    }

    @Benchmark
    public byte[] signFastEd25519() {
        return fast.sign(message);
    }

    @Benchmark
    public byte[] signJdk() throws GeneralSecurityException {
        jdkSigner.initSign(keys.getPrivate());
        jdkSigner.update(message);
        return jdkSigner.sign();
    }

    @Benchmark
    public boolean verifyNodeSigner() {
        return check(NodeSigner.verify(x509PublicKey, message, signature));
    }

    @Benchmark
    public boolean verifyJdk() throws GeneralSecurityException {
        jdkVerifier.initVerify(jdkPublicKey);
        jdkVerifier.update(message);
        return check(jdkVerifier.verify(signature));
    }

    @Benchmark
    public boolean verifyBouncyCastle() {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, bcPublicKey);
        verifier.update(message, 0, message.length);
        return check(verifier.verifySignature(signature));
    }

    private static boolean check(boolean valid) {
        if (!valid) {
            throw new IllegalStateException("a valid signature did not verify");
        }
        return true;
    }
}
