package org.p2pnet.handler.data.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", ".hidden", "a/b", "a\\b", "C:", "C:\\x", "d:x", "\\\\server\\share",
            "/abs", "end.", "end ", "nul\u0000", "line\nbreak", "esc\u001b", "del\u007f", "CON", "con", "CON.txt",
            "con .txt", "PRN", "aux.tar.gz", "NUL", "COM1", "com5.x", "COM9", "LPT1", "lpt9.doc"})
    void refused(String name) {
        assertNotNull(Names.problem(name), "'" + name + "' must be refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "report.txt", "photo 1.jpg", "COM10", "LPT0", "console.log", "conx", "x.CON",
            "ünïcode ✓.txt", "a..b", "name with spaces.tar.gz"})
    void accepted(String name) {
        assertNull(Names.problem(name), () -> "'" + name + "': " + Names.problem(name));
    }

    @Test
    void lengthIsBounded() {
        assertNull(Names.problem("x".repeat(255)));
        assertNotNull(Names.problem("x".repeat(256)));
        assertNotNull(Names.problem("é".repeat(200)), "more than 255 bytes as UTF-8");
    }

    @Test
    void aTakenNameGetsANumberBeforeItsExtension() throws IOException {
        assertEquals("a (1).txt", Names.numbered("a.txt", 1));
        assertEquals("a.tar (2).gz", Names.numbered("a.tar.gz", 2));
        assertEquals("README (3)", Names.numbered("README", 3));
        Files.writeString(dir.resolve("a.txt"), "x");
        Files.writeString(dir.resolve("a (1).txt"), "x");
        assertEquals(dir.toRealPath().resolve("a (2).txt"), Names.target(dir, "a.txt"));
        assertEquals(dir.toRealPath().resolve("b.txt"), Names.target(dir, "b.txt"));
    }

    @Test
    void theTargetMustLieDirectlyInTheDirectory() {
        assertThrows(IOException.class, () -> Names.inside(dir.toRealPath(), "../x"));
        assertThrows(IOException.class, () -> Names.inside(dir.toRealPath(), "sub/x"));
    }
}
