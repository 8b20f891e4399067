package org.p2pnet.discovery.genesis.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The authority key locked by {@code firstSingleLockingAuthority} (trust on first use): one line
 * holding the 64-hex key id, in the bundle's data area. Written once, atomically (a temporary file
 * beside it, forced to disk, then renamed over nothing), and read at each activation. A file that
 * cannot be read or does not hold exactly one key id is reported by {@link #problem()} and left as
 * it is: never silently replaced, since replacing it would trust whichever key answers next.
 */
final class AuthorityLock {
    /** Name of the file in the bundle's data area. */
    static final String FILE_NAME = "genesis-authority";
    /** A larger file is not a lock file. */
    static final int MAX_FILE_BYTES = 1024;

    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{64}");

    private final Path file;
    private final String problem;
    private volatile String lockedKeyId;

    private AuthorityLock(Path file, String lockedKeyId, String problem) {
        this.file = file;
        this.lockedKeyId = lockedKeyId;
        this.problem = problem;
    }

    /** Reads the lock file, if there is one. Never throws: a problem is kept for {@link #problem()}. */
    static AuthorityLock load(Path file) {
        if (file == null) {
            return new AuthorityLock(null, null, "the framework gives this bundle no data area, so the first"
                    + " authority key met could not be kept");
        }
        if (!Files.exists(file)) {
            return new AuthorityLock(file, null, null);
        }
        try {
            if (!Files.isRegularFile(file)) {
                return corrupt(file, "it is not a regular file");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                return corrupt(file, "it has " + size + " bytes, a lock file has 65");
            }
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString().strip();
            if (!KEY_ID.matcher(text).matches()) {
                return corrupt(file, "it does not hold one key id (64 lowercase hex digits)");
            }
            return new AuthorityLock(file, text, null);
        } catch (CharacterCodingException e) {
            return corrupt(file, "it is not UTF-8 text");
        } catch (IOException e) {
            return new AuthorityLock(file, null, "cannot read the authority lock file " + file + ": " + e);
        }
    }

    private static AuthorityLock corrupt(Path file, String why) {
        return new AuthorityLock(file, null, "the authority lock file " + file + " is corrupt (" + why
                + "); check it, then fix or delete it (deleting trusts the next authority key met)");
    }

    /** Why this lock cannot be used (then nothing may be trusted), or null. */
    String problem() {
        return problem;
    }

    Optional<String> lockedKeyId() {
        return Optional.ofNullable(lockedKeyId);
    }

    Path file() {
        return file;
    }

    /**
     * Locks to this key id: writes the file atomically, then remembers it.
     *
     * @throws IOException when it cannot be written (then nothing is locked), or a lock exists already
     */
    synchronized void lock(String keyId) throws IOException {
        if (problem != null) {
            throw new IOException(problem);
        }
        if (lockedKeyId != null) {
            throw new IOException("already locked to " + lockedKeyId);
        }
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("not a key id: " + keyId);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.exists(file)) {
            throw new IOException(file + " appeared meanwhile; it is left as it is");
        }
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap((keyId + "\n").getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        lockedKeyId = keyId;
    }
}
