package org.p2pnet.api.data;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

import org.p2pnet.api.PeerId;

/**
 * A file received, verified and stored ({@code p2p:files}).
 *
 * @param name       its name in the storage directory
 * @param path       where it is
 * @param size       bytes
 * @param sha256     hex SHA-256, verified
 * @param from       the sender
 * @param receivedAt when it was stored
 */
public record ReceivedFile(String name, Path path, long size, String sha256, PeerId from, Instant receivedAt) {
    public ReceivedFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
