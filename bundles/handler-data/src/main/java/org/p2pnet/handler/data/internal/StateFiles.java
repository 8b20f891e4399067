package org.p2pnet.handler.data.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.data.ReceivedFile;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.common.AtomicFiles;

/**
 * The small JSON files the handler keeps under the storage directory, each written atomically
 * ({@link AtomicFiles}) and read strictly (the trust bundle's {@code BlockFile} approach): a file
 * that does not read is reported as corrupt and never overwritten.
 *
 * <ul>
 *   <li>{@code .incoming/<transferId>.json} beside {@code .incoming/<transferId>.part}: what was offered and
 *       how many bytes of the part are durably written ({@link PartState}).</li>
 *   <li>{@code .index.json}: the files received and stored, for {@code files()} ({@link IndexJson}).</li>
 * </ul>
 */
final class StateFiles {
    static final String INCOMING = ".incoming";
    static final String INDEX = ".index.json";
    static final int VERSION = 1;
    static final long MAX_STATE_SIZE = 64 * 1024;
    static final long MAX_INDEX_SIZE = 16L * 1024 * 1024;
    /** Most files kept in the index; the oldest go first. */
    static final int MAX_INDEX_ENTRIES = 10_000;

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();

    /** An incoming transfer's state file. */
    record PartState(int version, String transferId, String peer, String format, String name, long size,
                     String sha256, long window, long offset) {
        PeerId peerId() {
            return PeerId.parse(peer);
        }

        DataFormat dataFormat() {
            return DataFormat.valueOf(format);
        }

        PartState at(long newOffset) {
            return new PartState(version, transferId, peer, format, name, size, sha256, window, newOffset);
        }
    }

    /** The index file. */
    record IndexJson(int version, List<FileJson> files) {
    }

    /** One stored file: its path relative to the storage directory. */
    record FileJson(String name, String path, long size, String sha256, String from, String receivedAt) {
    }

    private StateFiles() {
    }

    static Path incoming(Path storage) {
        return storage.resolve(INCOMING);
    }

    static Path part(Path storage, String transferId) {
        return incoming(storage).resolve(transferId + ".part");
    }

    static Path state(Path storage, String transferId) {
        return incoming(storage).resolve(transferId + ".json");
    }

    static void writeState(Path storage, PartState state) throws IOException {
        AtomicFiles.write(state(storage, state.transferId()), MAPPER.writeValueAsBytes(state));
    }

    /**
     * The state of a transfer's part, or null when there is none.
     *
     * @throws IOException naming the problem when the file exists but is not a valid state
     */
    static PartState readState(Path storage, String transferId) throws IOException {
        Path file = state(storage, transferId);
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_STATE_SIZE) {
                throw new IOException(file + " is larger than " + MAX_STATE_SIZE + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        PartState s;
        try {
            s = MAPPER.readValue(bytes, PartState.class);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not a valid state file: " + e.getOriginalMessage());
        }
        if (s == null || s.version() != VERSION || !transferId.equals(s.transferId()) || s.offset() < 0
                || s.size() < 0 || s.offset() > s.size() || s.window() < 1) {
            throw new IOException(file + " is not a valid state file: wrong version, id or offsets");
        }
        try {
            s.peerId();
            s.dataFormat();
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a valid state file: " + e.getMessage());
        }
        return s;
    }

    /** Transfer ids with a state file in {@code .incoming}, with the state file's last change. */
    static List<Object[]> listStates(Path storage) throws IOException {
        List<Object[]> ids = new ArrayList<>();
        Path dir = incoming(storage);
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                String id = n.substring(0, n.length() - ".json".length());
                if (Control.TRANSFER_ID.matcher(id).matches()) {
                    FileTime t = Files.getLastModifiedTime(f);
                    ids.add(new Object[] {id, t.toInstant()});
                }
            }
        }
        return ids;
    }

    /** Deletes a transfer's part and state file. */
    static void deletePart(Path storage, String transferId) {
        try {
            Files.deleteIfExists(part(storage, transferId));
            Files.deleteIfExists(state(storage, transferId));
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(StateFiles.class).warn("Cannot delete the part of transfer {}: {}",
                    transferId, e.toString());
        }
    }

    /**
     * The index's entries, newest first; none when there is no index.
     *
     * @throws IOException naming the problem when the index exists but does not read
     */
    static List<ReceivedFile> readIndex(Path storage) throws IOException {
        Path file = storage.resolve(INDEX);
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_INDEX_SIZE) {
                throw new IOException(file + " is larger than " + MAX_INDEX_SIZE + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new ArrayList<>();
        }
        IndexJson json;
        try {
            json = MAPPER.readValue(bytes, IndexJson.class);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not a valid index: " + e.getOriginalMessage());
        }
        if (json == null || json.version() != VERSION || json.files() == null) {
            throw new IOException(file + " is not a valid index: wrong version or no files list");
        }
        List<ReceivedFile> out = new ArrayList<>();
        for (FileJson f : json.files()) {
            try {
                Path p = storage.resolve(f.path()).normalize();
                if (!p.startsWith(storage)) {
                    throw new IllegalArgumentException("path " + f.path() + " is outside the storage directory");
                }
                out.add(new ReceivedFile(f.name(), p, f.size(), f.sha256(), PeerId.parse(f.from()),
                        Instant.parse(f.receivedAt())));
            } catch (RuntimeException e) {
                throw new IOException(file + " is not a valid index: an entry is invalid: " + e.getMessage());
            }
        }
        return out;
    }

    static void writeIndex(Path storage, List<ReceivedFile> files) throws IOException {
        List<FileJson> json = files.stream().limit(MAX_INDEX_ENTRIES)
                .map(f -> new FileJson(f.name(), storage.relativize(f.path()).toString(), f.size(), f.sha256(),
                        f.from().value(), f.receivedAt().toString()))
                .toList();
        AtomicFiles.write(storage.resolve(INDEX), MAPPER.writeValueAsBytes(new IndexJson(VERSION, json)));
    }
}
