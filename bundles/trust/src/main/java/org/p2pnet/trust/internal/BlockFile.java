package org.p2pnet.trust.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.trust.BlockEntry;
import org.p2pnet.common.AtomicFiles;

/**
 * {@code blocklist.json}: the entries as JSON, rewritten whole and atomically ({@link AtomicFiles}: temp file, fsync,
 * atomic rename, directory sync) on every change. Reading is strict: unknown or missing fields,
 * duplicates, values not in normalized form or invalid notes make the file corrupt, never half-read.
 *
 * <pre>{"version":1,"entries":[{"kind":"ADDRESS","value":"10.0.0.0/8","note":"","since":"2026-01-02T03:04:05Z"}]}</pre>
 */
final class BlockFile {
    static final String FILE_NAME = "blocklist.json";
    static final int FORMAT_VERSION = 1;
    /** Far above 100,000 entries with notes; a bigger file is not read. */
    static final long MAX_FILE_SIZE = 128L * 1024 * 1024;

    /** Strict reading: shared with {@link TrustFile}. */
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

    /** The file's JSON form. */
    record FileJson(int version, List<EntryJson> entries) {
    }

    /** One entry's JSON form. */
    record EntryJson(String kind, String value, String note, String since) {
    }

    private final Path file;

    BlockFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    /**
     * The entries in the file; none when it does not exist.
     *
     * @throws CorruptFileException naming the problem when the file exists but is not a valid block list
     */
    List<BlockEntry> read() throws CorruptFileException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new CorruptFileException("it is larger than " + MAX_FILE_SIZE + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new CorruptFileException("it cannot be read: " + e);
        }
        FileJson json;
        try {
            json = MAPPER.readValue(bytes, FileJson.class);
        } catch (JsonProcessingException e) {
            throw new CorruptFileException("it is not valid block list JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CorruptFileException("it cannot be read: " + e);
        }
        if (json == null || json.entries() == null) {
            throw new CorruptFileException("it has no \"entries\" list");
        }
        if (json.version() != FORMAT_VERSION) {
            throw new CorruptFileException("its version " + json.version() + " is not " + FORMAT_VERSION);
        }
        List<BlockEntry> entries = new ArrayList<>(json.entries().size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < json.entries().size(); i++) {
            EntryJson e = json.entries().get(i);
            try {
                BlockEntry entry = entryOf(e);
                if (!seen.add(entry.kind() + " " + entry.value())) {
                    throw new IllegalArgumentException("it repeats " + entry.value());
                }
                entries.add(entry);
            } catch (IllegalArgumentException | NullPointerException | DateTimeParseException problem) {
                throw new CorruptFileException("entry " + i + " is invalid: " + problem.getMessage());
            }
        }
        if (entries.size() > BlockListService.MAX_ENTRIES) {
            throw new CorruptFileException("it has " + entries.size() + " entries, more than "
                    + BlockListService.MAX_ENTRIES);
        }
        return entries;
    }

    private static BlockEntry entryOf(EntryJson e) {
        if (e == null) {
            throw new IllegalArgumentException("it is null");
        }
        BlockEntry.Kind kind;
        try {
            kind = BlockEntry.Kind.valueOf(e.kind());
        } catch (IllegalArgumentException | NullPointerException bad) {
            throw new IllegalArgumentException("kind '" + e.kind() + "' is not ADDRESS or PEER");
        }
        String normalized = kind == BlockEntry.Kind.ADDRESS
                ? AddressRange.parse(e.value()).toString()
                : PeerId.parse(e.value()).value();
        if (!normalized.equals(e.value())) {
            throw new IllegalArgumentException("value '" + e.value() + "' is not in normalized form '" + normalized + "'");
        }
        return new BlockEntry(kind, normalized, Notes.check(e.note()), Instant.parse(e.since()));
    }

    /** Replaces the file with these entries, atomically and durably. */
    void write(List<BlockEntry> entries) throws IOException {
        List<EntryJson> json = entries.stream()
                .map(e -> new EntryJson(e.kind().name(), e.value(), e.note(), e.since().toString())).toList();
        AtomicFiles.write(file, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(new FileJson(FORMAT_VERSION, json)));
    }

    /** The file exists but is not a valid block list. */
    static final class CorruptFileException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptFileException(String message) {
            super(message);
        }
    }
}
