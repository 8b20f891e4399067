package org.p2pnet.handler.task.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NonceStoreTest {
    private static final long NOW = 1_795_000_000_000L;
    private static final String A = "00112233445566778899aabbccddeeff";
    private static final String B = "ffeeddccbbaa99887766554433221100";
    private static final String C = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void aRecordedNonceIsSeenAndKeptAcrossARestart() throws Exception {
        NonceStore store = new NonceStore(dir, NOW);
        store.record(A, NOW + 60_000, NOW);

        assertTrue(store.seen(A));
        assertEquals("{\"version\":1,\"nonces\":[{\"nonce\":\"" + A + "\",\"expiresAt\":" + (NOW + 60_000) + "}]}",
                Files.readString(dir.resolve(NonceStore.FILE_NAME)));
        NonceStore reopened = new NonceStore(dir, NOW + 1);
        assertTrue(reopened.seen(A));
        TaskRefused replay = assertThrows(TaskRefused.class, () -> reopened.record(A, NOW + 60_000, NOW + 1));
        assertEquals(Refusal.REPLAYED, replay.reason());
    }

    @Test
    void noTemporaryFileIsLeftBehind() throws Exception {
        NonceStore store = new NonceStore(dir, NOW);
        store.record(A, NOW + 60_000, NOW);
        store.record(B, NOW + 60_000, NOW);

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve(NonceStore.FILE_NAME)), files.toList());
        }
    }

    @Test
    void noncesAreForgottenAGraceAfterTheirTaskExpires() throws Exception {
        NonceStore store = new NonceStore(dir, NOW);
        store.record(A, NOW + 1_000, NOW);
        store.record(B, NOW + 10 * 60_000, NOW);

        NonceStore justExpired = new NonceStore(dir, NOW + 1_000);
        assertTrue(justExpired.seen(A), "kept through the grace period");
        NonceStore later = new NonceStore(dir, NOW + 1_000 + NonceStore.GRACE_MILLIS);
        assertFalse(later.seen(A));
        assertTrue(later.seen(B));
        later.record(C, NOW + 10 * 60_000, NOW + 1_000 + NonceStore.GRACE_MILLIS);
        String file = Files.readString(dir.resolve(NonceStore.FILE_NAME));
        assertFalse(file.contains(A), file);
        assertTrue(file.contains(B) && file.contains(C), file);
    }

    @Test
    void aFullStoreRefusesRatherThanForgetUnexpiredNonces() throws Exception {
        NonceStore store = new NonceStore(dir, NOW, 2);
        store.record(A, NOW + 60_000, NOW);
        store.record(B, NOW + 60_000, NOW);

        TaskRefused full = assertThrows(TaskRefused.class, () -> store.record(C, NOW + 60_000, NOW));

        assertEquals(Refusal.NONCE_STORE, full.reason());
        assertTrue(full.detail().startsWith("the task nonce store is full"), full.detail());
        assertTrue(store.seen(A) && store.seen(B));
        assertFalse(store.seen(C));
    }

    static Stream<Arguments> corrupt() {
        return Stream.of(
                Arguments.of("not json", "it is not valid task nonce JSON"),
                Arguments.of("{\"version\":2,\"nonces\":[]}", "its version 2 is not 1"),
                Arguments.of("{\"version\":1}", "it is not valid task nonce JSON: Missing creator property 'nonces'"),
                Arguments.of("{\"version\":1,\"nonces\":[],\"extra\":1}", "it is not valid task nonce JSON"),
                Arguments.of("{\"version\":1,\"nonces\":[{\"nonce\":\"XYZ\",\"expiresAt\":1}]}",
                        "entry 0 has no nonce of 16-64 lowercase hex digits"),
                Arguments.of("{\"version\":1,\"nonces\":[{\"nonce\":\"" + A + "\",\"expiresAt\":0}]}",
                        "entry 0 has no positive expiresAt"),
                Arguments.of("{\"version\":1,\"nonces\":[{\"nonce\":\"" + A + "\",\"expiresAt\":" + NOW + "},"
                        + "{\"nonce\":\"" + A + "\",\"expiresAt\":" + NOW + "}]}", "entry 1 repeats nonce " + A),
                Arguments.of("{\"version\":1,\"nonces\":[{\"nonce\":\"" + A + "\",\"expiresAt\":1.5}]}",
                        "it is not valid task nonce JSON"));
    }

    @ParameterizedTest
    @MethodSource("corrupt")
    void aCorruptFileIsNeverOverwrittenAndRefusesEveryNonce(String content, String problem) throws Exception {
        Path file = dir.resolve(NonceStore.FILE_NAME);
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Files.write(file, bytes);

        NonceStore store = new NonceStore(dir, NOW);
        TaskRefused refused = assertThrows(TaskRefused.class, () -> store.record(C, NOW + 60_000, NOW));

        assertEquals(Refusal.NONCE_STORE, refused.reason());
        assertTrue(refused.detail().startsWith("the task nonce file " + file + " is unreadable (" + problem),
                refused.detail());
        assertTrue(store.problem().isPresent());
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    @Test
    void aFileThatCannotBeWrittenRefusesAndChangesNothing() throws Exception {
        Path data = dir.resolve("data");
        NonceStore store = new NonceStore(data, NOW);
        Files.writeString(data, "a file where the directory should be");

        TaskRefused refused = assertThrows(TaskRefused.class, () -> store.record(A, NOW + 60_000, NOW));

        assertEquals(Refusal.NONCE_STORE, refused.reason());
        assertTrue(refused.detail().startsWith("cannot write the task nonce file"), refused.detail());
        assertFalse(store.seen(A));
    }
}
