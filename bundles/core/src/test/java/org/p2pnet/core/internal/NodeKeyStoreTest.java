package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pnet.api.PeerId;

class NodeKeyStoreTest {
    @TempDir
    Path dir;

    @Test
    void keyIsGeneratedOnceAndReloaded() throws IOException {
        Path storage = dir.resolve("data/p2pnet");
        NodeKeyStore.NodeKey first = NodeKeyStore.loadOrCreate(storage);
        Path file = storage.resolve(NodeKeyStore.FILE_NAME);
        assertTrue(Files.isRegularFile(file));
        byte[] written = Files.readAllBytes(file);

        NodeKeyStore.NodeKey second = NodeKeyStore.loadOrCreate(storage);

        assertEquals(first.peerId(), second.peerId());
        assertEquals(PeerId.of(second.publicKey()), second.peerId());
        assertArrayEquals(written, Files.readAllBytes(file), "reloading must not rewrite the file");
        if (storage.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        try (Stream<Path> files = Files.list(storage)) {
            assertEquals(1, files.count(), "no temp file is left behind");
        }
    }

    @Test
    void sameIdAcrossNetworkRestarts() {
        PeerNetworkImpl first = new PeerNetworkImpl(TestConfigs.config(dir), "p2pnet/test");
        PeerId id = first.identity().peerId();
        first.deactivate();

        PeerNetworkImpl second = new PeerNetworkImpl(TestConfigs.config(dir), "p2pnet/test");
        try {
            assertEquals(id, second.identity().peerId());
            assertEquals(id, second.localIdentity().peerId());
            assertTrue(second.localIdentity().idMatchesKey());
        } finally {
            second.deactivate();
        }
    }

    @Test
    void corruptFileIsNeverOverwritten() throws IOException {
        Path file = dir.resolve(NodeKeyStore.FILE_NAME);
        byte[] garbage = "algorithm=Ed25519\npublicKey=AAAA\nprivateKey=not base64!\n".getBytes(StandardCharsets.UTF_8);
        Files.write(file, garbage);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> NodeKeyStore.loadOrCreate(dir));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());

        IllegalStateException activation = assertThrows(IllegalStateException.class,
                () -> new PeerNetworkImpl(TestConfigs.config(dir), "p2pnet/test"));
        assertTrue(activation.getMessage().contains(file.toString()), activation.getMessage());
        assertArrayEquals(garbage, Files.readAllBytes(file));
    }

    @Test
    void emptyFileIsCorrupt() throws IOException {
        Path file = dir.resolve(NodeKeyStore.FILE_NAME);
        Files.createFile(file);
        assertThrows(IllegalStateException.class, () -> NodeKeyStore.loadOrCreate(dir));
        assertEquals(0, Files.size(file));
    }

    @Test
    void keysOfDifferentPairsAreCorrupt() throws IOException {
        RemotePeer a = new RemotePeer();
        RemotePeer b = new RemotePeer();
        Base64.Encoder b64 = Base64.getEncoder();
        Path file = dir.resolve(NodeKeyStore.FILE_NAME);
        Files.writeString(file, "algorithm=Ed25519\npublicKey=" + b64.encodeToString(a.keys.getPublic().getEncoded())
                + "\nprivateKey=" + b64.encodeToString(b.keys.getPrivate().getEncoded()) + "\n");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> NodeKeyStore.loadOrCreate(dir));
        assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
    }
}
