package org.p2pnet.handler.data.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the file-name rules ({@link Names}, README "Names"): {@link Names#problem} never throws, and
 * every name it accepts stays a direct child of the storage directory after resolving and
 * normalizing, and breaks none of the rules checked here independently of the implementation.
 * The bytes are read twice, as UTF-8 (readable seeds) and as UTF-16BE (any char, lone surrogates).
 * Saved inputs: {@code src/test/resources/org/p2pnet/handler/data/internal/NamesFuzzTestInputs/}.
 */
class NamesFuzzTest {
    private static final Pattern DEVICE = Pattern.compile(
            "(?i)(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9]) *(\\..*)?");
    private static Path storage;

    private static synchronized Path storage() {
        if (storage == null) {
            try {
                storage = Files.createTempDirectory("names-fuzz").toRealPath();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return storage;
    }

    @AfterAll
    static void removeStorage() throws IOException {
        if (storage != null) {
            try (Stream<Path> all = Files.walk(storage)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
            storage = null;
        }
    }

    @FuzzTest(maxDuration = "2m")
    void acceptedNamesStayInside(byte[] data) throws IOException {
        check(new String(data, StandardCharsets.UTF_8));
        check(new String(data, StandardCharsets.UTF_16BE));
    }

    private static void check(String name) throws IOException {
        String problem = Names.problem(name); // must not throw, whatever the input
        if (problem != null) {
            assertFalse(problem.isBlank(), "a refusal carries a reason");
            return;
        }
        String shown = name.codePoints().limit(80)
                .mapToObj(c -> c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : Character.toString(c))
                .reduce("", String::concat);
        assertFalse(name.isEmpty(), "empty name accepted");
        assertTrue(name.length() <= Names.MAX_LENGTH, () -> "too long: " + shown);
        assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= Names.MAX_LENGTH, () -> "too many bytes: " + shown);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            assertFalse(c == '/' || c == '\\' || c == ':' || c == 0 || Character.isISOControl(c),
                    () -> "separator, drive, NUL or control character accepted: " + shown);
        }
        assertFalse(name.equals(".") || name.equals("..") || name.startsWith("."), () -> "dot name: " + shown);
        assertFalse(name.endsWith(".") || name.endsWith(" "), () -> "trailing dot or space: " + shown);
        assertFalse(DEVICE.matcher(name).matches(), () -> "device name: " + shown);

        Path dir = storage();
        Path resolved;
        try {
            resolved = dir.resolve(name).normalize();
        } catch (InvalidPathException e) {
            // the platform cannot even form the path: nothing can be written under this name
            return;
        }
        assertEquals(dir, resolved.getParent(), () -> "escapes the storage directory: " + shown);
        assertTrue(resolved.startsWith(dir), () -> "escapes the storage directory: " + shown);
        assertEquals(name, resolved.getFileName().toString(), () -> "changed by resolving: " + shown);
        try {
            assertEquals(resolved, Names.inside(dir, name));
            assertEquals(resolved, Names.target(dir, name));
            // a taken name gets a number: that one must stay inside too
            String numbered = Names.numbered(name, 1);
            assertEquals(dir, Names.inside(dir, numbered).getParent(), () -> "numbered name escapes: " + shown);
        } catch (IOException e) {
            fail("an accepted name was refused by the path check: " + shown + ": " + e);
        }
    }
}
