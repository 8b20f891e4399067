package org.p2pnet.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void createsTheDirectoryAndReplacesTheFileLeavingNoTempFile() throws IOException {
        Path file = dir.resolve("sub/deeper/state.json");

        AtomicFiles.write(file, "one".getBytes(StandardCharsets.UTF_8));
        assertEquals("one", Files.readString(file));

        AtomicFiles.write(file, "two, longer".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(file, new byte[0]);
        assertArrayEquals(new byte[0], Files.readAllBytes(file));

        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void syncsADirectoryAndShrugsOffOneThatCannotBeSynced() {
        AtomicFiles.syncDirectory(dir);
        AtomicFiles.syncDirectory(dir.resolve("missing")); // logged at DEBUG, not thrown
    }
}
