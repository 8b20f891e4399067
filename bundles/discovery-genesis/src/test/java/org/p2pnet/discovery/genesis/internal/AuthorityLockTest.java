package org.p2pnet.discovery.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthorityLockTest {
    private static final String KEY = "0123456789abcdef".repeat(4);

    @TempDir
    Path dir;

    @Test
    void locksOnceAtomicallyAndReadsItBack() throws Exception {
        Path file = dir.resolve("nested").resolve(AuthorityLock.FILE_NAME);
        AuthorityLock lock = AuthorityLock.load(file);
        assertNull(lock.problem());
        assertEquals(Optional.empty(), lock.lockedKeyId());

        lock.lock(KEY);

        assertEquals(Optional.of(KEY), lock.lockedKeyId());
        assertEquals(KEY + "\n", Files.readString(file));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "the temporary file was renamed");
        }
        assertEquals(Optional.of(KEY), AuthorityLock.load(file).lockedKeyId());
        assertThrows(IOException.class, () -> lock.lock(KEY.replace('0', 'f')), "locked once only");
        assertEquals(KEY + "\n", Files.readString(file));
    }

    @Test
    void aFileEditedByHandWithoutNewlineIsRead() throws Exception {
        Path file = dir.resolve(AuthorityLock.FILE_NAME);
        Files.writeString(file, KEY);
        assertEquals(Optional.of(KEY), AuthorityLock.load(file).lockedKeyId());
    }

    @Test
    void aCorruptFileIsReportedAndNeverReplaced() throws Exception {
        for (byte[] content : List.of("ABC\n".getBytes(), (KEY.toUpperCase() + "\n").getBytes(), new byte[] {(byte) 0xff},
                (KEY + "\n" + KEY + "\n").getBytes(), new byte[AuthorityLock.MAX_FILE_BYTES + 1])) {
            Path file = dir.resolve(AuthorityLock.FILE_NAME);
            Files.write(file, content);
            AuthorityLock lock = AuthorityLock.load(file);
            assertTrue(lock.problem() != null && lock.problem().contains("is corrupt"), String.valueOf(lock.problem()));
            assertEquals(Optional.empty(), lock.lockedKeyId());
            assertThrows(IOException.class, () -> lock.lock(KEY));
            assertTrue(java.util.Arrays.equals(content, Files.readAllBytes(file)), "left as it is");
        }
    }

    @Test
    void aDirectoryInTheWayIsReported() throws Exception {
        Path file = Files.createDirectory(dir.resolve(AuthorityLock.FILE_NAME));
        assertTrue(AuthorityLock.load(file).problem().contains("not a regular file"));
    }

    @Test
    void withoutADataAreaNothingCanBeLocked() {
        AuthorityLock lock = AuthorityLock.load(null);
        assertTrue(lock.problem().contains("no data area"));
        assertThrows(IOException.class, () -> lock.lock(KEY));
    }
}
