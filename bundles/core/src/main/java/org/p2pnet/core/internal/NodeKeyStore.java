package org.p2pnet.core.internal;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Properties;
import java.util.UUID;

import org.p2pnet.api.PeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's Ed25519 key pair, kept in {@code <storageDir>/node.key}: generated on first start,
 * reloaded on every later one. The file is a small properties text holding base64 PKCS#8 (private)
 * and X.509 (public) encodings; it is written once, atomically (temp file + rename), readable by
 * its owner only where the file system has POSIX permissions. A file that cannot be read back is
 * never overwritten: losing it would silently give the node a new identity.
 */
final class NodeKeyStore {
    static final String FILE_NAME = "node.key";
    static final String ALGORITHM = "Ed25519";

    private static final Logger LOG = LoggerFactory.getLogger(NodeKeyStore.class);
    private static final int FORMAT_VERSION = 1;
    private static final long MAX_FILE_SIZE = 64 * 1024;
    private static final byte[] PROBE = "p2pnet node key check".getBytes(StandardCharsets.US_ASCII);

    /** A loaded key pair and the peer id derived from its public half. */
    record NodeKey(KeyPair keyPair, PeerId peerId) {
        NodeKey(KeyPair keyPair) {
            this(keyPair, PeerId.of(keyPair.getPublic()));
        }

        PublicKey publicKey() {
            return keyPair.getPublic();
        }
    }

    private NodeKeyStore() {
    }

    /**
     * Loads the key in {@code dir}, or generates and stores one when there is no key file.
     *
     * @throws IllegalStateException when the file exists but is unreadable or corrupt (it is left
     *         untouched), or when a new key cannot be stored; the message names the file
     */
    static NodeKey loadOrCreate(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(file)) {
            return load(file);
        }
        NodeKey key = new NodeKey(generate());
        try {
            write(dir, file, key.keyPair());
        } catch (FileAlreadyExistsException e) {
            // another writer won the race: its key is the node's key
            return load(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot store the new node key in " + file + ": " + e, e);
        }
        LOG.info("Generated node key {} for peer id {}", file, key.peerId());
        return key;
    }

    static NodeKey load(Path file) {
        String text;
        try {
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw corrupt(file, "larger than " + MAX_FILE_SIZE + " bytes", null);
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("node key file " + file + " cannot be read (" + e
                    + "); it was left untouched: fix its permissions, or restore it", e);
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(text));
        } catch (IOException | IllegalArgumentException e) {
            throw corrupt(file, "not a properties text: " + e.getMessage(), e);
        }
        String algorithm = p.getProperty("algorithm");
        if (!ALGORITHM.equals(algorithm)) {
            throw corrupt(file, "algorithm is '" + algorithm + "', expected " + ALGORITHM, null);
        }
        String pub = p.getProperty("publicKey");
        String priv = p.getProperty("privateKey");
        if (pub == null || priv == null) {
            throw corrupt(file, "publicKey or privateKey is missing", null);
        }
        try {
            KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
            PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pub.trim())));
            PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(priv.trim())));
            KeyPair pair = new KeyPair(publicKey, privateKey);
            if (!matches(pair)) {
                throw corrupt(file, "the private key does not belong to the public key", null);
            }
            NodeKey key = new NodeKey(pair);
            String storedId = p.getProperty("peerId");
            if (storedId != null && !storedId.trim().equalsIgnoreCase(key.peerId().value())) {
                throw corrupt(file, "peerId " + storedId + " does not derive from the public key", null);
            }
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw corrupt(file, e.toString(), e);
        }
    }

    private static IllegalStateException corrupt(Path file, String detail, Throwable cause) {
        return new IllegalStateException("node key file " + file + " is corrupt (" + detail
                + "); it was left untouched: restore it from a backup, or delete it to give this node a new identity",
                cause);
    }

    private static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available in this JVM", e);
        }
    }

    private static boolean matches(KeyPair pair) throws GeneralSecurityException {
        Signature signer = Signature.getInstance(ALGORITHM);
        signer.initSign(pair.getPrivate());
        signer.update(PROBE);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(ALGORITHM);
        verifier.initVerify(pair.getPublic());
        verifier.update(PROBE);
        return verifier.verify(signature);
    }

    private static void write(Path dir, Path file, KeyPair pair) throws IOException {
        Files.createDirectories(dir);
        Base64.Encoder b64 = Base64.getEncoder();
        String text = "# p2pnet node key: this node's identity. Keep it private; never copy it to another node.\n"
                + "version=" + FORMAT_VERSION + "\n"
                + "algorithm=" + ALGORITHM + "\n"
                + "peerId=" + PeerId.of(pair.getPublic()).value() + "\n"
                + "publicKey=" + b64.encodeToString(pair.getPublic().getEncoded()) + "\n"
                + "privateKey=" + b64.encodeToString(pair.getPrivate().getEncoded()) + "\n";
        Path tmp = dir.resolve(FILE_NAME + "." + UUID.randomUUID() + ".tmp");
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try {
            try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), attrs)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Makes the rename durable across a power cut where the platform allows it. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Cannot sync directory {}: {}", dir, e.toString());
        }
    }
}
